"""The treasury's settlement file (appendix 22) imported at the office: the deposit columns of
the reconciliation fill in, idempotently; unknown ids and wrong amounts are reported, never
applied; a malformed or hostile file stores nothing (real SQLite, the CLI driven in-process)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from eservice_desktop.cli.main import main
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import settlement_file as sf
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, reports, settlement
from eservice_desktop.services import payments as pay
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow

DAY = date(2026, 3, 10)
HEAD = "編號,交易電子案號,授權時間,付費工具,入庫日期,應繳金額,已入庫,未入庫,機關核銷編號,規費單號"


def online(app: App, number: str, payment_id: str, amount: int = 30, reference: str = "") -> str:
    with app.transaction() as s:
        r = pay.record_online_payment(
            app,
            s,
            cases.resolve_case_id(s, number),
            payment_id=payment_id,
            reference=reference,
            amount=amount,
            payment_tool="信用卡",
            authorised_at=datetime(2026, 3, 10, 0, 43, 53, tzinfo=UTC),
        )
    return r.receipt_number


def settled_events(app: App) -> int:
    with app.reading() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.type == ev.PAYMENT_SETTLED)
            )
            or 0
        )


def run(app: App, *argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(
        ["--data-dir", str(app.settings.data_dir), "--office", "H01", "--device", "01",
         "--lang", "zh_TW", *argv]
    )  # fmt: skip
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_import_fills_the_reconciliation_deposit_columns_once(
    app: App, fee_case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    online(app, fee_case, "30096262600")
    before = reports.reconciliation(app, DAY, DAY).table()[0]
    assert before[1] == "30096262600"
    assert (before[4], before[6], before[8]) == ("", "", "")  # deposit columns empty
    csv_file = tmp_path / "settle.csv"
    csv_file.write_text(
        f"{HEAD}\n1,30096262600,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,AU08001000777,\n",
        "utf-8",
    )
    rc, out, _err = run(app, "payment", "settle-import", str(csv_file), "--json", capsys=capsys)
    assert rc == 0
    result = json.loads(out)
    assert (result["settled"], result["unchanged"], result["not_applied"]) == (1, 0, [])
    row = reports.reconciliation(app, DAY, DAY).table()[0]
    # 入庫日期, 應繳金額, 已入庫, 未入庫, 機關核銷編號
    assert row[4:9] == ["2026/03/12", "30", "30", "", "AU08001000777"]
    assert settled_events(app) == 1
    # the very same file again: nothing changes, no new event
    rc, out, _err = run(app, "payment", "settle-import", str(csv_file), "--json", capsys=capsys)
    assert rc == 0 and json.loads(out)["unchanged"] == 1 and json.loads(out)["settled"] == 0
    assert settled_events(app) == 1


def test_unknown_ids_and_different_amounts_are_reported_not_applied(
    app: App, fee_case: str
) -> None:
    online(app, fee_case, "30096262600")
    data = (
        f"{HEAD}\n"
        "1,30096262600,2026/03/10 08:43:53,信用卡,2026/03/12,80,80,,AU1,\n"
        "2,39999999900,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,AU2,\n"
        # the case number is not a transaction id
        f"3,{fee_case.replace('-', '')},2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,AU3,\n"
    ).encode()
    result = settlement.import_settlement(app, data)
    assert result["settled"] == 0
    assert [(o["line"], o["status"]) for o in result["not_applied"]] == [  # type: ignore[union-attr]
        (2, "amount_mismatch"),
        (3, "unknown"),
        (4, "unknown"),
    ]
    assert result["not_applied"][0]["amount_expected"] == 30  # type: ignore[index]
    assert settled_events(app) == 0
    assert reports.reconciliation(app, DAY, DAY).rows[0].deposit_date == ""


def test_a_channel_payment_is_found_by_its_transaction_id_not_its_payment_id(
    app: App, fee_case: str
) -> None:
    online(app, fee_case, "9d0c-uuid-of-the-payment", reference="30097021900")
    assert reports.reconciliation(app, DAY, DAY).table()[0][1] == "30097021900"
    data = f"{HEAD}\n1,30097021900,2026/03/10 10:51:32,超商代收,2026/03/10,30,30,,AU7,\n".encode()
    assert settlement.import_settlement(app, data)["settled"] == 1
    assert reports.reconciliation(app, DAY, DAY).rows[0].settlement_number == "AU7"


def test_undeposited_then_deposited_updates_and_big5_with_bom_variants_read(
    app: App, fee_case: str
) -> None:
    online(app, fee_case, "30099183900")
    first = f"{HEAD}\r\n1,30099183900,2026/03/10 16:53:51,金融帳戶 轉帳,2026/03/11,30,,30,,\r\n"
    r1 = settlement.import_settlement(app, first.encode("cp950"))  # Big5, as Excel saves it
    assert r1["settled"] == 1
    row = reports.reconciliation(app, DAY, DAY).rows[0]
    assert (row.deposited, row.deposit_date) == (False, "2026/03/11")
    second = f"{HEAD}\n1,30099183900,2026/03/10 16:53:51,金融帳戶轉帳,2026/03/11,30,30,,AU9,\n"
    r2 = settlement.import_settlement(app, b"\xef\xbb\xbf" + second.encode())  # UTF-8 BOM
    assert r2["settled"] == 1
    row = reports.reconciliation(app, DAY, DAY).rows[0]
    assert (row.deposited, row.settlement_number) == (True, "AU9")
    assert settled_events(app) == 2


def test_the_exported_reconciliation_reimports_as_a_settlement_file(
    app: App, fee_case: str, tmp_path: Path
) -> None:
    online(app, fee_case, "30096262600")
    reports.write_reconciliation(app, DAY, DAY, tmp_path / "rec.csv")
    # the treasury fills in the deposit columns of the statement the office sent
    text = (
        (tmp_path / "rec.csv")
        .read_text("utf-8-sig")
        .replace("信用卡,,30,,30,,", "信用卡,2026/03/12,30,30,,AU5,")
    )
    result = settlement.import_settlement(app, text.encode("utf-8-sig"))
    assert (result["settled"], result["lines"]) == (1, 1)  # the 合計 line is skipped


def test_a_settlement_number_excel_would_run_is_exported_as_text(
    app: App, fee_case: str, tmp_path: Path
) -> None:
    """The treasury's 機關核銷編號 went to the reconciliation CSV as the file had it: one
    starting with = ran as a formula when the statement was opened in Excel."""
    online(app, fee_case, "300")
    line = "1,300,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,\"=cmd|' /C calc'!A0\","
    settlement.import_settlement(app, f"{HEAD}\n{line}\n".encode())
    reports.write_reconciliation(app, DAY, DAY, tmp_path / "rec.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "rec.csv").read_text("utf-8-sig"))))
    assert rows[1][8] == "'=cmd|' /C calc'!A0" and rows[1][1] == "300"


MALFORMED = [
    (b"", 0),
    ("編號,交易電子案號,應繳金額\n".encode(), 1),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,30,AU1,\n".encode(), 2),
    (f"{HEAD}\n\n1,300,2026/03/10 08:43:53,現金,2026/03/12,30,30,,AU1,\n".encode(), 3),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/13/12,30,30,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/03/12,-30,-30,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,2026/03/10,信用卡,2026/03/12,30,30,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/03/12,30,20,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,,30,30,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡\n".encode(), 2),
    (f"{HEAD}\n1,300,x,信用卡,2026/03/12,30,30,,AU1,\n2,300,x,信用卡,,30,,30,,\n".encode(), 2),
    (f"{HEAD}\n1,30 0,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,AU1,\n".encode(), 2),
    (f'{HEAD}\n1,"300,2026/03/10\n'.encode(), 2),
    (HEAD.encode() + b"\n1,\x00300\n", 0),
    (HEAD.encode() + b"\n1,\xff\xfe\xfa\n", 2),  # neither UTF-8 nor Big5
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,{'A' * 300},\n".encode(), 2),
    # a control character or a bidi override in the settlement number names its line too
    (f'{HEAD}\n\n1,300,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,"AU\x1b[31m",\n'.encode(), 3),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,AU\u202e1,\n".encode(), 2),
    # a deposit date no deposit can have: out of any stored time's years, before its payment
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,9999/12/31,30,30,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,,信用卡,0001/01/01,30,30,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,0001/01/01 00:00,信用卡,2026/03/12,30,30,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/03/09,30,30,,AU1,\n".encode(), 2),
    # another script's digits were read as the amount or the date (٣٠ was 30)
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,2026/03/12,٣٠,٣٠,,AU1,\n".encode(), 2),
    (f"{HEAD}\n1,300,2026/03/10 08:43:53,信用卡,٢٠٢٦/٠٣/١٢,30,30,,AU1,\n".encode(), 2),
]


def test_full_width_digits_typed_with_a_chinese_ime_are_read() -> None:
    line = "1,300,２０２６/０３/１０ ０８:４３:５３,信用卡,２０２６/０３/１２,３０,３０,,AU1,"
    [parsed] = sf.parse(f"{HEAD}\n{line}\n".encode())
    assert (parsed.amount, parsed.deposit_date) == (30, date(2026, 3, 12))


@pytest.mark.parametrize(("data", "line"), MALFORMED)
def test_a_malformed_file_names_its_line_and_stores_nothing(
    app: App, fee_case: str, data: bytes, line: int
) -> None:
    online(app, fee_case, "300")
    with pytest.raises(sf.SettlementFileError) as info:
        settlement.import_settlement(app, data)
    assert info.value.line == line
    assert info.value.message_zh.startswith("對帳檔格式錯誤")
    assert (f"第 {line} 行" in info.value.message_zh) == (line > 0)
    assert settled_events(app) == 0


def test_cli_refuses_a_malformed_file_with_exit_2_and_stores_nothing(
    app: App, fee_case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    online(app, fee_case, "30096262600")
    bad = tmp_path / "bad.csv"
    # line 2 is good, line 3 is not: the good line must not be stored either
    bad.write_text(
        f"{HEAD}\n"
        "1,30096262600,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,AU1,\n"
        "2,30096262601,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,30,AU1,\n",
        "utf-8",
    )
    rc, out, err = run(app, "payment", "settle-import", str(bad), "--json", capsys=capsys)
    assert rc == 2
    doc = json.loads(out)
    assert (doc["ok"], doc["error"], doc["line"]) == (False, "settlement.malformed", 3)
    assert "第 3 行" in err and "已入庫" in err
    assert settled_events(app) == 0
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(sf.MAX_BYTES + 10)
    rc, _out, err = run(app, "payment", "settle-import", str(huge), capsys=capsys)
    assert rc == 2 and "檔案過大" in err
    rc, _out, err = run(app, "payment", "settle-import", str(tmp_path / "nope.csv"), capsys=capsys)
    assert rc == 2 and "無法讀取對帳檔" in err


def test_cli_lines_not_applied_are_in_the_users_language(
    app: App, fee_case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under zh-TW the head line was Chinese and each line not applied English: ``line 2:
    30096262600 amount_mismatch (expected 30)``."""
    online(app, fee_case, "30096262600")
    csv_file = tmp_path / "settle.csv"
    csv_file.write_text(
        f"{HEAD}\n"
        "1,30096262600,2026/03/10 08:43:53,信用卡,2026/03/12,80,80,,AU1,\n"
        "2,39999999900,2026/03/10 08:43:53,信用卡,2026/03/12,30,30,,AU2,\n",
        "utf-8",
    )
    rc, out, _err = run(app, "payment", "settle-import", str(csv_file), capsys=capsys)
    assert rc == 0 and out.splitlines()[1:] == [
        "  第 2 行：30096262600 金額不符（應為 30 元）",
        "  第 3 行：39999999900 查無此交易",
    ], out
    capsys.readouterr()
    argv = ["--data-dir", str(app.settings.data_dir), "--lang", "en", "payment", "settle-import"]
    assert main([*argv, str(csv_file)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  line 2: 30096262600 amount_mismatch (expected 30)",
        "  line 3: 39999999900 unknown",
    ]


@pytest.mark.parametrize(
    ("payment_id", "reference"), [("x y", ""), ("ok-1", "卡號 12"), ("A" * 65, ""), ("a\n", "")]
)
def test_an_online_payment_whose_transaction_id_no_settlement_file_can_hold_is_refused(
    app: App, fee_case: str, payment_id: str, reference: str
) -> None:
    """Its reconciliation line could never come back: settle-import refused the whole file."""
    with pytest.raises(DomainError) as info:
        online(app, fee_case, payment_id, reference=reference)
    assert info.value.code == "payment.transaction_id" and "交易電子案號" in info.value.message_zh
    assert pay.receipts_of_case(app, fee_case) == []
    online(app, fee_case, "TXN-2026.03:10_1")  # every character the file takes


def test_the_county_import_refuses_a_pipe_without_waiting_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``eservice-county-server settle-import`` opened its file with ``open()``: a named pipe
    nobody writes to held the command for good. Refused before it is read, as the office's
    imports refuse it, and the database is not opened."""
    import os
    import threading

    from eservice_desktop.county import settlement

    fifo = tmp_path / "settlement.csv"
    os.mkfifo(fifo)

    def no_database() -> None:
        raise AssertionError("the database is opened only for a file read")

    codes: list[int] = []
    worker = threading.Thread(
        target=lambda: codes.append(settlement.cli_import(no_database, str(fifo), as_json=False)),
        daemon=True,
    )
    worker.start()
    worker.join(10)
    if worker.is_alive():  # let the waiting open() go (a writer that writes nothing)
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(10)
        pytest.fail("settle-import waited on a named pipe")
    assert codes == [2]
    err = capsys.readouterr().err
    assert ("是裝置或管道，不是一般檔案" in err) or ("a device or a pipe" in err), err


@pytest.mark.parametrize(
    ("line", "zh", "en"),
    [
        # past csv's own field limit (128 KiB); a field of 201 characters said 欄位內容過長
        ("1," + "9" * 200_000 + ",,信用卡,,30,,30,,", "欄位內容過長", "a field is too long"),
        ('1,"300"x,,信用卡,,30,,30,,', "引號不成對", "bad CSV"),
        ('1,"300,,信用卡,,30,,30,,', "引號不成對", "bad CSV"),
    ],
    ids=["huge-field", "quote-then-text", "open-quote"],
)
def test_a_file_csv_cannot_read_is_said_in_the_readers_language(
    line: str, zh: str, en: str
) -> None:
    """csv's own English words sat in the zh-TW line (對帳檔格式錯誤，第 2 行：CSV 格式錯誤
    （field larger than field limit (131072)））; a field past csv's limit is a field too long,
    as one of 201 characters is."""
    with pytest.raises(sf.SettlementFileError) as info:
        sf.parse(f"{HEAD}\n{line}\n".encode())
    assert info.value.line == 2
    assert zh in info.value.message_zh and en in info.value.message_en
    assert "field" not in info.value.message_zh and "expected" not in info.value.message_zh
