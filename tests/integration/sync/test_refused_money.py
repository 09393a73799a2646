"""Two counters of one office that act on the same receipt offline, then sync (two devices
against a real county server): the county takes the first void or refund pushed and refuses the
other counter's; the refused one is done nowhere — not in the case, not in the receipt, not on
any drawer — so every counter's closing of the day shows the same office-wide figures, and the
refusing counter's closing lists it as a conflict to settle."""

from __future__ import annotations

import re
from collections.abc import Callable

import factories
import pypdfium2
from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, sync_now
from test_drawer_closing import AMOUNT, _paid_on_02

from eservice_desktop.printing.closing import closing_pdf
from eservice_desktop.services import case_queues, cases, daily_closing, payments, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.conflicts import open_conflicts


def _drawers(app: App) -> tuple[int, int, int]:
    day = cases.today(app)
    return (
        daily_closing.closing(app, day, "01").cash_expected,
        daily_closing.closing(app, day, "02").cash_expected,
        daily_closing.closing(app, day, None).cash_expected,
    )


def _race(d1: App, d2: App) -> None:
    """01 pushes its act first; 02's is refused; then both pull."""
    sync_now(d1)
    sync_now(d2)
    sync_now(d1)
    sync_now(d2)


def test_void_on_both_counters_counts_once_on_01(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    payments.void_receipt(d2, receipt, "金額誤收", approval=supervisor_approval())
    _race(d1, d2)
    # 02's void (two events refused: the payment's and the receipt's) is one conflict, listed
    # on every counter of the office
    assert len(open_conflicts(d2)) == 1 and open_conflicts(d1) == open_conflicts(d2)
    assert sync.status(d1)["conflicts"] == sync.status(d2)["conflicts"] == 1
    # the receipt was voided on 01 (its money left drawer 01), on every counter alike
    assert _drawers(d1) == _drawers(d2) == (-AMOUNT, AMOUNT, 0)
    two = daily_closing.closing(d2, cases.today(d2), "02")
    assert [(r.number, r.status, r.voided_by) for r in two.receipts] == [(receipt, "void", "01")]


def test_a_refused_void_is_resolved_once_on_every_counter(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """The void's two refused events were two rows: the supervisor resolved the void and the
    list still asked for it (its receipt half), and the case stayed flagged at the pickup desk
    on both counters until the second was resolved too."""
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    payments.void_receipt(d2, receipt, "金額誤收", approval=supervisor_approval())
    _race(d1, d2)
    [void] = open_conflicts(d2)
    assert void.event_type == "case.payment_voided"
    sync.resolve_conflict(d2, void.conflict_id, "01 已作廢，收據已收回")
    sync_now(d2)
    sync_now(d1)
    number = payments.get_receipt(d2, receipt).case_number
    for app in (d1, d2):
        assert open_conflicts(app) == [] and sync.status(app)["conflicts"] == 0
        assert cases.load_case(app, number).open_conflicts == frozenset()


def test_refund_on_02_of_a_receipt_01_voided_counts_nowhere(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    payments.refund(d2, receipt, AMOUNT, "溢收退還", approval=supervisor_approval())
    _race(d1, d2)
    assert len(open_conflicts(d2)) == 1
    assert _drawers(d1) == _drawers(d2) == (-AMOUNT, AMOUNT, 0)
    two = daily_closing.closing(d2, cases.today(d2), "02")
    assert (two.refunded, two.refunds) == (0, [])
    assert [(r.status, r.refunded) for r in two.receipts] == [("void", 0)]


def test_full_refund_on_both_counters_counts_once(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    payments.refund(d1, receipt, AMOUNT, "溢收退還", approval=supervisor_approval())
    payments.refund(d2, receipt, AMOUNT, "溢收退還", approval=supervisor_approval())
    _race(d1, d2)
    assert len(open_conflicts(d2)) == 1
    assert _drawers(d1) == _drawers(d2) == (-AMOUNT, AMOUNT, 0)
    assert [r.refunded for r in daily_closing.closing(d2, cases.today(d2), "02").receipts] == [
        AMOUNT
    ]


def _pdf_text(pdf: bytes) -> str:
    """The closing's PDF read back by pdfium, without white space (a wrapped cell reads on)."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in doc))
    finally:
        doc.close()


def test_the_refusing_counters_closing_lists_what_the_county_refused(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """The refused void and refund are undone on 02: its closing says so, with the county's
    reason, so the auditor sees why the clerk's void and refund are in no figure."""
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    number = factories.new_case(d2, copies=20, phone="0912345678")
    other = payments.record_payment(d2, number, "cash", AMOUNT).receipt_number
    sync_now(d2)
    sync_now(d1)
    for r in (receipt, other):
        payments.void_receipt(d1, r, "金額誤收", approval=supervisor_approval())
    payments.void_receipt(d2, receipt, "重複收費", approval=supervisor_approval())
    payments.refund(d2, other, 100, "少印一張", approval=supervisor_approval())
    _race(d1, d2)
    day = cases.today(d2)
    two = daily_closing.closing(d2, day, "02")
    assert [(x.kind, x.receipt_number, x.device, x.amount, x.reason) for x in two.refused] == [
        ("void", receipt, "02", AMOUNT, "重複收費"),
        ("refund", other, "02", 100, "少印一張"),
    ]
    assert all(x.refused_because for x in two.refused)
    assert two.to_json()["refused"][1]["amount"] == 100
    # undone: in no figure of the closing (both receipts' money came into 02, went out of 01)
    assert (two.refunded, two.cash_expected) == (0, 2 * AMOUNT)
    # counter 01's closing and the office's list the refusals made at this office
    assert daily_closing.closing(d2, day, "01").refused == []
    assert len(daily_closing.closing(d2, day, None).refused) == 2
    text = _pdf_text(closing_pdf(two))
    assert "縣府拒絕之作廢、退費及重印（2筆）" in text
    assert "重複收費" in text and "少印一張" in text
    assert two.refused[0].refused_because in text
    # a closing with nothing refused prints no such section
    assert "縣府拒絕" not in _pdf_text(closing_pdf(daily_closing.closing(d1, day, "01")))


def test_every_counters_office_wide_closing_lists_what_the_county_refused(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """02's clerk voided a receipt and refunded NT$100 of another, offline, handing the money
    back; 01 had voided both first. Only 02's closings listed the refusals: the office-wide
    closing printed at 01 counted NT$600 in drawer 02 and said nothing of the money its clerk
    had handed back. Every counter's office-wide closing (and its closing of counter 02) lists
    them now, as 02's does, from the note of each refusal."""
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    number = factories.new_case(d2, copies=20, phone="0912345678")
    other = payments.record_payment(d2, number, "cash", AMOUNT).receipt_number
    sync_now(d2)
    sync_now(d1)
    for r in (receipt, other):
        payments.void_receipt(d1, r, "金額誤收", approval=supervisor_approval())
    payments.void_receipt(d2, receipt, "重複收費", approval=supervisor_approval())
    payments.refund(d2, other, 100, "少印一張", approval=supervisor_approval())
    _race(d1, d2)
    day = cases.today(d1)
    listed = daily_closing.closing(d2, day, None).refused
    assert [(x.kind, x.receipt_number, x.device, x.amount, x.reason) for x in listed] == [
        ("void", receipt, "02", AMOUNT, "重複收費"),
        ("refund", other, "02", 100, "少印一張"),
    ]
    assert daily_closing.closing(d1, day, None).refused == listed
    assert daily_closing.closing(d1, day, "02").refused == listed
    assert daily_closing.closing(d1, day, "01").refused == []
    text = _pdf_text(closing_pdf(daily_closing.closing(d1, day, None)))
    assert "縣府拒絕之作廢、退費及重印（2筆）" in text and "少印一張" in text


def test_the_refusing_counters_case_list_keeps_the_refused_refund_out(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """The case list (the ``cases`` rows a pulled page refreshes) folds the case's stream
    without the refused refund, as the case detail does: 02's list showed NT$-300 paid (both
    refunds taken off), then 0 once the citizen paid again at 01, while the case said 300."""
    d1, d2, receipt = _paid_on_02(county, office)
    add_accounts(d2)
    payments.refund(d1, receipt, AMOUNT, "溢收退還", approval=supervisor_approval())
    payments.refund(d2, receipt, AMOUNT, "溢收退還", approval=supervisor_approval())
    _race(d1, d2)
    number = payments.get_receipt(d2, receipt).case_number
    listed = [(app, case_queues.search(app, number)) for app in (d1, d2)]
    assert [(rows[0].paid, cases.load_case(app, number).paid) for app, rows in listed] == [
        (0, 0),
        (0, 0),
    ]
    payments.record_payment(d1, number, "cash", AMOUNT)
    sync_now(d1)
    sync_now(d2)
    for app in (d1, d2):
        assert case_queues.search(app, number)[0].paid == AMOUNT
        assert cases.load_case(app, number).paid == AMOUNT
