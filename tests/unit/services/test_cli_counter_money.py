"""The counter's money and hand-over commands used carelessly: a receipt number of another
case, a reason given to a first print, a refund past what is left, a counter typed as ``1``,
a proxy collector given only a relation. Each is refused with exit 2 and one line, or does
what the clerk meant; nothing is stored for a refusal. Driven in-process (``main([...])``)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD
from cli_refusal_support import HR, Run, cli_runner, office_with_accounts
from factories import new_case
from pickup_support import County, ready_case

from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases, payments, pickup_keys
from eservice_desktop.services.core import App


@pytest.fixture
def office(make_app: Callable[[Settings], App], settings: Settings) -> Settings:
    return office_with_accounts(make_app, settings)


@pytest.fixture
def run(
    office: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    return cli_runner(office, capsys, monkeypatch)


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def paid_case(run: Run, amount: int = 30) -> tuple[str, str]:
    """A case of two copies (NT$30) and the receipt of a cash payment of ``amount``."""
    code, case, _ = run("case", "intake", *HR, "--copies", "2")
    assert code == 0
    number = case["case_number"]
    code, paid, _ = run("payment", "record", number, "--method", "cash", "--amount", str(amount))
    assert code == 0
    return number, paid["receipt_number"]


def event_types(run: Run, number: str) -> list[str]:
    code, shown, _ = run("case", "show", number)
    assert code == 0
    return [e["type"] for e in shown["events"]]


def test_receipt_pdf_refuses_a_receipt_number_of_another_case(run: Run, tmp_path: Path) -> None:
    mine, _ = paid_case(run)
    other, others_receipt = paid_case(run)
    out = tmp_path / "r.pdf"
    code, refused, err = run("receipt", "pdf", mine, "--number", others_receipt, "--out", str(out))
    assert code == 2 and refused["error"] == "receipt.other_case", refused
    assert others_receipt in refused["message"] and mine in refused["message"]
    assert err.count("\n") == 1
    assert not out.exists()  # nothing printed, nothing recorded as printed
    assert ev.RECEIPT_ISSUED not in event_types(run, other)
    code, _, err = run("receipt", "pdf", mine, "--number", others_receipt, "--out", str(out),
                       json_out=False, lang="en")  # fmt: skip
    assert code == 2 and err == f"Receipt {others_receipt} is not a receipt of case {mine}\n"
    # the case's own receipt, typed in lower case, still prints
    code, printed, _ = run("receipt", "pdf", other, "--number", others_receipt.lower(),
                           "--out", str(out))  # fmt: skip
    assert code == 0 and printed["receipt_number"] == others_receipt and out.exists()


def test_a_reason_given_to_a_first_print_does_not_mark_it_a_reprint(
    run: Run, tmp_path: Path
) -> None:
    number, _ = paid_case(run)
    out = tmp_path / "first.pdf"
    code, printed, _ = run("receipt", "pdf", number, "--out", str(out), "--reprint-reason", "卡紙")
    assert code == 0 and printed["reprint_reason"] == "" and printed["printed"] is True
    text = pdftotext(out)
    assert "重印" not in text and "卡紙" not in text  # the citizen's one and only first paper
    # the next print is the first reprint, numbered and with its reason
    code, printed, _ = run("receipt", "pdf", number, "--out", str(out), "--reprint-reason", "卡紙")
    assert code == 0 and printed["reprint_reason"] == "卡紙"
    text = pdftotext(out)
    assert "【重印】第 1 次" in text and "卡紙" in text
    assert event_types(run, number).count(ev.RECEIPT_REPRINTED) == 1


def test_receipt_data_of_a_first_print_has_no_reprint_mark(app: App) -> None:
    number = new_case(app, copies=2)
    r = payments.record_payment(app, number, "cash", 30)
    data = payments.receipt_data(app, r.receipt_number, "卡紙")
    assert data.reprint_reason == "" and data.reprint_count == 0


def test_a_refund_that_cannot_be_is_refused_before_a_supervisor_is_asked(run: Run) -> None:
    number, receipt = paid_case(run)
    ok = ("--approver", SUPERVISOR, "--approver-password-stdin")
    refund = ("payment", "refund", receipt, "--reason", "溢收")
    # more than the receipt holds: says what is left, and asks no supervisor first
    code, refused, err = run(*refund, "--amount", "999")
    assert code == 2 and refused["error"] == "payment.refund_amount", refused
    assert refused["message"] == f"退費金額須介於 1 到 30 元（收據 {receipt} 尚可退 30 元）"
    code, refused, _ = run(*refund, "--amount", "999", *ok, stdin="wrong\n")
    assert code == 2 and refused["error"] == "payment.refund_amount"  # no password was tried
    code, done, _ = run(*refund, "--amount", "30", *ok, stdin=SUPERVISOR_PASSWORD + "\n")
    assert code == 0 and done["refunded"] == 30
    code, out, err = run(*refund, "--amount", "1", lang="en", json_out=False)
    assert code == 2 and out == ""
    assert err == f"Receipt {receipt} has been refunded in full; nothing is left to refund\n"
    # a void receipt: said as such, not as a wrong amount
    _, void_receipt = paid_case(run)
    code, _, _ = run("receipt", "void", void_receipt, "--reason", "收錯案件", *ok,
                     stdin=SUPERVISOR_PASSWORD + "\n")  # fmt: skip
    assert code == 0
    code, refused, _ = run("payment", "refund", void_receipt, "--amount", "1", "--reason", "x")
    assert code == 2 and refused["error"] == "receipt.already_voided"
    assert refused["message"] == f"收據 {void_receipt} 已作廢，不能退費"
    types = event_types(run, number)
    assert types.count(ev.PAYMENT_REFUNDED) == 1 and types.count(ev.APPROVAL_GRANTED) == 1


@pytest.mark.parametrize("counter", ["1", "A1", "' OR 1=1 --", "001", "００１"])
def test_a_closing_of_a_counter_number_that_is_none_is_refused(
    run: Run, tmp_path: Path, counter: str
) -> None:
    number, _ = paid_case(run)
    code, paid, _ = run("payment", "list", number)
    day = datetime.fromisoformat(paid[0]["issued_at"]).astimezone(TAIPEI).date().isoformat()
    out = tmp_path / "closing.csv"
    today = ["report", "closing", "--date", day, "--out", str(out)]
    code, refused, err = run(*today, "--counter", counter)
    assert code == 2 and refused["error"] == "device.counter", refused
    assert refused["message"] == "櫃檯編號須為 01 到 99 的兩位數字" and err.count("\n") == 1
    assert not out.exists()  # no empty closing that says the drawer should hold nothing
    code, _, err = run(*today, "--counter", counter, lang="en", json_out=False)
    assert code == 2 and err == "A counter number is 01 to 99\n"
    code, shown, _ = run(*today, "--counter", "01")
    assert code == 0 and shown["receipts"] == 1 and out.exists()


def test_a_closing_of_a_counter_the_office_never_had_is_refused(
    make_app: Callable[[Settings], App], office: Settings, run: Run, tmp_path: Path
) -> None:
    """``--counter 99`` of an office with counters 01 and 02 gave a blank closing, exit 0;
    counter 02, known by its events and with no payment that day, still has its closing."""
    # counter 02's case here stands for what a pull brings (opened before the first event)
    other = make_app(Settings(data_dir=office.data_dir, office_code="H01", device_id="02"))
    paid_case(run)
    new_case(other)
    day = datetime.now(TAIPEI).date().isoformat()  # the CLI runs on the real clock
    out = tmp_path / "closing.csv"
    closing = ["report", "closing", "--date", day, "--out", str(out), "--counter"]
    code, refused, err = run(*closing, "99")
    assert code == 2 and refused["error"] == "closing.unknown_counter", refused
    assert err == "本所（H01）沒有櫃檯 99：已知的櫃檯為 01、02\n" and not out.exists()
    code, _, err = run(*closing, "99", lang="en", json_out=False)
    assert code == 2 and err == "Office H01 has no counter 99; the counters it knows are 01, 02\n"
    code, shown, _ = run(*closing, "02")
    assert code == 0 and shown["receipts"] == 0 and out.exists()


def test_todays_closing_stands_when_its_backup_cannot_be_taken(
    office: Settings, run: Run, tmp_path: Path
) -> None:
    """A backup place that takes no file (a drive unplugged) made the closing of today exit 2
    with "cannot access …/.backup.lock" after the closing was written and logged."""
    number, _receipt = paid_case(run)
    assert run("receipt", "pdf", number, "--out", str(tmp_path / "receipt.pdf"))[0] == 0
    (office.data_dir / "backups").write_text("not a folder")
    out = tmp_path / "closing.csv"
    day = datetime.now(TAIPEI).date().isoformat()
    code, shown, err = run("report", "closing", "--date", day, "--out", str(out))
    assert code == 0 and shown["receipts"] == 1 and out.exists(), (shown, err)
    assert shown["warnings"] == ["backup.failed"]
    assert err.startswith("警告（backup.failed）：日結表已寫入，但今日備份未完成（"), err


def test_a_handover_given_only_a_collectors_relation_is_refused_not_given_to_the_applicant(
    make_app: Callable[[Settings], App], office: Settings, run: Run
) -> None:
    app = make_app(office)
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    # the command line runs on the real clock: a code issued an hour ago
    number, token = ready_case(app, county, issued_at=datetime.now(UTC) - timedelta(hours=1))
    app.close()
    code, refused, err = run("pickup", "handover", token, "--collector-relation", "父子")
    assert code == 2 and refused["error"] == "pickup.collector_name", refused
    assert err == "請填寫代領人姓名\n"
    code, shown, _ = run("case", "show", number)
    assert shown["status"] == "ready_for_pickup"  # not handed over as "the applicant in person"
    code, done, _ = run("pickup", "handover", token, "--collector-name", "陳大文",
                        "--collector-id", "F131104093", "--collector-relation", "父子")  # fmt: skip
    assert code == 0 and done["handed_over"] is True, done
    by = next(e for e in run("case", "show", number)[1]["events"] if e["type"] == ev.PICKED_UP)
    assert by["payload"]["by"]["name"] == "陳大文" and by["payload"]["by"]["relation"] == "父子"


def test_a_proxys_details_without_the_box_ticked_are_refused_in_both_languages() -> None:
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services import pickup

    assert pickup.collector_entry(" ", "", "", proxy=False) is None  # the applicant in person
    assert pickup.collector_entry("", "", "父子") == {"name": "", "id": "", "relation": "父子"}
    with pytest.raises(DomainError) as refused:
        pickup.collector_entry("陳大文", "F131104093", "", proxy=False)
    assert refused.value.code == "pickup.proxy_unticked"
    assert refused.value.message("en") == (
        "A collector's details are filled in but 'Collected on behalf of the applicant' is not "
        "ticked: tick it, or clear those fields"
    )


@pytest.mark.parametrize("copies", ["0", "-5", "100", "99999999999999999999"])
def test_copies_out_of_range_are_refused_naming_copies(run: Run, copies: str) -> None:
    number, _ = paid_case(run)
    code, refused, err = run("payment", "assess", number, "--copies", copies)
    assert code == 2 and refused["error"] == "copies.range" and refused["field"] == "copies"
    assert refused["message"] == "份數須介於 1 到 99" and err == "份數須介於 1 到 99\n"
    code, _, err = run("payment", "assess", number, "--copies", copies, lang="en", json_out=False)
    assert code == 2 and err == "Copies must be between 1 and 99\n"
    code, shown, _ = run("case", "show", number)
    assert shown["copies"] == 2 and shown["fees_due"] == 30  # nothing re-assessed


def test_an_online_payment_with_a_tool_the_treasury_does_not_know_is_refused(run: Run) -> None:
    code, case, _ = run("case", "intake", *HR, "--copies", "2")
    number = case["case_number"]
    online = ("payment", "record", number, "--method", "online", "--amount", "10")
    code, refused, err = run(*online, "--payment-tool", "亂寫")
    assert code == 2 and refused["error"] == "payment.tool", refused
    assert err == "付費工具須為 信用卡、金融帳戶轉帳、晶片金融卡、超商代收：亂寫\n"
    code, shown, _ = run("case", "show", number)
    assert shown["paid"] == 0  # no receipt, no number burnt
    code, known, _ = run(*online, "--payment-tool", "金融帳戶 轉帳", "--reference", "T1")
    # a tool the treasury knows passes its check; the county never reported T1 (online_by_hand)
    assert code == 2 and known["error"] == "payment.online_by_sync", known


def test_the_money_commands_text_is_in_the_users_language(run: Run, tmp_path: Path) -> None:
    code, case, _ = run("case", "intake", *HR, "--copies", "2")
    number = case["case_number"]
    pay = ("payment", "record", number, "--method", "cash", "--amount", "20", "--tendered", "100")
    code, line, _ = run(*pay, lang="en", json_out=False)
    assert code == 0 and line.endswith("  cash  20  change 80  balance 10  valid\n"), line
    code, listed, _ = run("payment", "list", number, json_out=False)
    # was cash … valid; not printed yet (payment record writes no receipt)
    assert "  現金  20  找零 80  餘額 10  有效  未列印（receipt pdf " in listed, listed
    code, found, _ = run("case", "search", number, json_out=False)
    assert found.splitlines()[0].endswith("  待繳費"), found  # was payment_due
    code, found, _ = run("case", "search", number, lang="en", json_out=False)
    assert found.splitlines()[0].endswith("  Payment due"), found
    day = datetime.fromisoformat(run("payment", "list", number)[1][0]["issued_at"])
    out = tmp_path / "c.csv"
    closing = ("report", "closing", "--date", day.astimezone(TAIPEI).date().isoformat())
    code, text, err = run(*closing, "--out", str(out), lang="en", json_out=False)
    assert code == 0, text
    # it read "1 receipts" and "1 paid receipt(s) not printed yet (…); print them"
    assert "warning (receipts.unprinted): 1 paid receipt not printed yet (" in err, err
    assert "; print it with F10 on the fees page" in err, err
    assert text.splitlines()[:2] == [
        f"{out}: 1 receipt, net NT$20, cash expected NT$20",
        "By method: cash: received 20, refunded 0, voided out 0, net 20",
    ]
    code, text, _ = run(*closing, "--out", str(out), json_out=False)
    assert text.splitlines()[0] == f"{out}: 1 張收據，淨額 20 元，應有現金 20 元"
    run(*pay[:6], "10", "--tendered", "10")  # money moved after the closing was taken
    code, data, err = run(*closing, "--out", str(out))
    assert "closing.changed" in data["warnings"] and data["earlier_closing"]["receipts"]
    assert "警告（closing.changed）：本日日結表前次於 " in err and "請以這次的日結表替換" in err
    code, text, _ = run("pickup", "ready", lang="en", json_out=False)
    assert code == 0 and text == "(no case waiting for pickup)\n"


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_a_verification_code_read_in_full_width_or_any_characters_never_crashes(
    run: Run,
) -> None:
    number, receipt = paid_case(run)
    code = run("payment", "list", number)[1][0]["verification_code"]
    shown = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    for typed in (shown, shown.lower(), full_width(shown), f" {code[:4]} {code[4:]} "):
        rc, out, err = run("receipt", "verify", full_width(receipt.lower()), typed)
        assert (rc, out["valid"]) == (0, True), (typed, out, err)
    wrong_last = "Y" if code[-1] == "X" else "X"  # one character off, whatever the code drew
    for typed in ("é" * 10, full_width(shown[:-1] + wrong_last), "\u0663" * 10, ""):
        rc, out, err = run("receipt", "verify", receipt, typed)
        assert (rc, out["valid"], err) == (3, False, ""), (typed, out, err)
    # a number held by no receipt here said "code NOT valid": the slip read as forged
    for other in (receipt.replace("H01-", "H02-"), "R" * 5000):
        rc, out, err = run("receipt", "verify", other, shown)
        assert (rc, out["error"]) == (2, "receipt.unknown"), (other[:30], out)
        assert err.startswith("查無此收據號碼：") and err.count("\n") == 1, err


def test_the_counters_a_closing_names_are_counters_not_the_countys_device(
    office: Settings, make_app: Callable[[Settings], App], run: Run, tmp_path: Path
) -> None:
    """A settlement pulled from the county is an event of its device CTY: the refusal of
    ``--counter 07`` offered 「已知的櫃檯為 01、CTY」, a counter no closing can be asked for
    (``--counter CTY``: 櫃檯編號須為 01 到 99)."""
    import uuid

    from eservice_desktop.storage.models import EventRow

    app = make_app(office)
    case_id = cases.load_case(app, new_case(app)).case_id
    at = datetime.now(UTC)
    with app.transaction() as s:  # as a pull stores the county's event
        s.add(
            EventRow(
                event_id=str(uuid.uuid4()),
                case_id=case_id,
                type=ev.PAYMENT_SETTLED,
                office="H01",
                device="CTY",
                clerk="county",
                at=at,
                recorded_at=at,
                payload={},
                origin="county",
            )
        )
    day = datetime.now(TAIPEI).date().isoformat()
    out = tmp_path / "closing.csv"
    closing = ["report", "closing", "--date", day, "--out", str(out), "--counter", "07"]
    code, refused, err = run(*closing)
    assert code == 2 and refused["error"] == "closing.unknown_counter", refused
    assert err == "本所（H01）沒有櫃檯 07：已知的櫃檯為 01\n"
    code, _, err = run(*closing, lang="en", json_out=False)
    assert err == "Office H01 has no counter 07; the counters it knows are 01\n"


def test_payment_list_takes_a_receipt_number_and_names_its_case(run: Run) -> None:
    """A closing names a receipt number as missing from a day's range; the auditor asking
    which case it is read 查無此案件 from payment list, and the one command that found the
    case, receipt pdf, printed it again: a reprint on that day's closing, with its reason."""
    first, _ = paid_case(run)
    number, receipt = paid_case(run)
    code, listed, _ = run("payment", "list", receipt)
    assert code == 0 and [r["receipt_number"] for r in listed] == [receipt]
    assert {r["case_number"] for r in listed} == {number}
    code, text, _ = run("payment", "list", receipt.replace("-", ""), json_out=False)
    assert code == 0 and text.splitlines()[0] == f"收據 {receipt} 屬案件 {number}："
    assert text.splitlines()[1].startswith(f"{receipt}  現金  30")
    code, text, _ = run("payment", "list", receipt, lang="en", json_out=False)
    assert text.splitlines()[0] == f"Receipt {receipt} is of case {number}:"
    code, text, _ = run("payment", "list", number, json_out=False)
    assert code == 0 and text.splitlines()[0].startswith(f"{receipt}  現金")  # as before
    assert ev.RECEIPT_REPRINTED not in event_types(run, number)  # a look, not a print
    code, refused, _ = run("payment", "list", receipt[:-1] + "9")
    assert code == 2 and refused["ok"] is False
    assert first != number
