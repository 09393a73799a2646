"""Placing a written case in a queue shown (services.queue_items.move) gives the list a fresh
query of that queue would: the same rows in the same order, equal receipt times and equal due
dates included, and no placing at all in a list read on another day."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eservice_desktop.config import Settings
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.services.queue_rows import (
    QueueItem,
    load_queue,
    move,
    queue_chunk,
    queue_item,
)

#: Lists whose order a write can change; "online" only takes county-sent cases.
QUEUES = ("today", "supplement", "due_soon", "open", "all")
#: Few receipt instants (same day, before the tests' now, 10:00): equal times are common.
INSTANTS = [datetime(2026, 3, 10, h, m, tzinfo=TAIPEI) for h, m in ((8, 0), (8, 0), (9, 30))]


def _take(
    app: App, received: datetime | None = None, pid: str = "A123456789", pay: bool = False
) -> str:
    """An intake; ``pay``: its fee paid at once (the legal time runs from then: a due date)."""
    number = intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id=pid,
            applicant_name="王小明",
            fields={
                "registered_address": "桃園市桃園區縣府路1號",
                "transcript_kind": "現戶",
                "record_detail": "省略記事",
            },
            received_at=received,
        ),
    ).case_number
    if pay:
        _pay(app, number)
    return number


def _pay(app: App, number: str) -> None:
    view = cases.show_case(app, number)
    if view.balance > 0:
        payments.record_payment(app, number, "cash", view.balance)


def _placed(name: str, rows: list[QueueItem], number: str, item: QueueItem | None) -> None:
    """What the queue page's model does with ``move``'s answer."""
    where = move(name, rows, number, item)
    if where.old is not None:
        del rows[where.old]
    if item is not None and where.new is not None:
        rows.insert(where.new, item)


def _write(app: App, step: tuple[str, int]) -> str:
    """One write of the clerk's: an intake at one of INSTANTS, its fee paid, or a supplement
    asked for or received on a case already listed."""
    kind, pick = step
    listed = [r.case_number for r in cases.queue(app, "all", limit=1000)]
    if kind == "intake" or not listed:
        return _take(app, INSTANTS[pick % len(INSTANTS)].astimezone(UTC))
    number = listed[pick % len(listed)]
    status = cases.show_case(app, number).status
    if kind == "pay":
        _pay(app, number)
    elif kind == "supplement" and status in ("received", "payment_due"):
        cases.request_supplement(app, number, "缺少委託書")
    elif status == "supplement_requested":
        cases.record_supplement(app, number, "委託書已補")
    return number


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["intake", "intake", "pay", "pay", "supplement"]), st.integers(0, 50)
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_placing_rows_one_by_one_equals_a_fresh_query(
    make_app: Callable[..., App], tmp_path: Path, steps: list[tuple[str, int]]
) -> None:
    # a database of its own per example: a failing one replays (and shrinks) alike
    data = tmp_path / uuid.uuid4().hex
    app = make_app(Settings(data_dir=data, office_code="H01", device_id="01"))
    try:
        shown = {name: load_queue(app, name, "zh_TW", limit=1000) for name in QUEUES}
        for step in steps:
            number = _write(app, step)
            for name, rows in shown.items():
                member = queue_item(app, name, "zh_TW", number)
                _placed(name, rows, number, member.item)
                assert rows == load_queue(app, name, "zh_TW", limit=1000), name
    finally:
        app.close()


def test_equal_receipt_times_and_due_dates_keep_the_query_order(app: App) -> None:
    """Cases received at the same instant (a batch of paper forms typed in) share their due
    date too: each placed one goes where the query has it among its equals."""
    at = INSTANTS[0].astimezone(UTC)
    rows = {name: load_queue(app, name, "zh_TW") for name in ("today", "due_soon", "all")}
    for pid in ("A123456789", "F131232216", "B120863158", "A123456789", "F131232216"):
        number = _take(app, at, pid, pay=True)
        for name, shown in rows.items():
            _placed(name, shown, number, queue_item(app, name, "zh_TW", number).item)
    for name, shown in rows.items():
        fresh = load_queue(app, name, "zh_TW")
        assert len(fresh) == 5, name
        assert [i.case_number for i in shown] == [i.case_number for i in fresh], name


def test_a_list_read_before_midnight_is_not_placed_into_after_it(app: App, clock: object) -> None:
    """Today's list of yesterday is another list: the row of a case taken after midnight says
    so (its day), instead of going above yesterday's rows."""
    evening = datetime(2026, 3, 10, 23, 50, tzinfo=TAIPEI)
    clock.set(evening)  # type: ignore[attr-defined]
    _take(app, evening.astimezone(UTC) - timedelta(minutes=30))
    before = queue_chunk(app, "today", "zh_TW")
    assert len(before.items) == 1 and before.as_of == evening.date()
    clock.set(evening + timedelta(minutes=20))  # type: ignore[attr-defined]
    number = _take(app)
    member = queue_item(app, "today", "zh_TW", number)
    assert member.item is not None and member.as_of == before.as_of + timedelta(days=1)
    assert [i.case_number for i in load_queue(app, "today", "zh_TW")] == [number]
