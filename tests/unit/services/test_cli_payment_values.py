"""A value that belongs to another way of paying, or to the other kind of fee relief, is refused
by the command line instead of being dropped or kept unsaid: a reference with cash, cash
tendered with a card or online payment, an exemption given a reduction too. Exit 2, one line in
the user's language, nothing stored. Driven in-process (``main([...])``) as the clerk types it;
the rule is the services' (``payments.check_method_values``, ``fees.compute``), so the fees
page refuses the same."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD
from cli_refusal_support import HR, Run, cli_runner, office_with_accounts
from sqlalchemy import func, select

from eservice_desktop.config import Settings
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow

APPROVED = ("--approver", SUPERVISOR, "--approver-password-stdin")

REFERENCE_ZH = "現金繳費不記錄交易序號；交易序號只用於刷卡或線上繳費\n"
REFERENCE_EN = (
    "A cash payment takes no transaction reference; only card and online payments have one\n"
)
TENDERED_ZH = "收現金額只用於現金繳費；刷卡或線上繳費不填收現金額\n"
TENDERED_EN = "Cash tendered applies to cash payments only, not to card or online payments\n"
BOTH_ZH = "免徵與減免金額只能擇一：免徵即免收全部規費，減免則填寫減免金額"
BOTH_EN = (
    "Give either an exemption or a reduction, not both: an exemption waives the whole fee, "
    "a reduction takes off the amount given"
)


@pytest.fixture
def office(make_app: Callable[[Settings], App], settings: Settings) -> Settings:
    return office_with_accounts(make_app, settings)


@pytest.fixture
def run(
    office: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    return cli_runner(office, capsys, monkeypatch)


@pytest.fixture
def stored(make_app: Callable[[Settings], App], office: Settings) -> Callable[[], int]:
    """Every event of the office's database, counted by an App of its own."""

    def count() -> int:
        app = make_app(office)
        try:
            with app.reading() as s:
                return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)
        finally:
            app.close()

    return count


def new_case(run: Run) -> str:
    """A case of two copies: NT$30 due."""
    code, case, err = run("case", "intake", *HR, "--copies", "2")
    assert code == 0, err
    return str(case["case_number"])


def refused(run: Run, stored: Callable[[], int], argv: tuple[str, ...], stdin: str = "") -> Any:
    """``argv`` run in zh-TW (JSON) and in English (text): exit 2 both times and nothing
    stored; returns (the JSON refusal, its zh-TW line, the English line)."""
    before = stored()
    code, data, err_zh = run(*argv, stdin=stdin)
    assert code == 2, (data, err_zh)
    code, out, err_en = run(*argv, stdin=stdin, json_out=False, lang="en")
    assert code == 2 and out == "", (out, err_en)
    assert stored() == before
    return data, err_zh, err_en


def test_a_reference_with_cash_is_refused_and_nothing_stored(run: Run, stored: Any) -> None:
    number = new_case(run)
    cash = ("payment", "record", number, "--method", "cash", "--amount", "30")
    data, err_zh, err_en = refused(run, stored, (*cash, "--reference", "T-123"))
    assert data["error"] == "payment.reference_not_taken" and data["field"] == "reference"
    assert data["message"] + "\n" == err_zh == REFERENCE_ZH
    assert err_en == REFERENCE_EN
    code, shown, _ = run("case", "show", number)
    assert shown["paid"] == 0 and run("payment", "list", number)[1] == []  # no number burnt
    # the same payment without the card's reference is taken, with its first receipt number
    code, paid, _ = run(*cash, "--reference", "  ")
    assert code == 0 and paid["receipt_number"].endswith("R000001") and not paid["reference"]


@pytest.mark.parametrize("method", ["card", "online"])
def test_cash_tendered_with_a_card_or_online_payment_is_refused(
    run: Run, stored: Any, method: str
) -> None:
    number = new_case(run)
    pay = ("payment", "record", number, "--method", method, "--amount", "30", "--reference", "T1")
    data, err_zh, err_en = refused(run, stored, (*pay, "--tendered", "100"))
    assert data["error"] == "payment.tendered_not_taken" and data["field"] == "tendered"
    assert err_zh == TENDERED_ZH and err_en == TENDERED_EN
    assert run("payment", "list", number)[1] == []
    code, paid, _ = run(*pay)  # the reference belongs to these ways of paying
    if method == "card":
        assert code == 0 and paid["method"] == method and paid["reference"] == "T1"
    else:  # and an online payment is the county's to report (online_by_hand)
        assert code == 2 and paid["error"] == "payment.online_by_sync", paid


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--payment-id", "P-1"),
        ("--authorised-at", "2026-03-02T10:00:00+08:00"),
        ("--payment-tool", "超商代收"),
    ],
)
def test_an_online_payment_s_options_on_a_counter_payment_are_refused(
    run: Run, stored: Any, option: str, value: str
) -> None:
    """They were ignored without a word (a ``--payment-id`` read as making the payment
    idempotent)."""
    number = new_case(run)
    card = ("payment", "record", number, "--method", "card", "--amount", "30", "--reference", "T1")
    data, err_zh, err_en = refused(run, stored, (*card, option, value))
    field = option.removeprefix("--").replace("-", "_")
    assert data["error"] == "payment.online_only" and data["field"] == field
    assert err_zh == f"{option} 只用於線上繳費（--method online）\n"
    assert err_en == f"{option} applies to online payments only (--method online)\n"
    online = ("payment", "record", number, "--method", "online", "--amount", "30")
    code, paid, err = run(*online, option, value)  # an option of online payments, taken...
    assert code == 2 and paid["error"] == "payment.online_by_sync", err  # ...no county notice


def test_an_exemption_with_a_reduction_is_refused_and_nothing_stored(run: Run, stored: Any) -> None:
    number = new_case(run)
    both = ("payment", "assess", number, "--exempt", "--reduction", "10", "--reason", "低收入戶")
    data, err_zh, err_en = refused(run, stored, (*both, *APPROVED), SUPERVISOR_PASSWORD + "\n")
    assert data["error"] == "fee.exempt_and_reduction" and data["field"] == "reduction"
    assert err_zh == BOTH_ZH + "\n" and err_en == BOTH_EN + "\n"
    code, shown, _ = run("case", "show", number)
    assert shown["fees_due"] == 30 and shown["balance"] == 30  # neither relief was taken
    # each alone is what it was
    code, exempt, err = run(*both[:4], "--reason", "低收入戶", *APPROVED,
                            stdin=SUPERVISOR_PASSWORD + "\n")  # fmt: skip
    assert code == 0 and exempt["fees_due"] == 0, err


def test_an_intake_with_an_exemption_and_a_reduction_is_refused(run: Run, stored: Any) -> None:
    intake = ("case", "intake", *HR, "--fee-exempt", "--fee-reduction", "10",
              "--fee-reason", "低收入戶", *APPROVED)  # fmt: skip
    before = stored()
    code, data, err = run(*intake, stdin=SUPERVISOR_PASSWORD + "\n")
    assert code == 2 and data == {"ok": False, "errors": {"reduction": BOTH_ZH}}, data
    assert err == f"reduction: {BOTH_ZH}\n"
    code, _, err = run(*intake, stdin=SUPERVISOR_PASSWORD + "\n", json_out=False, lang="en")
    assert code == 2 and err == f"reduction: {BOTH_EN}\n"
    assert stored() == before


def county_reported(
    make_app: Callable[[Settings], App],
    office: Settings,
    number: str,
    amount: int,
    *,
    payment_id: str = "",
    reference: str = "",
) -> str:
    """An online payment the county reported on the case (what the sync engine records);
    returns its receipt number."""
    app = make_app(office)
    app.clock = lambda: datetime.now(UTC)  # the command line's own time, after the intake
    with app.transaction() as s:
        result = payments.record_online_payment(
            app,
            s,
            cases.resolve_case_id(s, number),
            payment_id=payment_id or str(uuid.uuid4()),
            amount=amount,
            payment_tool="超商代收",
            authorised_at=app.now(),
            reference=reference,
        )
    app.close()
    return result.receipt_number


def test_an_online_payment_the_county_never_reported_is_refused(run: Run, stored: Any) -> None:
    """``--method online`` took any transaction id typed (or made one up): cash taken at the
    counter could be booked as paid online under an invented id, out of the closing's cash.
    Now ``payment.online_by_sync``, exit 2, nothing stored, no receipt number burnt."""
    number = new_case(run)
    online = ("payment", "record", number, "--method", "online", "--amount", "30")
    data, err_zh, err_en = refused(run, stored, (*online, "--reference", "INVENTED-1"))
    assert data["error"] == "payment.online_by_sync" and data["field"] == "reference"
    assert err_zh == (
        "交易電子案號 INVENTED-1 查無縣府的線上繳費通知：線上繳費由縣府同步登錄，櫃檯不能自行"
        "登錄；請先同步（sync once）再查看案件，民眾在櫃檯付款請以現金或刷卡登錄\n"
    )
    assert err_en.startswith(
        "The county has reported no online payment with the transaction id INVENTED-1: online"
        " payments arrive from the county by sync"
    )
    data, err_zh, _ = refused(run, stored, online)  # no id: one was made up and booked
    assert data["error"] == "payment.online_by_sync" and err_zh.startswith("未指定交易電子案號")
    code, paid, err = run("payment", "record", number, "--method", "cash", "--amount", "30")
    assert code == 0 and paid["receipt_number"].endswith("R000001"), err


def test_an_online_transaction_id_pays_one_payment_only(
    run: Run, stored: Any, make_app: Callable[[Settings], App], office: Settings
) -> None:
    """The same bank or kiosk transaction recorded on a second case was taken: one deposit then
    paid two cases' fees. Now ``payment.duplicate``, exit 2, nothing stored; the payment the
    county reported, typed again on its case for its amount, answers its receipt; for another
    amount it is ``payment.duplicate_amount`` (it answered the first receipt, exit 0)."""
    first, second = new_case(run), new_case(run)
    online = ("--method", "online", "--amount", "20")
    receipt = county_reported(make_app, office, first, 20, reference="KIOSK-77")
    data, err_zh, err_en = refused(
        run, stored, ("payment", "record", second, *online, "--reference", "KIOSK-77")
    )
    assert data["error"] == "payment.duplicate" and data["field"] == "payment_id"
    assert err_zh == (
        f"交易電子案號 KIOSK-77 已入帳（收據 {receipt}，案號 {first}），不能再用於其他繳費\n"
    )
    assert err_en == (
        f"The transaction id KIOSK-77 is already recorded (receipt {receipt}, case {first});"
        " it cannot pay anything else\n"
    )
    # a payment id is a transaction id too (no reference), on its own case only
    once = county_reported(make_app, office, first, 10, payment_id="TXN-9")
    by_id = ("payment", "record", first, "--method", "online", "--payment-id", "TXN-9")
    code, same, err = run(*by_id, "--amount", "10")
    assert code == 0 and same["receipt_number"] == once, err  # its receipt, nothing new
    data, err_zh, err_en = refused(run, stored, (*by_id, "--amount", "5"))
    assert data["error"] == "payment.duplicate_amount" and data["field"] == "amount"
    assert err_zh == f"交易電子案號 TXN-9 已入帳 10 元（收據 {once}），與這次的 5 元不符；未登錄\n"
    assert err_en == (
        f"The transaction id TXN-9 is already recorded for NT$10 (receipt {once}), not NT$5;"
        " nothing recorded\n"
    )
    for case, reused, typed in (
        (second, "--payment-id", "TXN-9"),
        (second, "--reference", "TXN-9"),
        (second, "--reference", "kiosk-77"),  # letter case aside, the same transaction
    ):
        code, data, _ = run("payment", "record", case, *online, reused, typed)
        assert code == 2 and data["error"] == "payment.duplicate", (typed, data)
    # on its own case, typed by its reference in another letter case: that payment
    code, same, err = run("payment", "record", first, *online, "--reference", "kiosk-77")
    assert code == 0 and same["receipt_number"] == receipt, err
    code, data, _ = run("payment", "record", first, *online, "--reference", "txn-9")
    assert code == 2 and data["error"] == "payment.duplicate_amount", data  # TXN-9 paid 10
    assert run("payment", "list", second)[1] == []


def test_an_amount_in_another_script_s_digits_is_refused(run: Run, stored: Any) -> None:
    """``--amount ٣٠`` (Arabic-Indic) was a payment of NT$30, ``--fee-reduction ٣٠`` a reduction:
    int() reads every script's digits. Refused now as any other non-number; the full-width
    digits a Chinese IME types stay a number."""
    number = new_case(run)
    cash = ("payment", "record", number, "--method", "cash")
    _, err_zh, err_en = refused(run, stored, (*cash, "--amount", "٣٠"))
    assert "須為整數：٣٠" in err_zh and "must be a whole number: ٣٠" in err_en, (err_zh, err_en)
    for argv in (
        (*cash, "--amount", "30", "--tendered", "१००"),  # Devanagari
        (*cash, "--amount", "1_0"),  # Python's digit separator
        ("payment", "assess", number, "--copies", "٢"),
        ("case", "intake", *HR, "--fee-reduction", "٥", "--fee-reason", "x"),
    ):
        code, _, err = run(*argv, json_out=False)
        assert code == 2 and "須為整數" in err, (argv, err)
    code, paid, err = run(*cash, "--amount", "３０", "--tendered", "１００")
    assert code == 0 and (paid["amount"], paid["change"]) == (30, 70), err


def test_a_receipt_file_not_named_pdf_is_refused(run: Run, tmp_path: Any) -> None:
    """``receipt pdf --out r.txt`` (or ``r.pfd``) wrote the PDF there as the receipt's first
    print, which cannot be taken back. Refused now, exit 2, nothing written or recorded."""
    number = new_case(run)
    code, paid, _ = run("payment", "record", number, "--method", "cash", "--amount", "30")
    code, data, _ = run("receipt", "pdf", number, "--out", str(tmp_path / "r.txt"))
    assert code == 2 and data["error"] == "receipt.format" and data["field"] == "out", data
    assert data["message"] == f"收據輸出檔須為 .pdf 檔（收到「{tmp_path / 'r.txt'}」）"
    assert run("receipt", "pending")[1] == [paid["receipt_number"]]  # its first print to come
    assert list(tmp_path.glob("*.*")) == []


def test_a_refused_reprint_file_is_not_written(
    run: Run, office: Settings, make_app: Callable[[Settings], App], tmp_path: Any
) -> None:
    """A reprint whose reason no event may hold, or a second reprint given a wrong supervisor
    password, was written first and refused after: exit 2 with the 【重印】 file on disk, so
    any approver typed gave the reprint. Both are refused before anything is written."""
    from eservice_desktop.services import payments

    number = new_case(run)
    code, paid, _ = run("payment", "record", number, "--method", "cash", "--amount", "30")
    pdf = ("receipt", "pdf", number, "--out", str(tmp_path / "r.pdf"))
    app = make_app(office)
    try:
        payments.confirm_printed(app, paid["receipt_number"])  # printed at the counter
        code, data, _ = run(*pdf, "--reprint-reason", "遺失\x1b[31m")
        assert code == 2 and data["field"] == "reason", data
        payments.confirm_printed(app, paid["receipt_number"], "遺失")  # the first reprint
    finally:
        app.close()
    code, data, _ = run(*pdf, *APPROVED, stdin="not the password\n")
    assert code == 2 and data["error"] == "auth.bad_password", data
    assert list(tmp_path.glob("*.*")) == []


def test_an_authorisation_time_to_come_is_refused(run: Run, stored: Any) -> None:
    """``--authorised-at`` of a day to come was taken: the receipt's 授權時間 a time not yet
    come, the payment on that day's reconciliation."""
    number = new_case(run)
    online = ("payment", "record", number, "--method", "online", "--amount", "30")
    data, err_zh, err_en = refused(run, stored, (*online, "--authorised-at", "2099-12-30T10:00"))
    assert data["error"] == "time.future" and data["field"] == "authorised_at"
    assert err_zh.startswith("授權時間不可晚於現在（授權時間 188/12/30 10:00:00，現在 ")
    assert err_en.startswith("The authorisation time cannot be in the future")
    assert run("payment", "list", number)[1] == []
