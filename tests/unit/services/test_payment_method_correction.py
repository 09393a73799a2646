"""Cash keyed as card, found the next day (docs/payments.md, "Correcting a payment's method"):
the void of an earlier day's receipt is refused, a refund hands money back, and the day's
closing never balanced with its drawer. A supervisor-approved correction moves the money to
the method it was paid by on the receipt's day, lists the correction on both days' closings,
and leaves the receipt's paper as printed."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import factories
import pytest
from approvals_support import add_accounts, supervisor_approval

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import daily_closing, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.payment_method import correct_method
from eservice_desktop.services.payments_receipts import receipt_row
from eservice_desktop.storage import repo

DAY1, DAY2 = date(2026, 3, 10), date(2026, 3, 11)


@pytest.fixture
def card_keyed(app: App, clock: object) -> str:
    """A fee of 15 paid in cash on day 1 and keyed as card; a real card payment beside it."""
    add_accounts(app)
    clock.set(datetime(2026, 3, 10, 10, 0, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    number = factories.new_case(app)
    factories.new_case(app)
    return payments.record_payment(app, number, "card", 15, reference="T-881").receipt_number


def _day2(clock: object) -> None:
    clock.set(datetime(2026, 3, 11, 9, 30, tzinfo=TAIPEI))  # type: ignore[attr-defined]


def test_the_next_day_the_cash_moves_to_the_cash_line_of_its_own_day(
    app: App, clock: object, card_keyed: str, tmp_path: Path
) -> None:
    before = daily_closing.closing(app, DAY1)
    assert (before.cash_expected, before.by_method) == (0, {"card": (1, 15)})
    _day2(clock)
    with pytest.raises(DomainError) as void:  # the one way there was, refused
        payments.void_receipt(app, card_keyed, "刷卡誤登", approval=supervisor_approval())
    assert void.value.code == "receipt.earlier_day"
    correct_method(app, card_keyed, "cash", "民眾付現，誤按刷卡", approval=supervisor_approval())

    day1 = daily_closing.closing(app, DAY1)
    assert (day1.cash_expected, day1.by_method, day1.net) == (15, {"cash": (1, 15)}, 15)
    (fix,) = day1.corrections
    assert (fix.receipt_number, fix.from_method, fix.to_method, fix.amount) == (
        card_keyed,
        "card",
        "cash",
        15,
    )
    assert fix.counts_here and fix.approved_by.startswith("super01")
    assert fix.reason == "民眾付現，誤按刷卡"
    assert day1.to_json()["corrections"][0]["to_method"] == "cash"  # type: ignore[index]
    # the day of the correction lists it, and moves no money of its own
    day2 = daily_closing.closing(app, DAY2)
    assert (day2.cash_expected, day2.net, day2.by_method) == (0, 0, {})
    (listed,) = day2.corrections
    assert listed.receipt_number == card_keyed and not listed.counts_here
    assert listed.receipt_day == DAY1.isoformat()
    # the office-wide closing says the same
    assert daily_closing.closing(app, DAY1, None).cash_expected == 15
    # printed, read back: the section, the change and who approved it, within the page
    for day in (DAY1, DAY2):
        pdf = tmp_path / f"closing-{day}.pdf"
        pdf.write_bytes(daily_closing.closing_document(app, day))
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "收費方式更正（1 筆）" in text and "刷卡→現金" in text
        assert card_keyed in text and "01 115/03/10" in text


def test_the_receipt_is_never_rewritten(app: App, clock: object, card_keyed: str) -> None:
    _day2(clock)
    correct_method(app, card_keyed, "cash", "誤按刷卡", approval=supervisor_approval())
    data = payments.receipt_data(app, card_keyed, "民眾遺失")
    assert (data.method, data.method_details) == ("card", ("刷卡機交易序號 T-881",))
    with app.reading() as s:
        row = receipt_row(s, card_keyed)
        types = [e.type for e in repo.events_for(s, row.case_id)]
    # the payment's own event is as it was; an approval and the correction were appended
    assert types[-2:] == [ev.APPROVAL_GRANTED, ev.PAYMENT_METHOD_CORRECTED]
    assert types.count(ev.PAYMENT_RECORDED) == 1


def test_refusals_store_nothing(app: App, clock: object, card_keyed: str) -> None:
    _day2(clock)

    def refused(to: str, reason: str = "誤按", reference: str = "", approve: bool = True) -> str:
        with pytest.raises((DomainError, AuthError)) as e:
            correct_method(
                app,
                card_keyed,
                to,
                reason,
                reference=reference,
                approval=supervisor_approval() if approve else None,
            )
        return e.value.code

    assert refused("card", reference="T-1") == "payment.method_unchanged"
    assert refused("online") == "payment.method_correction_to"
    assert refused("cash", reference="T-1") == "payment.reference_not_taken"
    assert refused("cash", reason="  ") == "case.reason_required"
    assert refused("cash", approve=False) == "auth.approval_required"
    with pytest.raises(DomainError) as unknown:
        correct_method(app, "H01-01-115-R999999", "cash", "x", approval=supervisor_approval())
    assert unknown.value.code == "receipt.unknown"
    assert daily_closing.closing(app, DAY1).corrections == []
    # and back: cash to card needs the terminal's reference
    correct_method(app, card_keyed, "cash", "誤按刷卡", approval=supervisor_approval())
    assert refused("card") == "payment.reference_required"


def test_a_refunded_or_void_receipt_is_not_corrected(
    app: App, clock: object, card_keyed: str
) -> None:
    _day2(clock)
    payments.refund(app, card_keyed, 5, "多收", approval=supervisor_approval())
    with pytest.raises(DomainError) as e:
        correct_method(app, card_keyed, "cash", "誤按", approval=supervisor_approval())
    assert e.value.code == "payment.method_refunded"
