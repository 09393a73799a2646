"""A counter PC an hour ahead takes in a case; the next sync sets its clock right (the county
offset, services/sync/clock.py) and the fee is paid at the corrected time, "before" the case
was received: the wait for payment ended before it began. The payment was refused with
"A pause ends before it starts" (暫停結束時間早於開始時間) for as long as the clock had been
ahead; the wait now counts as none, as the county's order of events (arrival, not clocks)
already has it."""

from __future__ import annotations

from datetime import datetime

import factories

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App


def test_a_fee_paid_after_the_clock_was_set_right_is_taken(app: App, clock: object) -> None:
    clock.set(datetime(2026, 3, 10, 11, 0, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    number = factories.new_case(app)  # a transcript: its fee due, its clock stopped
    assert cases.show_case(app, number).due is None
    clock.set(datetime(2026, 3, 10, 10, 5, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    paid = payments.record_payment(app, number, "cash", 15)
    assert paid.receipt_number.endswith("R000001")
    view = cases.show_case(app, number)
    assert (view.balance, view.due, view.deadline_status) == (0, "2026-03-10", "due_soon")
    # and the supplement asked and answered the same way
    clock.set(datetime(2026, 3, 10, 10, 30, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    cases.request_supplement(app, number, "缺印章")
    clock.set(datetime(2026, 3, 10, 10, 20, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    assert cases.record_supplement(app, number).due == "2026-03-10"
