"""Fees, payments, refunds, voids and receipts through the service layer (real SQLite)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Operator, Role
from eservice_desktop.services import cases, daily_closing, fees, payments, reports
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow

DAY = date(2026, 3, 10)


def numbers(app: App) -> list[str]:
    with app.reading() as s:
        return list(s.scalars(select(ReceiptRow.number).order_by(ReceiptRow.seq)))


def test_assessment_is_items_times_copies_with_reasoned_reductions(app: App) -> None:
    service = app.catalogue.service("HR-TRANSCRIPT-EN")
    a = fees.compute(service, 3)
    assert (a.subtotal, a.total) == (100 + 15 * 2, 130)
    assert a.items[0].quantity == 3 and a.items[0].amount == 130
    with pytest.raises(DomainError) as info:
        fees.compute(service, 1, exempt=True)
    assert info.value.code == "fee.reason_required"
    free = fees.compute(service, 1, exempt=True, reason="低收入戶免徵（規費法第12條）")
    assert free.total == 0 and free.reduction == 100
    with pytest.raises(DomainError):
        fees.compute(service, 1, reduction=101, reason="x")


def test_fee_is_assessed_at_intake_in_the_intake_transaction(app: App, fee_case: str) -> None:
    view = cases.show_case(app, fee_case)
    assert (view.fees_due, view.paid, view.balance, view.status) == (30, 0, 30, "payment_due")
    assert [e["type"] for e in view.events] == [ev.RECEIVED, ev.FEE_ASSESSED]
    received, assessed = view.events
    assert assessed["at"] == received["at"]  # the same moment: the intake transaction
    assert assessed["payload"]["items"][0]["quantity"] == 2
    assert fees.preview(app, fee_case).total == 30
    again = fees.assess(app, fee_case)
    assert (again.fees_due, again.paid, again.balance) == (30, 0, 30)


def test_exemption_at_intake_needs_its_reason_and_is_recorded(app: App, sup: Approval) -> None:
    from eservice_desktop.services.intake import IntakeErrors, IntakeRequest, intake

    req = IntakeRequest(
        service_code="HR-TRANSCRIPT",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={
            "registered_address": "桃園市桃園區中正路1號",
            "transcript_kind": "現戶",
            "record_detail": "省略記事",
        },
        fee_exempt=True,
    )
    with pytest.raises(IntakeErrors) as info:
        intake(app, req)
    assert "exemption_reason" in info.value.errors
    with app.reading() as s:
        assert s.scalar(select(func.count()).select_from(EventRow)) == 0
    req.fee_reason = "低收入戶免徵（規費法第12條）"
    req.approval = sup
    view = intake(app, req)
    assert (view.fees_due, view.balance, view.status) == (0, 0, "received")
    state = cases.load_case(app, view.case_number)
    assert state.exemption_reason == "低收入戶免徵（規費法第12條）"
    assert cases.close_case(app, view.case_number).status == "closed"


def test_changing_copies_reassesses_and_keeps_an_exemption(app: App, make_case, sup) -> None:  # type: ignore[no-untyped-def]
    number = make_case(copies=1)
    assert cases.show_case(app, number).balance == 15
    view = fees.change_copies(app, number, 3)
    assert (view.copies, view.fees_due, view.balance) == (3, 45, 45)
    payments.record_payment(app, number, "cash", 45)
    with pytest.raises(DomainError) as info:
        fees.change_copies(app, number, 2)  # below what was paid: refund first
    assert info.value.code == "fee.below_paid"
    # how much to refund, in both languages: it said 請先辦理退費 and left the sum to the clerk
    assert info.value.message_zh == "核定金額 30 元低於已繳金額 45 元：請先退費 15 元，再核定"
    assert info.value.message_en == (
        "The assessed fee NT$30 is below the NT$45 paid: refund NT$15 first, then assess"
    )
    exempted = make_case(copies=1)
    fees.assess(app, exempted, exempt=True, reason="低收入戶免徵（規費法第12條）", approval=sup)
    view = fees.change_copies(app, exempted, 4)
    assert (view.copies, view.fees_due, view.balance) == (4, 0, 0)
    assert cases.load_case(app, exempted).exemption_reason == "低收入戶免徵（規費法第12條）"


def test_nothing_closes_or_becomes_ready_while_fees_are_due(app: App, fee_case: str) -> None:
    with pytest.raises(DomainError) as info:
        cases.close_case(app, fee_case)
    e = info.value
    assert e.code == "fees_due" and e.extra == {"amount": 30}
    assert "30" in e.message_zh and "F6" in e.message_zh and "payment record" in e.message_en
    payments.record_payment(app, fee_case, "cash", 10)
    with pytest.raises(DomainError) as info:
        cases.close_case(app, fee_case)
    assert info.value.extra == {"amount": 20} and "20" in info.value.message_zh
    payments.record_payment(app, fee_case, "cash", 20)
    assert cases.close_case(app, fee_case).status == "closed"


def test_payment_takes_the_fee_assessed_at_intake(app: App, fee_case: str) -> None:
    r = payments.record_payment(app, fee_case, "cash", 30, tendered=100)
    assert (r.fees_due, r.paid, r.balance, r.change, r.tendered) == (30, 30, 0, 70, 100)
    assert r.receipt_number == "H01-01-115-R000001"
    view = cases.show_case(app, fee_case)
    assert view.to_json()["balance"] == 0 and view.status == "received"


def test_partial_payment_keeps_the_deadline_paused_until_paid(
    app: App, clock, fee_case: str
) -> None:  # type: ignore[no-untyped-def]
    fees.assess(app, fee_case)
    payments.record_payment(app, fee_case, "cash", 10)
    view = cases.show_case(app, fee_case)
    assert view.status == "payment_due" and view.balance == 20 and view.due is None
    clock.set(clock.now + timedelta(days=1))
    payments.record_payment(app, fee_case, "card", 20, reference="T-1")
    view = cases.show_case(app, fee_case)
    assert view.status == "received" and view.balance == 0 and view.due is not None


def test_refused_payment_burns_no_number(app: App, fee_case: str) -> None:
    payments.record_payment(app, fee_case, "cash", 10)
    with pytest.raises(DomainError) as info:
        payments.record_payment(app, fee_case, "cash", 999)
    assert info.value.code == "payment.over_balance"
    with pytest.raises(DomainError):
        payments.record_payment(app, fee_case, "card", 5)  # no terminal reference
    payments.record_payment(app, fee_case, "cash", 20)
    assert numbers(app) == ["H01-01-115-R000001", "H01-01-115-R000002"]


def test_numbers_are_per_device_and_restart_each_roc_year(
    app: App,
    make_app,
    settings,
    clock,
    make_case: Callable[..., str],  # type: ignore[no-untyped-def]
) -> None:
    # Counter 02's payments in this database stand for what a sync pull brings; opened before
    # the first event, since a database belongs to the counter that records in it
    other = make_app(type(settings)(data_dir=settings.data_dir, office_code="H01", device_id="02"))
    first = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    second = payments.record_payment(other, make_case(), "cash", 30).receipt_number
    assert (first, second) == ("H01-01-115-R000001", "H01-02-115-R000001")
    clock.set(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    third = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    assert third == "H01-01-116-R000001"


def test_void_keeps_the_number_and_the_series_continues(
    app: App, fee_case: str, sup: Approval
) -> None:
    r1 = payments.record_payment(app, fee_case, "cash", 30)
    voided = payments.void_receipt(app, r1.receipt_number, "金額輸入錯誤", approval=sup)
    assert voided.status == "void" and voided.balance == 30
    with pytest.raises(DomainError) as info:
        payments.void_receipt(app, r1.receipt_number, "again", approval=sup)
    assert info.value.code == "receipt.already_voided"
    r2 = payments.record_payment(app, fee_case, "cash", 30)
    assert r2.receipt_number == "H01-01-115-R000002"
    closing = daily_closing.closing(app, DAY)
    assert [x.number for x in closing.voids] == [r1.receipt_number]
    assert closing.voids[0].void_reason == "金額輸入錯誤"
    assert closing.ranges[0].count == 2 and closing.ranges[0].missing == ()
    assert closing.gross == 30 and closing.cash_expected == 30
    data = payments.receipt_data(app, r1.receipt_number)
    assert data.is_void


def test_refund_keeps_receipt_valid_and_reduces_cash_expected(
    app: App, fee_case: str, sup: Approval
) -> None:
    r = payments.record_payment(app, fee_case, "cash", 30)
    with pytest.raises(DomainError) as info:
        payments.refund(app, r.receipt_number, 10, " ", approval=sup)
    assert info.value.code == "case.reason_required"
    after = payments.refund(app, r.receipt_number, 10, "溢收退還", approval=sup)
    assert (after.status, after.refunded, after.paid, after.balance) == ("valid", 10, 20, 10)
    closing = daily_closing.closing(app, DAY)
    assert closing.refunded == 10 and closing.cash_expected == 20 and closing.net == 20
    assert closing.refunds[0].reason == "溢收退還"


def test_a_refunded_receipt_is_not_voided_and_the_closing_stays_balanced(
    app: App, fee_case: str, sup: Approval
) -> None:
    """Voiding a receipt takes its whole amount out of the closing; after a refund the closing
    would take the refund out once more (30 in, 10 back: the closing said −10). The rest is
    refunded instead, and the closing balances: received − refunded == net == cash."""
    r = payments.record_payment(app, fee_case, "cash", 30)
    payments.refund(app, r.receipt_number, 10, "溢收退還", approval=sup)
    with pytest.raises(DomainError) as info:
        payments.void_receipt(app, r.receipt_number, "開錯", approval=sup)
    assert info.value.code == "receipt.refunded"
    assert "退費" in info.value.message_zh and "refund" in info.value.message_en
    with app.reading() as s:
        assert s.scalar(select(ReceiptRow.status)) == "valid"
        types = list(s.scalars(select(EventRow.type).order_by(EventRow.seq)))
    assert ev.PAYMENT_VOIDED not in types and types.count(ev.APPROVAL_GRANTED) == 1
    payments.refund(app, r.receipt_number, 20, "開錯，全額退還", approval=sup)
    closing = daily_closing.closing(app, DAY)
    assert (closing.gross, closing.refunded, closing.net, closing.cash_expected) == (30, 30, 0, 0)
    assert cases.show_case(app, fee_case).balance == 30


def test_a_receipt_of_an_earlier_day_is_refunded_not_voided(
    app: App, fee_case: str, sup: Approval, clock
) -> None:  # type: ignore[no-untyped-def]
    """A void takes the receipt out of the closing of the day it was issued: a day already
    closed (its cash counted, its closing signed) would change afterwards, and the day the money
    went back would show nothing. Paid at 23:59 Taipei, voided at 00:01: refused, refunded."""
    clock.set(datetime(2026, 3, 10, 15, 59, tzinfo=UTC))  # 23:59 Taipei
    r = payments.record_payment(app, fee_case, "cash", 30)
    clock.set(datetime(2026, 3, 10, 16, 1, tzinfo=UTC))  # 00:01 Taipei, the next day
    before = daily_closing.closing(app, DAY).to_json()
    with pytest.raises(DomainError) as info:
        payments.void_receipt(app, r.receipt_number, "開錯", approval=sup)
    assert info.value.code == "receipt.earlier_day"
    assert "退費" in info.value.message_zh and "refund" in info.value.message_en
    assert daily_closing.closing(app, DAY).to_json() == before
    payments.refund(app, r.receipt_number, 30, "開錯，全額退還", approval=sup)
    assert daily_closing.closing(app, DAY).to_json() == before
    today = daily_closing.closing(app, DAY + timedelta(days=1))
    assert (today.gross, today.refunded, today.net, today.cash_expected) == (0, 30, -30, -30)


def test_a_receipt_dated_after_today_is_not_voided_and_the_clerk_is_told_of_the_clock(
    app: App, fee_case: str, sup: Approval, clock
) -> None:  # type: ignore[no-untyped-def]
    """Paid at 14:30 on a PC whose clock ran 10 hours ahead (00:30 the next day, less than a
    day ahead: let through), then the clock set right: the void was refused as of an earlier
    day, 「已列入當日日結」 of a day still to come, and the clerk sent to a refund."""
    clock.set(datetime(2026, 3, 10, 16, 30, tzinfo=UTC))  # 00:30 Taipei on the 11th
    r = payments.record_payment(app, fee_case, "cash", 30)
    clock.set(datetime(2026, 3, 10, 6, 35, tzinfo=UTC))  # set right: 14:35 Taipei, the 10th
    with pytest.raises(DomainError) as info:
        payments.void_receipt(app, r.receipt_number, "開錯", approval=sup)
    assert info.value.code == "receipt.later_day"
    assert "電腦時鐘" in info.value.message_zh and "民國115年3月11日" in info.value.message_zh
    assert "clock" in info.value.message_en and "refund" not in info.value.message_en
    assert cases.show_case(app, fee_case).balance == 0  # the payment stands


def test_print_then_reprint_needs_reason_and_is_recorded(app: App, fee_case: str) -> None:
    n = payments.record_payment(app, fee_case, "cash", 30).receipt_number
    assert payments.pending_receipts(app) == [n]
    payments.receipt_pdf(app, n)
    payments.confirm_printed(app, n)
    assert payments.pending_receipts(app) == []
    with pytest.raises(DomainError) as info:
        payments.receipt_pdf(app, n)
    assert info.value.code == "receipt.reprint_reason"
    data = payments.receipt_data(app, n, reprint_reason="民眾遺失")
    assert data.reprint_reason == "民眾遺失" and data.reprint_count == 1
    payments.confirm_printed(app, n, "民眾遺失")
    types = [e["type"] for e in cases.show_case(app, fee_case).events]
    assert types.count(ev.RECEIPT_ISSUED) == 1 and types.count(ev.RECEIPT_REPRINTED) == 1


def test_verification_code_verifies_and_detects_tampering(app: App, fee_case: str) -> None:
    r = payments.record_payment(app, fee_case, "cash", 30)
    assert payments.verify_receipt(app, r.receipt_number, payments.format_code(r.verification_code))
    wrong = ("A" if r.verification_code[0] != "A" else "B") + r.verification_code[1:]
    assert not payments.verify_receipt(app, r.receipt_number, wrong)
    with pytest.raises(DomainError) as info:  # no receipt here: unknown, not "NOT valid"
        payments.verify_receipt(app, "H01-01-115-R999999", r.verification_code)
    assert info.value.code == "receipt.unknown"


def test_a_receipt_whose_key_is_not_here_is_checked_against_its_recorded_code(
    app: App, fee_case: str
) -> None:
    """Another counter's receipt (its key never leaves it) is checked against the code its
    event recorded; one with no code recorded either is never called forged, and the answer
    names the counter that can verify it ("sync, then verify again" never came true)."""
    from eservice_desktop.storage.models_payments import ReceiptKeyRow, ReceiptRow

    r = payments.record_payment(app, fee_case, "cash", 30)
    with app.transaction() as s:
        s.execute(delete(ReceiptKeyRow))
    assert payments.verify_receipt(app, r.receipt_number, r.verification_code.lower())
    wrong = ("A" if r.verification_code[0] != "A" else "B") + r.verification_code[1:]
    assert not payments.verify_receipt(app, r.receipt_number, wrong)
    with app.transaction() as s:
        s.execute(update(ReceiptRow).values(verification=""))
    with pytest.raises(DomainError) as info:
        payments.verify_receipt(app, r.receipt_number, r.verification_code)
    assert info.value.code == "receipt.key_unknown"
    assert info.value.message_zh == "本機無這張收據的驗證金鑰，請至開立收據的 H01 櫃檯 01 查驗"
    assert "sync" not in info.value.message_en


def test_online_payment_by_sync_is_idempotent_and_reconciles(app: App, fee_case: str) -> None:
    authorised = datetime(2026, 3, 10, 8, 43, 53, tzinfo=UTC) - timedelta(hours=8)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, fee_case)
        r = payments.record_online_payment(
            app,
            s,
            case_id,
            payment_id="30096262600",
            amount=30,
            payment_tool="信用卡",
            authorised_at=authorised,
        )
    with app.transaction() as s:
        again = payments.record_online_payment(
            app,
            s,
            case_id,
            payment_id="30096262600",
            amount=30,
            payment_tool="信用卡",
            authorised_at=authorised,
        )
    assert again.receipt_number == r.receipt_number and again.balance == 0
    # the same payment with another amount answered the first receipt as if it were taken
    with pytest.raises(DomainError) as refused, app.transaction() as s:
        payments.record_online_payment(
            app, s, case_id, payment_id="30096262600", amount=20, payment_tool="信用卡",
            authorised_at=authorised,
        )  # fmt: skip
    assert refused.value.code == "payment.duplicate_amount" and "30 元" in refused.value.message_zh
    with app.reading() as s:
        assert s.scalar(select(func.count()).select_from(ReceiptRow)) == 1
    rec = reports.reconciliation(app, DAY, DAY)
    assert len(rec.rows) == 1 and not rec.rows[0].deposited and rec.outstanding_total == 30
    assert rec.rows[0].authorised_at == "2026/03/10 08:43:53"
    with app.transaction() as s:
        payments.settle_online_payment(
            app, s, "30096262600", deposit_date=date(2026, 3, 12), settlement_number="AU0800100001"
        )
    row = reports.reconciliation(app, DAY, DAY).rows[0]
    assert (row.deposited, row.deposit_date, row.settlement_number) == (
        True,
        "2026/03/12",
        "AU0800100001",
    )
    assert row.receipt_number == r.receipt_number
    with pytest.raises(DomainError) as info:
        payments.record_payment(app, fee_case, "online", 1)
    assert info.value.code == "payment.online_by_sync"


def test_closing_totals_by_fee_item_and_method_for_counter_and_office(
    app: App,
    make_app,
    settings,
    make_case: Callable[..., str],  # type: ignore[no-untyped-def]
) -> None:
    # Counter 02's payments in this database stand for what a sync pull brings; opened before
    # the first event, since a database belongs to the counter that records in it
    other = make_app(type(settings)(data_dir=settings.data_dir, office_code="H01", device_id="02"))
    payments.record_payment(app, make_case(), "cash", 30)
    payments.record_payment(app, make_case(copies=1), "card", 15, reference="T9")
    payments.record_payment(other, make_case(), "cash", 30)
    mine = daily_closing.closing(app, DAY)
    assert mine.by_method == {"cash": (1, 30), "card": (1, 15)}
    assert mine.by_fee_item == [("戶籍謄本", 2, 45)]
    office = daily_closing.closing(app, DAY, device=None)
    assert office.gross == 75 and office.cash_expected == 60
    assert [(r.device, r.count) for r in office.ranges] == [("01", 2), ("02", 1)]
    assert daily_closing.closing(app, DAY - timedelta(days=1)).receipts == []
    with pytest.raises(DomainError) as info:  # a day still to come has no closing at all
        daily_closing.closing(app, DAY + timedelta(days=1))
    assert info.value.code == "closing.future_day"


def test_closing_puts_each_partial_payment_on_the_fee_items_it_paid(
    make_app,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """A boundary survey owes a basic fee (NT$3,000) and a marking fee (NT$1,000). Paid in two
    instalments, the second one pays the marking fee: the closing's per-item subtotals used to
    spread every receipt from the first item on, the second one onto the basic fee again."""
    from approvals_support import add_accounts, supervisor_approval
    from factories import new_case

    from eservice_desktop.config import Settings

    land = make_app(Settings(data_dir=tmp_path / "land", office_code="L01", device_id="01"))
    add_accounts(land)
    fields = {"parcel": "桃園段 0012-0000"}
    number = new_case(land, service="LR-BOUNDARY-SURVEY", fields=fields)
    basic, marking = (i.name for i in fees.preview(land, number).items)
    first = payments.record_payment(land, number, "cash", 3000)
    payments.void_receipt(
        land, first.receipt_number, "金額輸入錯誤", approval=supervisor_approval()
    )
    payments.record_payment(land, number, "cash", 2500)
    payments.record_payment(land, number, "card", 1500, reference="T-8")
    closing = daily_closing.closing(land, DAY)
    assert closing.by_fee_item == sorted([(basic, 2, 3000), (marking, 1, 1000)])
    assert sum(a for _, _, a in closing.by_fee_item) == closing.gross == 4000


def test_unknown_receipt_and_case_without_receipt(app: App, fee_case: str) -> None:
    with pytest.raises(DomainError) as info:
        payments.last_receipt_number(app, fee_case)
    assert info.value.code == "receipt.none"
    with pytest.raises(DomainError) as info:
        payments.void_receipt(app, "H01-01-115-R000777", "x")
    assert info.value.code == "receipt.unknown"
    with pytest.raises(DomainError) as info:  # a line break typed into the number
        payments.void_receipt(app, "a\n\x1b[2J", "x")
    assert info.value.code == "receipt.unknown"
    assert "\n" not in info.value.message_en and "\x1b" not in info.value.message_zh
    assert info.value.message_en == "No such receipt: aU+000AU+001B[2J"
    with app.reading() as s:  # received and assessed at intake; nothing since
        assert s.scalar(select(func.count()).select_from(EventRow)) == 2


def test_payment_events_from_another_device_feed_the_receipts_projection(
    app: App, fee_case: str
) -> None:
    """What the sync engine does with pulled events: cases.append(origin="county")."""
    from eservice_desktop.domain.events import Actor

    other = Actor("H01", "02", "clerk02")
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, fee_case)
        state = fees.ensure_assessed(app, s, cases.repo.load_state(s, case_id))  # type: ignore[arg-type]
        e = other.event(
            case_id,
            ev.PAYMENT_RECORDED,
            app.now(),
            {
                "payment_id": "remote-1",
                "case_number": fee_case,
                "method": "cash",
                "amount": 30,
                "receipt_number": "H01-02-115-R000007",
                "verification": "ABCDEFGHIJ",
                "key_id": "H0102-abc",
            },
        )
        state = cases.append(app, s, e, state, origin="county")
        cancel = other.event(
            case_id, ev.PAYMENT_VOIDED, app.now(), {"payment_id": "remote-1", "reason": "重複"}
        )
        state = cases.append(app, s, cancel, state, origin="county")
        void = other.event(
            case_id,
            ev.RECEIPT_VOIDED,
            app.now(),
            {"receipt_number": "H01-02-115-R000007", "reason": "重複"},
        )
        cases.append(app, s, void, state, origin="county")
    r = payments.get_receipt(app, "H01-02-115-R000007")
    assert (r.status, r.amount, r.payment_id) == ("void", 30, "remote-1")
    office = daily_closing.closing(app, DAY, device=None)
    assert [(x.device, x.first, x.count) for x in office.ranges] == [
        ("02", "H01-02-115-R000007", 1)
    ]
    # Our own series is untouched by another device's numbers.
    mine = payments.record_payment(app, fee_case, "cash", 30).receipt_number
    assert mine == "H01-01-115-R000001"


def test_receipts_projection_rebuilds_from_events(
    app: App, make_case: Callable[..., str], sup: Approval
) -> None:
    a = payments.record_payment(app, make_case(), "cash", 30, tendered=50)
    b = payments.record_payment(app, make_case(), "card", 30, reference="T1")
    payments.confirm_printed(app, a.receipt_number)
    payments.confirm_printed(app, a.receipt_number, "民眾遺失")
    payments.void_receipt(app, b.receipt_number, "刷錯卡", approval=sup)
    payments.refund(app, a.receipt_number, 10, "溢收", approval=sup)

    def snapshot() -> list[tuple[object, ...]]:
        with app.reading() as s:
            return [
                (
                    r.number,
                    r.status,
                    r.refunded,
                    r.print_count,
                    r.change,
                    r.void_reason,
                    r.verification,
                )
                for r in s.scalars(select(ReceiptRow).order_by(ReceiptRow.number))
            ]

    before = snapshot()
    assert before[0][1:5] == ("valid", 10, 2, 20) and before[1][1] == "void"
    counter = app.operator
    app.operator = Operator("it01", "IT", frozenset({Role.IT}))  # a database command: IT's
    assert payments.rebuild_receipts(app) == 2
    app.operator = counter
    assert snapshot() == before


def test_first_copy_price_is_explained_on_the_receipt(app: App) -> None:
    """英文戶籍謄本: NT$100 the first copy, NT$15 each further one (not 3 × 100)."""
    from eservice_desktop.services.intake import IntakeRequest, intake

    number = intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT-EN",
            applicant_id="A123456789",
            applicant_name="林小明",
            copies=3,
            fields={
                "registered_address": "桃園市桃園區中正路1號",
                "transcript_kind": "全戶",
                "english_name": "LIN HSIAO-MING",
            },
        ),
    ).case_number
    r = payments.record_payment(app, number, "cash", 130)
    item = payments.receipt_data(app, r.receipt_number).items[0]
    assert (item.amount, item.breakdown) == (130, "首張 100＋2張 × 15")
