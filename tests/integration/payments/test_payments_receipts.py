"""Receipts as real PDFs read back with poppler and zxing-cpp; gapless numbers across processes;
a crash between payment and printing; the closing and reconciliation files; the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from approvals_support import (
    SUPERVISOR,
    SUPERVISOR_PASSWORD,
    add_accounts,
    supervisor_approval,
)
from operator_support import chose_own
from payments_tools import cli, decode, new_case, pdffonts, pdftotext
from sqlalchemy import select

from eservice_desktop.domain.operators import Role
from eservice_desktop.printing.fonts import font_chain
from eservice_desktop.printing.receipt import FeeLine, ReceiptData, render_receipt
from eservice_desktop.services import cases, daily_closing, fees, operators, payments, reports
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_payments import ReceiptRow

WORKER = Path(__file__).with_name("payments_worker.py")
DAY = date(2026, 3, 10)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def case_number(app: App) -> str:
    return new_case(app, name="王𡘙堃")


@pytest.fixture
def make_case(app: App) -> Callable[..., str]:
    return lambda **kw: new_case(app, **kw)


@pytest.mark.parametrize("layout", ["a6", "roll80"])
def test_receipt_pdf_reads_back_exactly_with_barcodes(
    app: App, case_number: str, tmp_path: Path, layout: str
) -> None:
    r = payments.record_payment(app, case_number, "cash", 30, tendered=100)
    pdf = tmp_path / f"receipt-{layout}.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, layout))
    text = pdftotext(pdf)
    flat = squash(text)
    for expected in (
        "王𡘙堃",  # 𡘙 U+21619 (Ext-B, plane 2), 堃 U+5803
        "A12345****",
        "中華民國115年3月10日",
        r.receipt_number,
        case_number,
        "請領戶籍謄本(預約)",
        "戶籍謄本",
        "新台幣參拾元整",
        "30元",
        "現金",
        "收現100元",
        "找零70元",
        "tester",
        payments.format_code(r.verification_code),
    ):
        assert squash(expected) in flat, expected
    assert "A123456789" not in flat and "\ufffd" not in text
    assert not set("王𡘙堃") & font_chain().missing
    fonts = {row[0].split("+", 1)[-1]: row for row in pdffonts(pdf)}
    assert set(fonts) == {"TW-Kai-98_1", "TW-Kai-Ext-B-98_1"}, fonts
    for row in fonts.values():
        assert row[0].count("+") == 1 and row[-5:-2] == ["yes", "yes", "yes"], row  # emb sub uni
    codes = decode(pdf)
    assert codes["Code128"] == r.receipt_number
    qr = codes["QRCode"].split("|")
    assert qr[:3] == ["ESR1", r.receipt_number, "30"] and qr[4] == r.verification_code
    assert payments.verify_receipt(app, qr[1], qr[4])


CAPITALS = [
    (0, "新台幣零元整"),
    (10, "新台幣壹拾元整"),
    (15, "新台幣壹拾伍元整"),
    (20, "新台幣貳拾元整"),
    (100, "新台幣壹佰元整"),
    (1000, "新台幣壹仟元整"),
    (1005, "新台幣壹仟零伍元整"),
    (10000, "新台幣壹萬元整"),
    (20000, "新台幣貳萬元整"),
    (100000, "新台幣壹拾萬元整"),
    (1234567, "新台幣壹佰貳拾參萬肆仟伍佰陸拾柒元整"),
]


def sample(amount: int, **kw: object) -> ReceiptData:
    base: dict[str, object] = dict(
        office_name="桃園市桃園戶政事務所",
        office_code="H01",
        receipt_number="H01-01-115-R000042",
        issued_on=date(2026, 2, 13),
        issued_time="10:05",
        case_number="H01-01-115-000042-7",
        payer_name="陳堃",
        payer_id_shown="A12345****",
        service_name="請領戶籍謄本(預約)",
        items=(FeeLine("戶籍謄本", 1, "張", amount, amount),),
        fees_due=amount,
        amount=amount,
        method="cash",
        clerk="clerk01",
        verification_code="ABCD-EFGH-23",
        qr_payload="ESR1|H01-01-115-R000042",
    )
    base.update(kw)
    return ReceiptData(**base)  # type: ignore[arg-type]


def test_capital_numerals_and_roc_date_on_receipts(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    for amount, capital in CAPITALS:
        pdf.write_bytes(render_receipt(sample(amount), "roll80"))
        flat = squash(pdftotext(pdf))
        assert capital in flat, amount
        assert f"{amount:,}元" in flat, amount
        assert "中華民國115年2月13日" in flat


def test_reprint_and_void_are_marked(app: App, case_number: str, tmp_path: Path) -> None:
    add_accounts(app)
    n = payments.record_payment(app, case_number, "card", 30, reference="T-77").receipt_number
    payments.confirm_printed(app, n)
    pdf = tmp_path / "reprint.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, n, "a6", reprint_reason="民眾遺失"))
    flat = squash(pdftotext(pdf))
    assert "重印" in flat and "重新列印原因：民眾遺失" in flat and "刷卡機交易序號T-77" in flat
    payments.void_receipt(app, n, "刷卡金額錯誤", approval=supervisor_approval())
    pdf.write_bytes(payments.receipt_pdf(app, n, "roll80"))
    flat = squash(pdftotext(pdf))
    assert "規費收據（作廢）" in flat and "作廢原因：刷卡金額錯誤" in flat


def test_a_reprint_says_what_the_first_print_said(
    app: App, case_number: str, tmp_path: Path
) -> None:
    """A receipt acknowledges one payment against the fee of that moment: a reprint (or a
    pending receipt printed later) shows the same fee lines, fee due and balance after that
    payment, not those of the case today (more paid since, more copies assessed since)."""
    first = payments.record_payment(app, case_number, "cash", 10).receipt_number
    pdf = tmp_path / "first.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, first))
    payments.confirm_printed(app, first)
    original = squash(pdftotext(pdf))
    said = ("2張×15＝30", "應繳規費", "本次實收10元", "尚欠金額", "20元")
    for expected in said:
        assert expected in original, expected
    payments.record_payment(app, case_number, "cash", 20)
    fees.change_copies(app, case_number, 4)  # NT$60 now, NT$30 still due
    pdf.write_bytes(payments.receipt_pdf(app, first, reprint_reason="民眾遺失"))
    reprint = squash(pdftotext(pdf))
    assert "重印" in reprint
    for expected in said:
        assert expected in reprint, expected
    assert "4張" not in reprint and "60" not in reprint


def test_closing_pdf_and_csv_list_voids_refunds_and_cash(
    app: App, make_case: Callable[..., str], tmp_path: Path
) -> None:
    a = payments.record_payment(app, make_case(), "cash", 30, tendered=50)
    b = payments.record_payment(app, make_case(), "cash", 30)
    c = payments.record_payment(app, make_case(), "card", 30, reference="T1")
    add_accounts(app)
    payments.void_receipt(app, b.receipt_number, "重複收費", approval=supervisor_approval())
    payments.refund(app, a.receipt_number, 15, "少印一張", approval=supervisor_approval())
    report = daily_closing.write_closing(app, DAY, tmp_path / "closing.pdf")
    daily_closing.write_closing(app, DAY, tmp_path / "closing.csv")
    assert report.cash_expected == 15 and report.gross == 60 and report.net == 45
    flat = squash(pdftotext(tmp_path / "closing.pdf"))
    assert "規費日結表" in flat and "作廢收據" in flat and "重複收費" in flat and "少印一張" in flat
    for r in (a, b, c):
        assert r.receipt_number in flat
    assert "應有現金（現金收入－現金退費－現金作廢退還）15" in flat
    raw = (tmp_path / "closing.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    # the void section: issued and voided on this counter, by whom and allowed by whom
    voided = [b.receipt_number, "01", "01", "tester", b.case_number, "30", "super01 林主管"]
    assert [*voided, "重複收費"] in rows
    assert ["收據號碼區間"] in rows and [
        "01",
        a.receipt_number,
        c.receipt_number,
        "3",
        "無",
    ] in rows


def _method_rows(pdf: Path) -> dict[str, list[str]]:
    """The rows of the closing's 繳費方式小計 as the printed page lays them out."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    section = text.split("繳費方式小計", 1)[1].split("收據明細", 1)[0]
    rows = [line.split() for line in section.splitlines() if line.split()]
    return {r[0]: r[1:] for r in rows if r[0] in ("繳費方式", "現金", "刷卡", "線上", "合計")}


def test_closing_shows_each_method_net_of_its_refunds_on_paper_and_in_json(
    app: App, make_case: Callable[..., str], tmp_path: Path
) -> None:
    """Cash 75 in and 10 back, card 60 in and 15 back: the totals by method said 75 and 60,
    the refunds in their own list only. Each method now shows what came in, what went back and
    the net, on the printed closing, in ``--json`` (fields added, none renamed) and in the text."""
    a = payments.record_payment(app, make_case(), "cash", 30)
    payments.record_payment(app, make_case(copies=3), "cash", 45)
    c = payments.record_payment(app, make_case(copies=4), "card", 60, reference="T1")
    add_accounts(app)
    payments.refund(app, a.receipt_number, 10, "溢收退還", approval=supervisor_approval())
    payments.refund(app, c.receipt_number, 15, "少印一張", approval=supervisor_approval())
    d = app.settings.data_dir
    app.close()
    out = tmp_path / "closing.pdf"
    args = ("report", "closing", "--date", DAY.isoformat(), "--out", str(out))
    shown = json.loads(cli(d, *args, "--json").stdout)
    assert shown["by_method"] == {
        "cash": {"count": 2, "amount": 75, "refunded": 10, "voided_out": 0, "net": 65},
        "card": {"count": 1, "amount": 60, "refunded": 15, "voided_out": 0, "net": 45},
    }
    assert (shown["gross"], shown["refunded"], shown["net"], shown["cash_expected"]) == (
        135,
        25,
        110,
        65,
    )
    assert _method_rows(out) == {
        "繳費方式": ["筆數", "實收", "退費", "作廢退還", "淨額"],
        "現金": ["2", "75", "10", "0", "65"],
        "刷卡": ["1", "60", "15", "0", "45"],
        "合計": ["3", "135", "25", "0", "110"],
    }
    text = cli(d, *args).stdout
    assert "現金 實收 75、退費 10、作廢退還 0、淨額 65" in text
    assert "刷卡 實收 60、退費 15、作廢退還 0、淨額 45" in text


def test_reconciliation_statement_has_appendix_22_columns(
    app: App, case_number: str, tmp_path: Path
) -> None:
    with app.transaction() as s:
        payments.record_online_payment(
            app,
            s,
            cases.resolve_case_id(s, case_number),
            payment_id="30096955600",
            amount=30,
            payment_tool="金融帳戶轉帳",
            authorised_at=datetime(2026, 3, 10, 2, 40, 20, tzinfo=UTC),
            deposit_date=date(2026, 3, 10),
            settlement_number="AU08001000123",
            deposited=True,
        )
    reports.write_reconciliation(app, DAY, DAY, tmp_path / "rec.csv")
    reports.write_reconciliation(app, DAY, DAY, tmp_path / "rec.pdf")
    rows = list(csv.reader(io.StringIO((tmp_path / "rec.csv").read_text("utf-8-sig"))))
    assert rows[0] == [
        "編號",
        "交易電子案號",
        "授權時間",
        "付費工具",
        "入庫日期",
        "應繳金額",
        "已入庫",
        "未入庫",
        "機關核銷編號",
        "規費單號",
    ]
    assert rows[1] == [
        "1",
        "30096955600",  # 交易電子案號 is the payment's transaction id, not the case number
        "2026/03/10 10:40:20",
        "金融帳戶轉帳",
        "2026/03/10",
        "30",
        "30",
        "",
        "AU08001000123",
        "H01-01-115-R000001",
    ]
    assert rows[2][:8] == ["合計", "", "", "", "", "30", "30", "0"]
    flat = squash(pdftotext(tmp_path / "rec.pdf"))
    assert "電子付費對帳單" in flat and "AU08001000123" in flat and "機關核銷編號" in flat


def test_two_processes_recording_at_once_keep_numbers_gapless(
    app: App,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    per_process = 12
    numbers = [new_case(app) for _ in range(2 * per_process)]
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(settings.data_dir), "many", str(go), *chunk],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for chunk in (numbers[:per_process], numbers[per_process:])
    ]
    # Both pay at one signal, once each has opened the database (touched at once, the signal
    # found one still starting on a loaded machine while the other paid alone).
    assert [p.stdout.readline().strip() for p in procs if p.stdout] == ["ready", "ready"]
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    issued = results[0] + results[1]
    assert len(set(issued)) == 2 * per_process
    with app.reading() as s:
        rows = list(s.scalars(select(ReceiptRow).order_by(ReceiptRow.seq)))
        counter = repo.peek_counter(s, f"receipt:H01:01:{rows[0].roc_year}")
    assert [r.seq for r in rows] == list(range(1, 2 * per_process + 1))
    assert sorted(r.number for r in rows) == sorted(issued) and counter == 2 * per_process
    assert {r.case_number for r in rows} == set(numbers)
    assert all(cases.show_case(app, n).balance == 0 for n in numbers)


def test_crash_between_payment_and_printing_loses_nothing(
    app: App,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    number = new_case(app)
    p = subprocess.Popen(
        [sys.executable, str(WORKER), str(settings.data_dir), "crash", number],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert p.stdout is not None
    receipt = p.stdout.readline().strip()
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=30)
    assert p.returncode == -signal.SIGKILL and receipt.endswith("R000001")
    assert cases.show_case(app, number).balance == 0
    assert payments.pending_receipts(app) == [receipt]
    assert payments.last_receipt_number(app, number) == receipt
    nxt = payments.record_payment(app, new_case(app), "cash", 30).receipt_number
    assert nxt.endswith("R000002")
    pdf = tmp_path / "late.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, receipt, "roll80"))
    payments.confirm_printed(app, receipt)
    assert receipt in pdftotext(pdf) and payments.pending_receipts(app) == [nxt]


def test_cli_payment_receipt_report(app: App, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    number = new_case(app)
    add_accounts(app)
    d = settings.data_dir
    app.close()
    none = cli(d, "receipt", "pdf", number, "--out", str(tmp_path / "none.pdf"), check=False)
    assert none.returncode != 0 and not (tmp_path / "none.pdf").exists()
    paid = json.loads(
        cli(d, "payment", "record", number, "--method", "cash", "--amount", "20", "--json").stdout
    )
    assert paid["receipt_number"] == "H01-01-115-R000001" and paid["balance"] == 10
    shown = json.loads(cli(d, "case", "show", number, "--json").stdout)
    assert (shown["fees_due"], shown["paid"], shown["balance"]) == (30, 20, 10)
    out = tmp_path / "r.pdf"
    cli(d, "receipt", "pdf", number, "--out", str(out), "--layout", "roll80")
    assert paid["receipt_number"] in pdftotext(out)
    void = ("receipt", "void", paid["receipt_number"], "--reason", "收錯案件", "--json")
    refused = json.loads(cli(d, *void, check=False).stdout)
    assert refused["error"] == "auth.approval_required"
    approver = ("--approver", SUPERVISOR, "--approver-password-stdin")
    voided = json.loads(cli(d, *void, *approver, stdin=SUPERVISOR_PASSWORD + "\n").stdout)
    assert voided["status"] == "void" and voided["receipt_number"] == paid["receipt_number"]
    today = datetime.now(UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Taipei")).date()
    csv_out = tmp_path / "closing.csv"
    cli(d, "report", "closing", "--date", today.isoformat(), "--out", str(csv_out))
    assert paid["receipt_number"] in csv_out.read_text("utf-8-sig")
    assert "收錯案件" in csv_out.read_text("utf-8-sig")
    assert fees.compute(app.catalogue.service("HR-TRANSCRIPT"), 2).total == 30


def test_cli_receipt_pdf_takes_the_number_on_the_receipt(
    app: App, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A citizen back for a reprint hands over the receipt: its number prints that receipt,
    not the case's last one (the command said 查無此案件)."""
    number = new_case(app)
    d = settings.data_dir
    app.close()
    paid = ("payment", "record", number, "--method", "cash", "--json")
    first = json.loads(cli(d, *paid, "--amount", "20").stdout)["receipt_number"]
    last = json.loads(cli(d, *paid, "--amount", "10").stdout)["receipt_number"]
    out = tmp_path / "first.pdf"
    printed = json.loads(cli(d, "receipt", "pdf", first, "--out", str(out), "--json").stdout)
    assert printed["receipt_number"] == first != last
    assert first in pdftotext(out) and last not in pdftotext(out)
    unknown = cli(d, "receipt", "pdf", "H01-01-115-R999999", "--out", str(out), check=False)
    assert unknown.returncode == 2 and "查無" in unknown.stderr


def test_every_tw_kai_file_is_used_for_what_it_covers(tmp_path: Path) -> None:
    """BMP 堃, Ext-B 𡘙 (plane 2) and a CNS 11643 character the household registers keep in
    plane 15 (private use): each printed from its TW-Kai file, none turned into a box."""
    plane15 = chr(0xF0088)
    pdf = tmp_path / "rare.pdf"
    pdf.write_bytes(render_receipt(sample(30, payer_name=f"堃𡘙{plane15}"), "a6"))
    assert "堃𡘙" + plane15 in squash(pdftotext(pdf))
    names = {row[0].split("+", 1)[-1] for row in pdffonts(pdf)}
    assert names == {"TW-Kai-98_1", "TW-Kai-Ext-B-98_1", "TW-Kai-Plus-98_1"}
    assert not set("堃𡘙" + plane15) & font_chain().missing


def test_a_character_no_font_has_is_reported_not_hidden() -> None:
    chain = font_chain()
    nowhere = chr(0x10FFFD)  # plane 16 private use: in no shipped font
    assert chain.font_for(nowhere) == chain.primary and nowhere in chain.missing


def test_prints_at_the_roc_new_year_midnight_show_taipei_time_with_roc_years(
    app: App, case_number: str, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """An online payment authorised one second before midnight Taipei on 31 December 2026 (ROC
    115), printed and closed one minute into 1 January 2027 (ROC 116): every date on the
    receipt and on the closing is Taipei's, with the ROC year, none with the AD year."""
    clock.set(datetime(2026, 12, 31, 16, 1, tzinfo=UTC))  # 2027-01-01 00:01 Taipei
    with app.transaction() as s:
        receipt = payments.record_online_payment(
            app,
            s,
            cases.resolve_case_id(s, case_number),
            payment_id="30099999900",
            amount=30,
            payment_tool="信用卡",
            authorised_at=datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC),
        ).receipt_number
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, receipt))
    flat = squash(pdftotext(pdf))
    assert "中華民國116年1月1日" in flat and "00:01" in flat
    assert "授權時間115/12/3123:59:59" in flat
    report = daily_closing.write_closing(app, date(2027, 1, 1), tmp_path / "closing.pdf")
    assert [r.number for r in report.receipts] == [receipt]
    flat = squash(pdftotext(tmp_path / "closing.pdf"))
    assert "營業日：中華民國116年1月1日" in flat and "製表時間：116/01/0100:01" in flat
    for text in (squash(pdftotext(pdf)), flat):
        assert not re.search(r"20(26|27)[/-]", text), text


def test_closing_csv_keeps_typed_reasons_as_text_not_formulas(
    app: App, make_case: Callable[..., str], tmp_path: Path, clock
) -> None:  # type: ignore[no-untyped-def]
    """A void or refund reason is typed by a clerk and lands in the closing CSV that finance
    opens in Excel: a cell starting with = + - @ would run as a formula there (CSV injection).
    Such text is written with a leading apostrophe; amounts, negative ones too, stay numbers."""
    a = payments.record_payment(app, make_case(), "cash", 30)
    b = payments.record_payment(app, make_case(), "cash", 30)
    add_accounts(app)
    formula = '=HYPERLINK("http://example.invalid","x")'
    payments.void_receipt(app, a.receipt_number, formula, approval=supervisor_approval())
    clock.set(datetime(2026, 3, 11, 2, 0, tzinfo=UTC))
    payments.refund(app, b.receipt_number, 30, "@SUM(1+1)", approval=supervisor_approval())
    cells = []
    for day in (DAY, date(2026, 3, 11)):
        daily_closing.write_closing(app, day, tmp_path / f"{day}.csv")
        raw = (tmp_path / f"{day}.csv").read_bytes().decode("utf-8-sig")
        cells += [c for row in csv.reader(io.StringIO(raw)) for c in row]
    assert "'" + formula in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]
    assert "-30" in cells  # the next day's net: a negative amount is no formula


def test_a_pulled_authorisation_time_without_zone_prints_as_the_statement_reads_it(
    app: App, case_number: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An online payment pulled from the county whose authorisation time carries no zone (the
    wire accepts it; stored times are UTC): the receipt used the counter PC's own zone for it,
    the reconciliation statement UTC. On a PC set to another zone the two disagreed."""
    import time

    from eservice_desktop.domain.events import Actor
    from eservice_desktop.services import ingest

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    paid = Actor("H01", "02", "clerk02").event(
        cases.load_case(app, case_number).case_id,
        "case.payment_recorded",
        app.now(),
        {
            "payment_id": "30096955601",
            "case_number": case_number,
            "method": "online",
            "amount": 30,
            "receipt_number": "H01-02-115-R000009",
            "payment_tool": "信用卡",
            "authorised_at": "2026-03-10T02:40:20",  # 10:40:20 in Taipei, read as UTC
            "verification": "ABCDEFGHIJ",
            "key_id": "k",
        },
    )
    try:
        with app.transaction() as s:
            ingest.ingest_many(app, s, [paid], origin="county")
        statement = reports.reconciliation(app, DAY, DAY).rows
        details = payments.receipt_data(app, "H01-02-115-R000009").method_details
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert [r.authorised_at for r in statement] == ["2026/03/10 10:40:20"]
    assert "授權時間 115/03/10 10:40:20" in details


@pytest.mark.parametrize("layout", ["a6", "roll80"])
def test_the_receipt_names_the_clerk_who_took_the_money(
    app: App, case_number: str, tmp_path: Path, layout: str
) -> None:
    """經收人 printed the sign-in account alone (clerk02): nobody reading the paper could put a
    person to it. It prints the operator's name with the account; an account the office does
    not know (the tests' own ``tester``, another office's clerk) prints as the account."""
    operators.create_operator(app, "cash03", "黃收費", [Role.CASHIER], "cash-secret-3")
    chose_own(app, "cash03")
    operators.login(app, "cash03", "cash-secret-3")
    r = payments.record_payment(app, case_number, "cash", 30, tendered=30)
    pdf = tmp_path / f"receipt-{layout}.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, layout))
    flat = squash(pdftotext(pdf))
    assert "經收人" in flat and "黃收費（cash03）" in flat, flat
    assert payments.receipt_data(app, r.receipt_number).clerk == "黃收費（cash03）"
