"""A fee assessed and left unpaid waited in the lists for ever: the due column said "—" (the
legal clock is paused while a fee is due) and nothing told the counter the citizen had not come
back to pay. Past ``payment_due_days`` working days the due column of every list says
待繳逾 N 工作天, the window's first list (services.queue_start) reading the wait's start as the
core does; the case view says it too; an allowance of 0 marks nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from test_queue_start import MORNING, _both, _take

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.queue_rows import queue_chunk
from eservice_desktop.services.queue_start import TODAY_SQL, _connect, _row


def _due_texts(app: App, lang: str = "zh_TW") -> dict[str, str]:
    return {i.case_number: i.due_text for i in queue_chunk(app, "open", lang).items}


def test_both_builders_read_when_the_wait_began(app: App, clock: object) -> None:
    clock.set(MORNING + timedelta(hours=2))  # type: ignore[attr-defined]
    unpaid = _take(app, MORNING)
    paid = _take(app, MORNING + timedelta(minutes=1), "F131232216", pay=True)
    opened = _connect(app.settings)
    assert opened is not None
    try:
        found = opened[0].execute(TODAY_SQL, ("H01", "2026-03-10", 10)).fetchall()
    finally:
        opened[0].close()
    first = [_row(r, app.calendar) for r in found]
    assert first == cases.queue_page(app, "today").rows
    since = {r.case_number: r.payment_since for r in first}
    assert since == {unpaid: date(2026, 3, 10), paid: None}
    raw, core = _both(app)
    assert raw == core


def test_a_fee_unpaid_past_the_allowance_is_marked(app: App, clock: object) -> None:
    clock.set(MORNING + timedelta(hours=2))  # type: ignore[attr-defined]
    unpaid = _take(app, MORNING)  # Tuesday 3/10: the wait begins (that day does not count)
    paid = _take(app, MORNING, "F131232216", pay=True)
    assert app.settings.payment_due_days == 5
    clock.set(datetime(2026, 3, 17, 10, 0, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    assert _due_texts(app)[unpaid] == "—"  # 5 working days: within the allowance
    assert cases.show_case(app, unpaid).payment_overdue is False
    clock.set(datetime(2026, 3, 18, 10, 0, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    shown = _due_texts(app)
    assert shown[unpaid] == "待繳逾 6 工作天"
    assert not shown[paid].startswith("待繳")
    assert _due_texts(app, "en")[unpaid] == "fee unpaid 6 working days"
    view = cases.show_case(app, unpaid)
    assert (view.payment_waited_days, view.payment_overdue) == (6, True)
    assert view.payment_since is not None
    assert datetime.fromisoformat(view.payment_since).astimezone(TAIPEI).date() == date(2026, 3, 10)
    assert cases.show_case(app, paid).payment_since is None
    app.settings.payment_due_days = 0  # the office marks none
    assert _due_texts(app)[unpaid] == "—"
    assert cases.show_case(app, unpaid).payment_overdue is False
