"""Cash keyed as card at counter 01, corrected the next day at counter 02 with a supervisor's
approval, against a real county on loopback: the correction reaches the county (kept, no
conflict) and counter 01, whose closing of the receipt's day now counts the money as cash,
says the closing it printed that day no longer holds, and lists the correction; the closing of
the day it was made lists it at the counter that made it and office-wide, moving no money."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import factories
from approvals_support import add_accounts, supervisor_approval
from sqlalchemy import create_engine, select
from sync_helpers import CountyServer, enrol, pending, sync_now

from eservice_desktop.county.tables import CountyEventRow
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import daily_closing, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.payment_method import correct_method

DAY1, DAY2 = date(2026, 3, 10), date(2026, 3, 11)


def _county_corrections(county: CountyServer) -> list[str]:
    engine = create_engine(county.db_url)
    try:
        with engine.connect() as c:
            return [
                str(d)
                for (d,) in c.execute(
                    select(CountyEventRow.device).where(
                        CountyEventRow.type == ev.PAYMENT_METHOD_CORRECTED
                    )
                )
            ]
    finally:
        engine.dispose()


def test_a_correction_at_another_counter_puts_the_receipts_day_right_everywhere(
    office: Callable[..., App], sqlite_county: CountyServer, clock: Any, tmp_path: Path
) -> None:
    clock.set(datetime(2026, 3, 10, 10, 0, tzinfo=TAIPEI))
    d1, d2 = office("H01", "01", sqlite_county.url), office("H01", "02", sqlite_county.url)
    enrol(d1, sqlite_county)
    enrol(d2, sqlite_county)
    number = factories.new_case(d1)
    receipt = payments.record_payment(d1, number, "card", 15, reference="T-9").receipt_number
    printed = daily_closing.write_closing(d1, DAY1, tmp_path / "day1.csv")
    assert printed.cash_expected == 0  # the drawer holds 15 the closing does not know of
    for app in (d1, d2):
        sync_now(app)

    clock.set(datetime(2026, 3, 11, 9, 0, tzinfo=TAIPEI))
    add_accounts(d2)
    correct_method(d2, receipt, "cash", "民眾付現，誤按刷卡", approval=supervisor_approval())
    assert pending(d2) == 2  # the approval and the correction wait in the outbox
    sync_now(d2)
    assert _county_corrections(sqlite_county) == ["02"]
    assert sqlite_county.conflicts() == 0
    sync_now(d1)

    day1 = daily_closing.closing(d1, DAY1)
    assert (day1.cash_expected, day1.by_method) == (15, {"cash": (1, 15)})
    assert day1.earlier is not None and day1.earlier.corrections == (receipt,)
    assert "更正收費方式 " + receipt in day1.earlier.note()
    (fix,) = day1.corrections
    assert fix.counts_here and (fix.from_method, fix.to_method) == ("card", "cash")
    # the day it was made: at counter 02 and office-wide, listed, no money
    for report in (daily_closing.closing(d1, DAY2, "02"), daily_closing.closing(d1, DAY2, None)):
        (listed,) = report.corrections
        assert not listed.counts_here and listed.receipt_day == DAY1.isoformat()
        assert (report.net, report.cash_expected) == (0, 0)
    assert daily_closing.closing(d1, DAY2).corrections == []  # counter 01 made none
    # the paper of the receipt is as printed
    assert payments.receipt_data(d1, receipt, "補印").method == "card"


def test_a_correction_the_county_refuses_moves_no_money_anywhere(
    office: Callable[..., App], sqlite_county: CountyServer, clock: Any
) -> None:
    """Counter 01 refunds part of the receipt while counter 02, offline, corrects its method:
    the refund reached the county first, so the county refuses the correction (its refund went
    back on card). Counter 02 then counts the receipt as card again, on its closing and the
    office's, and lists no correction; it listed cash that had never been corrected."""
    clock.set(datetime(2026, 3, 10, 10, 0, tzinfo=TAIPEI))
    d1, d2 = office("H01", "01", sqlite_county.url), office("H01", "02", sqlite_county.url)
    enrol(d1, sqlite_county)
    enrol(d2, sqlite_county)
    number = factories.new_case(d1)
    receipt = payments.record_payment(d1, number, "card", 15, reference="T-9").receipt_number
    for app in (d1, d2):
        sync_now(app)
    clock.set(datetime(2026, 3, 11, 9, 0, tzinfo=TAIPEI))
    add_accounts(d1)
    add_accounts(d2)
    payments.refund(d1, receipt, 5, "多收", approval=supervisor_approval())
    correct_method(d2, receipt, "cash", "誤按刷卡", approval=supervisor_approval())
    assert daily_closing.closing(d2, DAY1, None).cash_expected == 15  # as it stood offline
    sync_now(d1)
    sync_now(d2)
    sync_now(d2)
    assert sqlite_county.conflicts() >= 1
    assert _county_corrections(sqlite_county) == []
    for report in (daily_closing.closing(d2, DAY1, None), daily_closing.closing(d2, DAY1, "01")):
        assert (report.cash_expected, report.by_method, report.corrections) == (
            0,
            {"card": (1, 15)},
            [],
        )
    assert payments.get_receipt(d2, receipt).method == "card"
