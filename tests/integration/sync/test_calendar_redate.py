"""A day off the county publishes after the cases were written re-dates them at the county, in the
publishing transaction (county.case_facts.redate_facts), and at the office on its next pull
(services.calendar.redate_cases, called by the sync round when the pulled calendar changed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import report_support as mix
from sqlalchemy import text
from sync_helpers import CountyServer, county_cli, enrol, sync_now

from eservice_desktop.county.store import make_engine
from eservice_desktop.services import supervisor_reports as reports
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many

TPE = timezone(timedelta(hours=8))


def county_due(county: CountyServer) -> object:
    """The due date of the county's only case fact."""
    engine = make_engine(county.db_url)
    try:
        with engine.connect() as c:
            return c.execute(text("SELECT due_date FROM county_case_facts")).scalar_one()
    finally:
        engine.dispose()


def test_a_typhoon_day_pulled_from_the_county_moves_an_open_case_due_that_day(
    county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """Received Tue 2026-03-10 09:00 with a 1-day limit: due that day; the county then declares
    it a typhoon day: due Wed 03-11, so not overdue on Wed."""
    app = office()
    enrol(app, county)
    case = mix._Case("H01", 1, "HR-TRANSCRIPT", 1)
    case.received(datetime(2026, 3, 10, 9, 0, tzinfo=TPE).astimezone(UTC), "counter")
    with app.transaction() as s:
        assert not ingest_many(app, s, case.events).refused
    sync_now(app)

    def due() -> object:
        with app.reading() as s:
            return s.execute(text("SELECT due_date FROM cases")).scalar_one()

    assert str(due()) == "2026-03-10"
    assert str(county_due(county)) == "2026-03-10"
    csv = tmp_path / "2026.csv"  # the year the county publishes
    csv.write_text("西元日期,星期,是否放假,備註\n20260310,二,2,颱風停止上班\n", encoding="utf-8")
    county_cli("publish", "--db", county.db_url, "calendar", str(csv))
    assert str(county_due(county)) == "2026-03-11"  # before any office pulls it
    sync_now(app)
    assert not app.calendar.is_working_day(date(2026, 3, 10))
    assert str(due()) == "2026-03-11"
    app.clock.now = datetime(2026, 3, 11, 8, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    r = reports.on_time(app, date(2026, 3, 1), date(2026, 3, 31))
    assert (r.totals["open"], r.totals["overdue"]) == (1, 0)


def test_a_calendar_saved_by_excel_in_big5_is_published_as_the_office_imports_it(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """The DGPA calendar saved by Excel on a zh-TW Windows is Big5 (cp950): the office's own
    ``calendar import`` reads it, while ``publish calendar`` refused the same file as
    「不是 UTF-8 文字」. Published now, its day off reaches the office by the next pull."""
    app = office()
    enrol(app, sqlite_county)
    big5 = tmp_path / "2028.csv"
    big5.write_bytes(
        "西元日期,星期,是否放假,備註\n20280103,一,2,颱風停班\n20280104,二,0,\n".encode("cp950")
    )
    county_cli("publish", "calendar", str(big5), "--year", "2028", "--db", sqlite_county.db_url)
    sync_now(app)
    assert not app.calendar.is_working_day(date(2028, 1, 3))
    assert app.calendar.is_working_day(date(2028, 1, 4))


def test_a_calendar_imported_by_it_reaches_the_window_left_open(
    county: CountyServer, office: Callable[..., App], make_app: Callable[..., App], tmp_path: Path
) -> None:
    """The window and IT's ``calendar import`` are two processes over one database: the
    window kept the calendar it read at start, so a case taken in there after IT imported a
    typhoon day (Tue 2026-03-10) was due that very day, and showed overdue the next morning,
    until the window was restarted. The window's next sync round reads the calendar again."""
    from factories import new_case

    from eservice_desktop.services import calendar, cases, payments, sync

    window = office(url=county.url)
    enrol(window, county)
    it = make_app(window.settings)  # the same data directory: another process
    csv = tmp_path / "typhoon.csv"
    csv.write_text("西元日期,星期,是否放假,備註\n20260310,二,2,颱風停止上班\n", encoding="utf-8")
    calendar.import_calendar(it, csv)
    sync.run_round(window)  # the window's loop, every few seconds
    assert not window.calendar.is_working_day(date(2026, 3, 10))
    number = new_case(window)  # 2026-03-10 10:00 Taipei, a 1-day limit
    payments.record_payment(window, number, "cash", 15, tendered=15)
    view = cases.show_case(window, number)
    assert view.due == "2026-03-11" and view.deadline_status != "overdue"
    with window.reading() as s:
        due = s.execute(text("SELECT due_date FROM cases")).scalar_one()
    assert str(due) == "2026-03-11"  # the date the queue and the on-time report read


def test_a_catalogue_the_sync_service_pulled_reaches_the_window_left_open(
    county: CountyServer, office: Callable[..., App], make_app: Callable[..., App], tmp_path: Path
) -> None:
    """The county publishes a new fee (the new year's, say) while the windows are open: the
    sync service, another process, pulls it first, and the window's own pull finds nothing
    new (one cursor), so the window went on assessing the old NT$15 until restarted."""
    import json

    from factories import new_case

    from eservice_desktop.services import cases, sync
    from eservice_desktop.storage import resources

    window = office(url=county.url)
    enrol(window, county)
    service = make_app(window.settings)  # `sync run`: the same data directory
    doc = resources.read_json("catalogue", "services.json")
    for item in next(s for s in doc["services"] if s["code"] == "HR-TRANSCRIPT")["fee_items"]:
        item["unit_price"] = 20
    path = tmp_path / "services-2027.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    county_cli("publish", "catalogue", str(path), "--db", county.db_url)
    sync.run_round(service)
    assert service.catalogue.service("HR-TRANSCRIPT").fee_items[0].unit_price == 20
    sync.run_round(window)  # its loop's next round: the pull brings nothing new
    assert cases.show_case(window, new_case(window)).fees_due == 20
