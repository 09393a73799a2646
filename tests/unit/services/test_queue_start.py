"""The signed-in window's first list, read before the core opens (services.queue_start), is the
list the core reads (services.queue_rows.queue_chunk of "today"): the same rows in the same
order and labels, equal receipt times, due dates and a calendar imported into the database
included, on either side of the office's midnight; and whenever the core has something to do
first (or the operator may not see cases) it reads nothing and leaves the list to the core."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from factories import new_case
from sqlalchemy import text

from eservice_desktop.config import Settings
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import DEMO_OPERATOR, Action, Operator, Role
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App, open_app
from eservice_desktop.services.queue_rows import queue_chunk
from eservice_desktop.services.queue_start import first_today
from eservice_desktop.storage import calendar_store, cipher, dbkey

MORNING = datetime(2026, 3, 10, 8, 0, tzinfo=TAIPEI)


def _take(app: App, received: datetime, pid: str = "A123456789", pay: bool = False) -> str:
    """A case received at ``received``; ``pay``: its fee paid at once (then it has a due date)."""
    number = new_case(app, applicant_id=pid, received_at=received.astimezone(UTC))
    if pay:
        view = cases.show_case(app, number)
        payments.record_payment(app, number, "cash", view.balance)
    return number


def _both(app: App, lang: str = "zh_TW", limit: int = 500) -> tuple[object, object]:
    raw = first_today(app.settings, app.catalogue, DEMO_OPERATOR, lang, now=app.now(), limit=limit)
    return raw, queue_chunk(app, "today", lang, 0, limit)


def test_the_first_list_equals_the_cores_with_equal_times_and_due_dates(
    app: App, clock: object
) -> None:
    clock.set(MORNING + timedelta(hours=2))  # type: ignore[attr-defined]
    for pid in ("A123456789", "F131232216", "B120863158", "A123456789"):
        _take(app, MORNING, pid, pay=True)  # one instant: the rowid orders them
    _take(app, MORNING + timedelta(minutes=5), "F131232216")  # unpaid: no due date
    _take(app, MORNING - timedelta(days=1))  # yesterday's: not in today's list
    number = _take(app, MORNING + timedelta(minutes=1), pay=True)
    cases.request_supplement(app, number, "缺少委託書")
    for lang in ("zh_TW", "en"):
        raw, core = _both(app, lang)
        assert raw == core, lang
    raw, core = _both(app, limit=3)  # a first screenful shorter than the day: more follow
    assert raw == core
    assert raw is not None and len(raw.items) == 3 and raw.more
    # the instant's four, newest (largest rowid) first, after the later receipts
    full = queue_chunk(app, "today", "zh_TW")
    assert [i.received_key for i in full.items][-4:] == [MORNING.timestamp()] * 4
    assert [i.row_id for i in full.items][-4:] == sorted(i.row_id for i in full.items[-4:])[::-1]


def test_an_imported_calendar_moves_the_due_dates_alike(app: App, clock: object) -> None:
    """A day off imported into the database (a typhoon day) counts in both readings."""
    clock.set(MORNING + timedelta(hours=1))  # type: ignore[attr-defined]
    _take(app, MORNING, pay=True)
    before = queue_chunk(app, "today", "zh_TW").items[0]
    with app.transaction() as s:
        calendar_store.store_days(s, [(date(2026, 3, 10), True, "颱風假")], app.now())
    app.reload_calendar()
    raw, core = _both(app)
    assert raw == core
    assert raw is not None and raw.items[0].days_left != before.days_left


def test_the_first_list_is_the_days_on_either_side_of_midnight(app: App, clock: object) -> None:
    evening = datetime(2026, 3, 10, 23, 59, 59, tzinfo=TAIPEI)
    clock.set(evening)  # type: ignore[attr-defined]
    late = _take(app, evening - timedelta(seconds=30))
    raw, core = _both(app)
    assert raw == core
    assert raw is not None and raw.as_of == date(2026, 3, 10)
    assert [i.case_number for i in raw.items] == [late]
    clock.set(evening + timedelta(seconds=2))  # type: ignore[attr-defined]
    first = _take(app, evening + timedelta(seconds=1))
    raw, core = _both(app)
    assert raw == core
    assert raw is not None and raw.as_of == date(2026, 3, 11)
    assert [i.case_number for i in raw.items] == [first]


def test_the_first_list_is_the_day_of_the_counters_clock_not_the_pcs(
    app: App, clock: object
) -> None:
    """The PC's clock 8 hours ahead of the county's, the offset learned by a round: the core's
    today is the county's; the first list took the PC's, and a clerk signing in after 16:00 saw
    tomorrow's list, empty, until the day watch read it again minutes later."""
    from eservice_desktop.services.sync.clock import install_clock_correction
    from eservice_desktop.services.sync.state import set_state

    afternoon = datetime(2026, 3, 10, 16, 30, tzinfo=TAIPEI)
    clock.set(afternoon + timedelta(hours=8))  # type: ignore[attr-defined]  # the PC's clock
    with app.transaction() as s:
        set_state(s, "clock_offset_s", "-28800.000", afternoon)
    install_clock_correction(app)
    assert app.now() == afternoon
    number = _take(app, afternoon - timedelta(minutes=5))
    pc_now = afternoon + timedelta(hours=8)
    raw = first_today(app.settings, app.catalogue, DEMO_OPERATOR, "zh_TW", now=pc_now)
    assert raw is not None and raw.as_of == date(2026, 3, 10)
    assert [i.case_number for i in raw.items] == [number]
    assert raw == queue_chunk(app, "today", "zh_TW", 0, 500)


def test_nothing_is_read_for_an_operator_who_may_not_see_cases(app: App) -> None:
    _take(app, app.now())
    it = Operator(account="it01", name="資訊", roles=frozenset({Role.IT}))
    assert not it.can(Action.VIEW_CASE)
    for operator in (None, it):
        assert first_today(app.settings, app.catalogue, operator, "zh_TW") is None


def test_the_core_reads_when_the_schema_is_not_this_builds(app: App) -> None:
    _take(app, app.now())
    assert first_today(app.settings, app.catalogue, DEMO_OPERATOR, "zh_TW") is not None
    with app.transaction() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    assert first_today(app.settings, app.catalogue, DEMO_OPERATOR, "zh_TW") is None


def test_the_core_reads_without_the_key_or_with_a_wrong_one(app: App) -> None:
    settings = app.settings
    key_file = dbkey.key_dir(settings) / dbkey.KEY_FILE
    good = key_file.read_text(encoding="ascii")
    try:
        key_file.unlink()
        assert first_today(settings, app.catalogue, DEMO_OPERATOR, "zh_TW") is None
        key_file.write_text(dbkey.new_key().hex() + "\n", encoding="ascii")
        assert first_today(settings, app.catalogue, DEMO_OPERATOR, "zh_TW") is None
    finally:
        key_file.write_text(good, encoding="ascii")
    assert first_today(settings, app.catalogue, DEMO_OPERATOR, "zh_TW") is not None


def test_the_core_reads_a_new_or_a_plain_database(app: App, tmp_path: Path) -> None:
    fresh = replace(app.settings, data_dir=tmp_path / "new")
    assert first_today(fresh, app.catalogue, DEMO_OPERATOR, "zh_TW") is None
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    plain = replace(app.settings, data_dir=plain_dir)
    conn = sqlite3.connect(plain.db_path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert cipher.is_plain(plain.db_path)
    assert first_today(plain, app.catalogue, DEMO_OPERATOR, "zh_TW") is None


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_an_empty_day_is_an_empty_list(app: App, lang: str) -> None:
    raw, core = _both(app, lang)
    assert raw == core
    assert raw is not None and raw.items == [] and not raw.more


def test_what_the_first_list_read_opens_the_core_without_reading_it_again(
    app: App, clock: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and the calendar the first list read (an imported day off included) are handed
    to the core's opening, which follows on the same writer: its calendar is that one, and its
    list is the first list. With a schema that is not this build's nothing is handed."""
    clock.set(MORNING + timedelta(hours=1))  # type: ignore[attr-defined]
    _take(app, MORNING, pay=True)
    with app.transaction() as s:
        calendar_store.store_days(s, [(date(2026, 3, 10), True, "颱風假")], app.now())
    app.reload_calendar()
    handed: dict[str, object] = {}
    raw = first_today(
        app.settings, app.catalogue, DEMO_OPERATOR, "zh_TW", now=app.now(), handed=handed
    )
    assert handed["key"] == app.db_key and handed["calendar"] == app.calendar
    # (a calendar's equality leaves notes out: the imported day's is compared on its own)
    assert handed["calendar"].note(date(2026, 3, 10)) == "颱風假"  # type: ignore[attr-defined]

    def unread(*_args: object) -> bytes:
        raise AssertionError("the key was read again")

    with monkeypatch.context() as m:  # only the handed key can open it
        m.setattr(dbkey, "read_key", unread)
        core = open_app(
            app.settings,
            clock=app.clock,
            catalogue=app.catalogue,
            key=handed["key"],  # type: ignore[arg-type]
            calendar=handed["calendar"],  # type: ignore[arg-type]
        )
    try:
        assert core.calendar is handed["calendar"] and core.db_key == app.db_key
        core.operator = app.operator
        assert queue_chunk(core, "today", "zh_TW", 0, 500) == raw
    finally:
        core.close()
    with app.transaction() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    handed.clear()
    assert first_today(app.settings, app.catalogue, DEMO_OPERATOR, "zh_TW", handed=handed) is None
    assert handed == {}


def test_a_calendar_handed_to_an_opening_that_upgrades_is_read_again(tmp_path: Path) -> None:
    """A database of an earlier revision is upgraded by the opening: a calendar read before it
    (a handed one) may not be what the upgraded database holds, so the core reads its own."""
    fixtures = Path(__file__).parents[2] / "data" / "migrations"
    settings = Settings(data_dir=tmp_path)
    shutil.copy(sorted(fixtures.glob("*.sqlite3"))[-2], settings.db_path)  # before the head
    conn = sqlite3.connect(settings.db_path)
    with conn:
        conn.execute("INSERT INTO calendar_days VALUES ('2026-03-10', 1, '颱風假')")
    conn.close()
    handed = WorkingCalendar({})
    core = open_app(settings, calendar=handed)
    try:
        assert core.calendar is not handed
        assert core.calendar.is_day_off(date(2026, 3, 10))
        assert core.calendar.note(date(2026, 3, 10)) == "颱風假"
    finally:
        core.close()


def test_a_supplement_day_shows_in_the_due_column_and_is_marked_once_passed(
    app: App, clock: object
) -> None:
    """A case awaiting a supplement showed "—" in every list: none said the citizen was late
    to bring the documents. The first list and the core's say the day, then that it passed."""
    clock.set(MORNING + timedelta(hours=2))  # type: ignore[attr-defined]
    number = _take(app, MORNING, pay=True)
    day = app.calendar.working_day_on_or_after(MORNING.date() + timedelta(days=1))
    cases.request_supplement(app, number, "缺少委託書", supply_by=day)
    roc = f"{day.year - 1911}/{day.month:02d}/{day.day:02d}"
    raw, core = _both(app)
    assert raw == core
    assert [i.due_text for i in core.items if i.case_number == number] == [f"補件 {roc}"]  # type: ignore[attr-defined]
    [waiting] = [i for i in queue_chunk(app, "supplement", "en").items if i.case_number == number]
    assert waiting.due_text == f"supply by {day.isoformat()}"
    clock.set(datetime.combine(day + timedelta(days=1), MORNING.timetz()))  # type: ignore[attr-defined]
    [late] = queue_chunk(app, "supplement", "zh_TW").items
    assert late.due_text == f"補件逾期 {roc}"
