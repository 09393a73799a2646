"""A calendar import killed after its days were stored and before the cases were re-dated (a
power cut, ``kill -9``): the re-dating is still done, by the next import or sync round."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import report_support as mix
from kill_support import kill_when_there
from sqlalchemy import text
from sync_helpers import ROOT, CountyServer, enrol, sync_now

from eservice_desktop.services import calendar
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many

TPE = timezone(timedelta(hours=8))
TYPHOON = "西元日期,星期,是否放假,備註\n20260310,二,2,颱風停止上班\n"

#: ``calendar import`` in a process of its own that says ``there`` and waits once the days are
#: stored, before the cases are re-dated, until it is killed.
IMPORTER = textwrap.dedent(
    """
    import sys, time
    from eservice_desktop.services import calendar
    from eservice_desktop.cli.main import main

    def redate_cases(*args, **kwargs):
        print("there", flush=True)
        time.sleep(600)

    calendar.redate_cases = redate_cases
    sys.exit(main(sys.argv[1:]))
    """
)


def _case_due_on_the_day(app: App) -> None:
    """Received Tue 2026-03-10 09:00 with a 1-day limit: due that day."""
    case = mix._Case("H01", 1, "HR-TRANSCRIPT", 1)
    case.received(datetime(2026, 3, 10, 9, 0, tzinfo=TPE).astimezone(UTC), "counter")
    with app.transaction() as s:
        assert not ingest_many(app, s, case.events).refused


def _due(app: App) -> str:
    with app.reading() as s:
        return str(s.execute(text("SELECT due_date FROM cases")).scalar_one())


def _killed_import(app: App, csv: Path) -> None:
    data = app.settings.data_dir
    app.close()
    kill_when_there(
        [sys.executable, "-c", IMPORTER, "--data-dir", str(data), "calendar", "import", str(csv)],
        {**os.environ, "ESERVICE_DEMO": "1", "PYTHONPATH": str(ROOT)},
        ROOT,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_calendar_import_killed_before_the_re_dating_is_re_dated_by_the_next_import(
    office: Callable[..., App], tmp_path: Path
) -> None:
    """The typhoon day was stored and the case kept its due date on that day, shown overdue;
    importing the same file again changed no day, so nothing re-dated it ever."""
    app = office()
    _case_due_on_the_day(app)
    assert _due(app) == "2026-03-10"
    csv = tmp_path / "2026.csv"
    csv.write_text(TYPHOON, encoding="utf-8")
    _killed_import(app, csv)

    again = office()  # the counter started again
    assert not again.calendar.is_working_day(date(2026, 3, 10))  # the days were stored
    assert _due(again) == "2026-03-10"
    calendar.import_calendar(again, csv)  # the same file again, as the clerk would
    assert _due(again) == "2026-03-11"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_calendar_import_killed_before_the_re_dating_is_re_dated_by_the_next_round(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """A counter that syncs needs no second import: its next round re-dates the cases."""
    app = office(url=sqlite_county.url)
    enrol(app, sqlite_county)
    _case_due_on_the_day(app)
    sync_now(app)
    csv = tmp_path / "2026.csv"
    csv.write_text(TYPHOON, encoding="utf-8")
    _killed_import(app, csv)

    again = office(url=sqlite_county.url)
    assert _due(again) == "2026-03-10"
    sync_now(again)
    assert _due(again) == "2026-03-11"
