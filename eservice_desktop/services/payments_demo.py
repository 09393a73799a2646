"""Demo payments: real receipts for demo cases (``demo seed``, the bulk seeder).

``DemoTill`` numbers the cash payments of demo streams written in batches (the events still go
through the one ingest path); ``seed_payments_demo`` pays, voids and refunds a few dozen of the
newest demo cases through the counter's own payment functions. Nothing in the counter's use
cases imports this module.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain.case import (
    APPROVE_FEE_REDUCTION,
    APPROVE_REFUND,
    APPROVE_VOID,
    CaseState,
)
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.services import fees
from eservice_desktop.services.approvals import Granted, demo_granted
from eservice_desktop.services.core import App
from eservice_desktop.services.payments import (
    ONLINE_TOOLS,
    PaymentResult,
    confirm_printed,
    record_online_payment,
    record_payment_in,
    state_subtotal,
)
from eservice_desktop.services.payments_corrections import _refund_granted, _void_granted

# the payment path's own steps: the demo pays the way the counter does
from eservice_desktop.services.payments_receipts import (
    aware,
    device_key,
    load_state,
    receipt_number,
)
from eservice_desktop.services.receipt_clerk import clerk_shown
from eservice_desktop.services.receipt_codes import compute_code
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow


class DemoTill:
    """Cash payments for demo cases written in batches (``demo.bulk``).

    Demo streams go through the one ingest path (which checks every event against the domain,
    projects the ``receipts`` rows and moves this device's receipt counter past the numbers
    used), but their payments are real ones all the same: a number of this device's gapless
    series, the HMAC verification code and the key id. The counters of the seed's years are
    read once (:meth:`__init__`) and numbered in memory from there, so a batch is built with
    no query while the one before is still being written.
    """

    def __init__(self, app: App, session: Session, years: Iterable[int]) -> None:
        self.app = app
        key = device_key(app, session)
        self.key_id = key.key_id
        self.secret = bytes.fromhex(key.secret_hex)
        #: the last receipt number used, by ROC year: the counter as read, then in memory
        self.last = {y: repo.peek_counter(session, self.counter_name(y)) for y in years}
        #: what the demo's receipts printed as 經收人 (their ``case.receipt_issued`` keeps it)
        self.clerk = clerk_shown(session, app.actor.clerk)

    def counter_name(self, year: int) -> str:
        """The name of this device's receipt counter of ROC ``year``."""
        s = self.app.settings
        return f"receipt:{s.office_code}:{s.device_id}:{year}"

    def payer(
        self, rng: Any, clerk: str
    ) -> Callable[[str, str, int, datetime], tuple[datetime, dict[str, Any]]]:
        """``pay(case_id, case_number, amount, at)`` for the demo builders (cash, with change):
        the payment's time and payload. The time is ``at``, or the counter's last payment's if
        that was later: the cases come oldest first, but each citizen pays a few random
        minutes after intake, and numbered in case order the receipts went back in time (R280
        at 10:44 after R279 at 10:45). ``at`` is never more than those minutes after its case's
        receipt, so the later one stays within them too."""
        last = datetime.min.replace(tzinfo=UTC)

        def pay(
            case_id: str, case_number: str, amount: int, at: datetime
        ) -> tuple[datetime, dict[str, Any]]:
            nonlocal last
            last = max(at, last)
            return last, self.cash(case_number, amount, last, tendered=demo_tendered(amount, rng))

        _ = clerk  # the event carries the clerk
        return pay

    def cash(self, case_number: str, amount: int, at: datetime, *, tendered: int) -> dict[str, Any]:
        """The PAYMENT_RECORDED payload of a cash payment at ``at`` (in one of the years read:
        a demo payment is made on the day its case is received)."""
        year = to_roc(at.astimezone(TAIPEI).date())[0]
        if year not in self.last:
            raise ValueError(f"no receipt counter was read for ROC year {year}")
        self.last[year] = seq = self.last[year] + 1
        s = self.app.settings
        number = receipt_number(s.office_code, s.device_id, year, seq)
        code = compute_code(self.secret, number, case_number, amount, at.astimezone(TAIPEI).date())
        return {
            "payment_id": str(uuid.uuid4()),
            "case_number": case_number,
            "method": "cash",
            "amount": amount,
            "receipt_number": number,
            "reference": None,
            "verification": code,
            "key_id": self.key_id,
            "tendered": tendered,
            "change": tendered - amount,
        }


def demo_tendered(amount: int, rng: Any) -> int:
    """What a citizen hands over for ``amount``: the exact sum or the next usual note."""
    notes = [t for t in (100, 500, 1000, 2000) if t >= amount]
    return rng.choice([amount, *notes[:1]]) if notes else amount


def seed_payments_demo(app: App, cases_added: int, seed: int | None = None) -> dict[str, int]:
    """Fees and receipts on the newest demo cases, through the real payment path.

    Works on open cases still owing their fee (assessed at intake): most are paid in cash (with
    change) or by card and printed; a few stay unpaid (payment due, deadline paused), one is
    paid in part, one receipt is voided, one partly refunded, and two
    are online payments (one already deposited) so the closing and the reconciliation statement
    have content. Limited to 60 cases: this is for trying the counter, not for volume. Each is
    made while the counter was open (:func:`_counter_open_until`), after the case's receipt.
    """
    import random

    rng = random.Random(seed)
    counts = {"assessed": 0, "paid": 0, "void": 0, "refunded": 0, "online": 0, "unpaid": 0}
    # the demo supervisor approves the reductions (verified before any transaction opens)
    reduced = demo_granted(app, APPROVE_FEE_REDUCTION, reason="身心障礙者減半")
    open_at = _counter_open_until(app, app.now())

    def paid_at(row: CaseRow) -> datetime:
        """After its receipt (one received in the last minute before closing), never later."""
        return max(open_at, aware(row.received_at) + timedelta(seconds=30))

    # paid in the order of those times: the receipt numbers follow the clock, as at a counter
    for i, row in enumerate(sorted(_owing_cases(app, min(60, cases_added)), key=paid_at)):
        till = _at_counter(app, paid_at(row))
        with till.transaction() as s:
            state = _assess(
                till,
                s,
                load_state(s, row.case_id),
                rng=rng,
                reduced=reduced,
                case_number=row.case_number,
            )
            counts["assessed"] += 1
            if state.balance <= 0:
                continue
            r = _pay(till, s, i, row.case_id, state.balance, rng=rng, counts=counts)
        if r is None:
            continue
        confirm_printed(till, r.receipt_number)
        _undo_some(till, i, r, counts)
    return counts


def _counter_open_until(app: App, now: datetime) -> datetime:
    """The latest moment up to ``now`` when the office's counters were open: ``now`` in office
    hours of a working day, else a minute before the last working day's closing time.

    The seed's payments are stamped then, as a citizen pays at an open counter. Stamped at the
    seed's own time, a demo started at 07:10 put forty receipts before opening time on the day's
    closing (and one started on a Sunday, on a day with no closing at all), into the cash the
    clerk trying the counter that day was to count."""
    hours = app.hours
    day = now.astimezone(hours.zone()).date()
    for _ in range(400):  # a working day within a year and a month, whatever the calendar
        opens = datetime.combine(day, hours.opens, hours.zone())
        if app.calendar.is_working_day(day) and opens <= now:
            return min(now, hours.closing_at(day) - timedelta(minutes=1)).astimezone(UTC)
        day -= timedelta(days=1)
    return now


def _at_counter(app: App, at: datetime) -> App:
    """``app`` with a clock that reads ``at`` (never later than the real clock): one demo
    payment and everything recorded with it (assessment, receipt print, void, refund). The
    copy shares the database, its write lock and the signed-in operator."""
    till = copy.copy(app)
    moment = min(at, app.now())
    till.clock = lambda: moment
    return till


def _owing_cases(app: App, limit: int) -> list[CaseRow]:
    """The newest cases of this office owing their whole fee, less every fourth one: the queue
    keeps showing cases waiting for payment."""
    with app.reading() as s:
        rows = list(
            s.scalars(
                select(CaseRow)
                .where(
                    CaseRow.office == app.settings.office_code,
                    CaseRow.status.in_(("payment_due", "supplement_requested")),
                    CaseRow.fees_due > 0,
                    CaseRow.paid == 0,
                )
                .order_by(CaseRow.received_at.desc())
                .limit(limit * 4)
            )
        )
    return [r for k, r in enumerate(rows) if k % 4 != 3][:limit]


def _assess(
    app: App, s: Session, state: CaseState, *, rng: Any, reduced: Granted, case_number: str
) -> CaseState:
    """The fee as assessed at intake, or (one case in twenty) halved with the supervisor's
    approval."""
    if rng.random() < 0.05:
        return fees.assess_in(
            app,
            s,
            state,
            reduction=state_subtotal(app, state) // 2,
            reason="身心障礙者減半",
            granted=reduced.for_action(APPROVE_FEE_REDUCTION, case_number),
        )
    return fees.ensure_assessed(app, s, state)


def _pay(
    app: App, s: Session, i: int, case_id: str, due: int, *, rng: Any, counts: dict[str, int]
) -> PaymentResult | None:
    """One case's payment: online for the third and fourth case, otherwise mostly cash or
    card, sometimes half, sometimes none. None when nothing was paid. The online ones' receipts
    are printed as the others are: left waiting, they put the fees page's red 收據未列印 banner
    over every demo's start, for papers no clerk had a reason to print."""
    if i in (2, 3):
        authorised = app.now()
        online = record_online_payment(
            app,
            s,
            case_id,
            # the case's own id in it: a second seeding with the same --seed draws the same
            # number, and a transaction id pays one payment only (online_transactions)
            payment_id=f"DEMO{rng.getrandbits(40):012d}{case_id[-12:].upper()}",
            amount=due,
            payment_tool=rng.choice(ONLINE_TOOLS),
            authorised_at=authorised,
            deposit_date=authorised.astimezone(TAIPEI).date() if i == 2 else None,
            settlement_number=f"AU0800100{rng.randint(0, 9999):04d}" if i == 2 else "",
            deposited=i == 2,
        )
        counts["online"] += 1
        return online
    roll = rng.random()
    if roll < 0.08:
        counts["unpaid"] += 1
        return None
    if roll < 0.15 and due > 1:
        r = record_payment_in(app, s, case_id, "cash", due // 2)
    elif roll < 0.3:
        r = record_payment_in(
            app, s, case_id, "card", due, reference=f"{rng.randint(0, 999999):06d}"
        )
    else:
        tendered = next(t for t in (due, 100, 500, 1000, 2000, due) if t >= due)
        r = record_payment_in(app, s, case_id, "cash", due, tendered=tendered)
    counts["paid"] += 1
    return r


def _undo_some(app: App, i: int, r: PaymentResult, counts: dict[str, int]) -> None:
    """The sixth receipt is voided and the eighth partly refunded, each with the demo
    supervisor's approval, so the closing report shows both."""
    if i == 5:
        why = "金額輸入錯誤，重新收費"
        _void_granted(
            app,
            r.receipt_number,
            why,
            demo_granted(app, APPROVE_VOID, reason=why, target=r.receipt_number),
        )
        counts["void"] += 1
    elif i == 7 and r.amount > 1:
        why = "溢收退還"
        _refund_granted(
            app,
            r.receipt_number,
            r.amount // 2,
            why,
            demo_granted(app, APPROVE_REFUND, reason=why, target=r.receipt_number),
        )
        counts["refunded"] += 1
