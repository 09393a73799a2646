"""``payment online-receipt``: the office's receipt for an online payment the county recorded
without one (a web or kiosk payment, pulled by sync). Exit 0 with the receipt's JSON; exit 2
with the reason when the case has no such online payment, when it already has a receipt (named),
when the payment was not made online. Driven in-process (``main([...])``) as the clerk types it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from cli_refusal_support import HR, Run, cli_runner, office_with_accounts

from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest

RESULT_KEYS = {
    "payment_id", "case_number", "receipt_number", "method", "amount", "tendered", "change",
    "reference", "status", "refunded", "verification_code", "issued_at", "fees_due", "paid",
    "balance", "printed",
}  # fmt: skip


@pytest.fixture
def office(make_app: Callable[[Settings], App], settings: Settings) -> Settings:
    return office_with_accounts(make_app, settings)


@pytest.fixture
def run(
    office: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    return cli_runner(office, capsys, monkeypatch)


def paid_on_the_web(make_app: Callable[[Settings], App], office: Settings, number: str) -> str:
    """The county's notice of a web payment (device 00, no receipt number), as sync takes it."""
    app = make_app(office)
    app.clock = lambda: datetime.now(UTC)
    payment_id = str(uuid.uuid4())
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        state = cases.repo.load_state(s, case_id)
        county = Actor(office.office_code, "00", "channel:portal")
        payload = {
            "payment_id": payment_id,
            "method": "online",
            "amount": 30,
            "reference": "WEB-TXN-7",
            "payment_tool": "信用卡",
            "authorised_at": app.now().isoformat(),
        }
        e = county.event(case_id, ev.PAYMENT_RECORDED, app.now(), payload)
        ingest(app, s, e, state, origin="county")
    app.close()
    return payment_id


def test_online_receipt_issues_once_and_refuses_with_exit_2(
    run: Run, make_app: Callable[[Settings], App], office: Settings
) -> None:
    code, case, _ = run("case", "intake", *HR, "--copies", "2")
    number = case["case_number"]
    payment_id = paid_on_the_web(make_app, office, number)
    code, listed, _ = run("payment", "list", number)
    assert code == 0 and listed == []

    typed = ("payment", "record", number, "--method", "online", "--amount", "30")
    code, again, err = run(*typed, "--reference", "WEB-TXN-7")  # the way it was tried before
    assert code == 2 and again["error"] == "payment.duplicate"
    assert err.endswith("民眾要收據請以 payment online-receipt 開立\n"), err
    code, unknown, err = run("payment", "online-receipt", number, "--reference", "NOPE-1")
    assert code == 2 and unknown["error"] == "receipt.online_unknown", err
    code, issued, err = run("payment", "online-receipt", number, "--reference", "web-txn-7")
    assert code == 0, err
    assert set(issued) == RESULT_KEYS
    assert (issued["method"], issued["amount"], issued["reference"]) == ("online", 30, "WEB-TXN-7")
    assert issued["payment_id"] == payment_id and issued["balance"] == 0
    assert issued["receipt_number"].endswith("-R000001") and not issued["printed"]
    code, listed, _ = run("payment", "list", number)
    assert [r["receipt_number"] for r in listed] == [issued["receipt_number"]]
    code, same, _ = run(*typed, "--reference", "WEB-TXN-7")  # now answered with its receipt
    assert code == 0 and same["receipt_number"] == issued["receipt_number"]

    code, again, err = run("payment", "online-receipt", number, "--payment-id", payment_id)
    assert code == 2 and again["error"] == "receipt.already_issued"
    code, _, err = run("payment", "online-receipt", number, "--payment-id", payment_id,
                       json_out=False, lang="en")  # fmt: skip
    assert code == 2 and issued["receipt_number"] in err and "already has receipt" in err
    code, _, _ = run("payment", "record", number, "--method", "cash", "--amount", "5")
    assert code == 2  # nothing is due any more (and the cash path is the counter's own)


def test_a_counter_payment_is_not_online(run: Run) -> None:
    code, case, _ = run("case", "intake", *HR)
    number = case["case_number"]
    code, paid, _ = run("payment", "record", number, "--method", "cash", "--amount", "15")
    assert code == 0
    code, refused, err = run("payment", "online-receipt", number, "--payment-id",
                             paid["payment_id"])  # fmt: skip
    assert code == 2 and refused["error"] == "payment.not_online", err
    code, neither, err = run("payment", "online-receipt", number)
    assert code == 2 and neither["error"] == "payment.transaction_required", err


def test_online_receipt_help_has_its_english(run: Run) -> None:
    code, out, _ = run("payment", "--help", json_out=False, lang="en")
    assert code == 0 and "issue this office's receipt for an online payment" in out
    code, out, _ = run("payment", "online-receipt", "--help", json_out=False, lang="en")
    assert code == 0 and "the online payment's transaction id" in out


def test_an_online_payments_receipt_is_not_voided(
    run: Run, make_app: Callable[[Settings], App], office: Settings
) -> None:
    """A void of the counter's receipt of a web payment voided the payment with it: the case
    owed its fee again (balance 30) and the fees page asked the clerk to take it a second
    time. It is refused before a supervisor is asked (exit 2); the paper is reprinted."""
    code, case, _ = run("case", "intake", *HR, "--copies", "2")
    number = case["case_number"]
    paid_on_the_web(make_app, office, number)
    code, issued, _ = run("payment", "online-receipt", number, "--reference", "WEB-TXN-7")
    receipt = issued["receipt_number"]
    code, refused, err = run("receipt", "void", receipt, "--reason", "民眾不需要")
    assert code == 2 and refused["error"] == "receipt.online_void", err
    assert "為線上繳費收據" in err and "不能作廢" in err
    code, _, err = run("receipt", "void", receipt, "--reason", "x", json_out=False, lang="en")
    assert code == 2 and f"Receipt {receipt} is the receipt of a fee paid online" in err
    code, shown, _ = run("case", "show", number)
    assert (shown["paid"], shown["balance"]) == (30, 0)
    code, listed, _ = run("payment", "list", number)
    assert [r["status"] for r in listed] == ["valid"]


def test_an_applicant_name_left_unreadable_by_an_encoding_is_refused(run: Run) -> None:
    """Pasted from a Big5 list opened as UTF-8: 王\ufffd明 was taken in and printed so."""
    garbled = ["王\ufffd明" if a == "王小明" else a for a in HR]
    code, refused, err = run("case", "intake", *garbled)
    assert code == 2 and "無法辨識的字（U+FFFD" in refused["errors"]["applicant_name"], err
    code, found, _ = run("case", "search", "王")
    assert code == 0 and found["total"] == 0  # nothing stored


def test_payment_list_names_an_online_payment_waiting_for_its_receipt(
    run: Run, make_app: Callable[[Settings], App], office: Settings
) -> None:
    """A case paid on the web: payment list printed nothing (as if unpaid) and named no 交易電子案號
    for online-receipt. It names the payment and the command, until the receipt is issued;
    --json stays the list of receipts."""
    _code, case, _ = run("case", "intake", *HR, "--copies", "2")
    number = case["case_number"]
    paid_on_the_web(make_app, office, number)
    assert run("payment", "list", number)[:2] == (0, [])
    code, text, _ = run("payment", "list", number, json_out=False)
    command = f"payment online-receipt {number} --reference WEB-TXN-7"
    assert code == 0
    assert text.strip() == f"線上繳費 30 元（交易電子案號 WEB-TXN-7）尚無本所收據；開立：{command}"
    english = run("payment", "list", number, json_out=False, lang="en")[1]
    assert "Paid online NT$30 (transaction WEB-TXN-7), no receipt of the office yet; " in english
    code, issued, _ = run("payment", "online-receipt", number, "--reference", "WEB-TXN-7")
    assert code == 0
    listed = run("payment", "list", number, json_out=False)[1]
    assert issued["receipt_number"] in listed and "尚無本所收據" not in listed
