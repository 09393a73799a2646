"""The supervisor reports over a known case mix (tests/report_support.py): every figure."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import report_support as mix
from openpyxl import load_workbook

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain import supervisor as sv
from eservice_desktop.domain.report_model import Report
from eservice_desktop.services import supervisor_reports as reports
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many

F, T = mix.PERIOD


@pytest.fixture
def loaded(app: App, clock: object) -> App:
    clock.now = mix.NOW  # type: ignore[attr-defined]
    events = mix.case_mix()
    local = [e for e in events if e.office == "H01"]
    pulled = [e for e in events if e.office != "H01"]
    with app.transaction() as s:
        report = ingest_many(app, s, local)
        assert not report.refused, report.refused
        report = ingest_many(app, s, pulled, origin="county")
        assert not report.refused, report.refused
        reports.store_targets(s, "H01", mix.TARGETS, mix.NOW)
    return app


def _rows(report: Report, title: str, key: int) -> dict[object, tuple[object, ...]]:
    return {row[key]: tuple(row) for row in report.table(title).rows}


def test_on_time_every_figure(loaded: App) -> None:
    r = reports.on_time(loaded, F, T)
    # appendix 11's title: the system's cases, the counter's too ("線上申辦案件" read as
    # the online applications alone, which the figures are not)
    assert r.title.startswith("線上申辦整合系統案件辦理情形")
    total = (r.totals[k] for k in ("received", "finished", "on_time", "late", "rate_pct"))
    assert tuple(total) == mix.ON_TIME_TOTAL[:5]
    assert (r.totals["open"], r.totals["overdue"]) == mix.ON_TIME_TOTAL[5:]
    depts = _rows(r, sv.T_DEPARTMENTS, 0)
    assert depts.pop("合計 Total")[1:] == mix.ON_TIME_TOTAL
    assert {k: v[1:] for k, v in depts.items()} == mix.ON_TIME_BY_DEPARTMENT
    services = _rows(r, sv.T_SERVICES, 1)
    assert {k: v[3:] for k, v in services.items()} == mix.ON_TIME_BY_SERVICE
    (overdue,) = r.table(sv.T_OVERDUE).rows
    number, due, days, holder, since = mix.OVERDUE
    assert str(overdue[0]).startswith(number)
    # the status as people read it, not its code ("received")
    assert overdue[1:] == (
        "地政事務所",
        "人工登記簿謄本申請",
        due,
        days,
        holder,
        since,
        "收件 Received",
    )
    rate_chart, overdue_chart = r.charts
    assert dict(zip(rate_chart.categories, rate_chart.series[0][1], strict=True)) == (
        mix.RATE_BY_MONTH
    )
    assert dict(zip(overdue_chart.categories, overdue_chart.series[0][1], strict=True)) == {
        name: float(v[6]) for name, v in mix.ON_TIME_BY_DEPARTMENT.items()
    }


def test_on_time_of_a_period_still_running_counts_overdue_as_of_today(
    loaded: App, clock: object
) -> None:
    """c10 (due 04-30) is not overdue on 04-30 but is on 05-01, when the period runs on."""
    from datetime import date

    assert reports.on_time(loaded, F, date(2026, 5, 31)).totals["overdue"] == 2
    assert reports.on_time(loaded, F, T).totals["overdue"] == 1


def test_overdue_days_are_the_working_days_the_queue_counts(loaded: App) -> None:
    """The time limit is counted in working days: the overdue list says a case is as many
    working days late as the queue and the case detail (-working_days_left), where it counted
    calendar days (c9, due 04-01, seen on Sunday 05-10: 39 days, the queue's 24 working days)."""
    from eservice_desktop.services.cases import show_case

    r = reports.on_time(loaded, F, date(2026, 5, 31))
    rows = {str(row[0])[:17]: row for row in r.table(sv.T_OVERDUE).rows}
    row = rows[mix.OVERDUE[0]]
    view = show_case(loaded, str(row[0]))
    assert view.working_days_left is not None and view.working_days_left < 0
    assert row[4] == -view.working_days_left == 24
    assert r.table(sv.T_OVERDUE).columns[4] == "逾期工作天 Working days overdue"


def test_usage_every_figure(loaded: App) -> None:
    r = reports.usage(loaded, F, T)
    assert {k: r.totals[k] for k in mix.USAGE_TOTAL} == mix.USAGE_TOTAL
    assert r.totals["online_share_pct"] == 41.67
    months = _rows(r, sv.T_USAGE_MONTHS, 0)
    assert {k: v[1:] for k, v in months.items()} == mix.USAGE_BY_MONTH
    # the period's total first: the screen and the PDF had none, only the exports' summary
    total, *rows = r.table(sv.T_USAGE_SERVICES).rows
    assert total == ("合計 Total", "", "", 12, 7, 3, 2, 5, 41.67)
    services = {row[1]: row for row in rows}
    assert {k: v[3:] for k, v in services.items()} == mix.USAGE_BY_SERVICE
    pie, bars = r.charts
    assert pie.kind == "pie" and pie.series[0][1] == (7.0, 3.0, 2.0)
    assert bars.categories == ("2026-03", "2026-04")
    assert [s[1] for s in bars.series] == [(3.0, 4.0), (3.0, 0.0), (2.0, 0.0)]


def test_usage_channel_headings_are_capitalised_as_online_is(loaded: App) -> None:
    """The channel columns read 臨櫃 Counter / 網路 Web / 超商 Kiosk beside 線上 Online, not the
    lowercase codes (counter / web / kiosk) the English page and the exports showed."""
    r = reports.usage(loaded, F, T)
    table = next(t for t in r.tables if t.title == sv.T_USAGE_MONTHS)
    assert table.columns[2:6] == ("臨櫃 Counter", "網路 Web", "超商 Kiosk", "線上 Online")
    assert r.charts[0].categories == ("臨櫃 Counter", "網路 Web", "超商 Kiosk")


@pytest.mark.parametrize(
    ("start", "end", "want"),
    [
        # no whole month: every day from case_stats (c4..c8, c9, c11)
        ("2026-03-05", "2026-04-08", {"cases": 7, "counter": 4, "web": 2, "kiosk": 1}),
        # two days before the whole months (c13 on 02-27) and two after
        ("2026-02-27", "2026-05-02", {"cases": 13, "counter": 8, "web": 3, "kiosk": 2}),
        ("2026-03-02", "2026-03-02", {"cases": 1, "counter": 1, "web": 0, "kiosk": 0}),
    ],
)
def test_periods_that_cut_months(loaded: App, start: str, end: str, want: dict[str, int]) -> None:
    from datetime import date

    r = reports.usage(loaded, date.fromisoformat(start), date.fromisoformat(end))
    assert {k: r.totals[k] for k in want} == want


def test_savings_every_figure_recomputed_from_the_seed_units(loaded: App) -> None:
    r = reports.savings(loaded, F, T)
    want = mix.savings_total()
    assert {k: r.totals[k] for k in want} == want == {
        "cases": 4, "ntd": 160, "minutes": 240, "sheets": 8
    }  # fmt: skip
    assert (r.totals["hours"], r.totals["days"]) == (4, 0)
    rows = r.table(sv.T_SAVINGS).rows
    # per service and document: cases, unit and product of fee, minutes, sheets
    assert [(row[1], row[3], *row[4:]) for row in rows] == [
        ("ED-CRAM-SCHOOL-REGISTER", "個人戶籍謄本", 2, 20, 40, 20, 40, 1, 2),
        ("ED-CRAM-SCHOOL-REGISTER", "土地登記簿謄本", 2, 20, 40, 20, 40, 1, 2),
        ("ED-CRAM-SCHOOL-REGISTER", "建物登記簿謄本", 2, 20, 40, 20, 40, 1, 2),
        ("UR-ZONING-CERT", "土地登記簿謄本", 2, 20, 40, 60, 120, 1, 2),
    ]
    assert sum(int(row[6]) for row in rows) == want["ntd"]  # type: ignore[call-overload]
    assert sum(int(row[8]) for row in rows) == want["minutes"]  # type: ignore[call-overload]
    assert sum(int(row[10]) for row in rows) == want["sheets"]  # type: ignore[call-overload]


def test_targets_every_figure_with_appendix_18_scores(loaded: App) -> None:
    r = reports.targets(loaded, F, T)
    scores = {(row[0], row[1]): tuple(row[2:]) for row in r.table(sv.T_SCORES).rows}
    assert scores == mix.TARGET_SCORES
    months = {(row[0], row[1], row[2]): tuple(row[3:]) for row in r.table(sv.T_TARGETS).rows}
    assert months == {
        (mix.HOUSEHOLD, "cases", "2026-03"): (3, 3, 100.0, 3, 3, 100.0, ""),
        (mix.HOUSEHOLD, "cases", "2026-04"): (2, 1, 50.0, 5, 4, 80.0, "需召開檢討會 Review"),
        (mix.HOUSEHOLD, "online", "2026-03"): (4, 2, 50.0, 4, 2, 50.0, "需召開檢討會 Review"),
        (mix.LAND, "cases", "2026-04"): (2, 2, 100.0, 2, 2, 100.0, ""),
    }
    assert dict(r.totals) == {
        "departments": 3, "target": 11, "actual": 8, "review_months": mix.REVIEW_MONTHS,
        # each metric on its own ("target" adds cases and online cases up)
        "cases_target": 7, "cases_actual": 6, "online_target": 4, "online_actual": 2,
    }  # fmt: skip


def test_targets_judge_only_whole_months_that_are_over(loaded: App) -> None:
    """Today is 2026-05-10. May's target (land, 9 cases) is a whole month's: judged on its
    tenth day it read 100 % behind, called a review meeting and sank land's scores; so did
    every month still to come in a year-to-date report, and the month-to-date report the page
    opens with. A month the period cuts or that is not over is listed with its cases so far
    and left out of the sums, the lags, the review count and the scores."""
    whole = reports.targets(loaded, F, T)
    longer = reports.targets(loaded, F, date(2026, 6, 30))
    rows = {(row[0], row[1], row[2]): tuple(row[3:]) for row in longer.table(sv.T_TARGETS).rows}
    land_may = (9, 0, 0.0, None, None, None, sv.PARTIAL_MONTH)
    assert rows[(mix.LAND, "cases", "2026-05")] == land_may
    assert longer.table(sv.T_SCORES).rows == whole.table(sv.T_SCORES).rows
    assert dict(longer.totals) == dict(whole.totals)
    to_date = reports.targets(loaded, date(2026, 5, 1), date(2026, 5, 10))
    assert [row[2:] for row in to_date.table(sv.T_TARGETS).rows] == [("2026-05", *land_may)]
    assert to_date.table(sv.T_SCORES).rows == () and to_date.totals["review_months"] == 0
    cut = reports.targets(loaded, date(2026, 3, 15), T)  # March's first half left out
    march = [row for row in cut.table(sv.T_TARGETS).rows if row[2] == "2026-03"]
    assert len(march) == 2 and all(row[-1] == sv.PARTIAL_MONTH for row in march)


def test_appendix_18_bands() -> None:
    assert sv.result_score(0) == 100
    assert sv.result_score(3.0) == 80 and sv.result_score(0.05) == 99
    assert sv.result_score(5.0) == 60 and sv.result_score(10.0) == 40
    assert sv.result_score(100.0) == 1
    # behind 10 % and 12 % two months running (then caught up): the 5-15 % band, halfway
    assert sv.progress_score([10.0, 12.0, 0.0], [10.0, 11.0, 5.0]) == 70
    # behind 30 % one month only, on track the next: never two months in a row
    assert sv.progress_score([30.0, 0.0], [30.0, 0.0]) == 100
    assert sv.sustained_lag([]) == 0.0


def test_a_bad_target_refuses_the_whole_set(loaded: App) -> None:
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services.supervisor_reports import store_targets

    bad = [*mix.TARGETS, {**mix.TARGETS[0], "month": "2026-13"}]
    with pytest.raises(DomainError) as info, loaded.transaction() as s:
        store_targets(s, "H01", bad, mix.NOW)
    assert info.value.code == "target.month"
    assert reports.targets(loaded, F, T).totals["departments"] == 3  # the old set stays


# ---------------------------------------------------------------------------------------------
# The command line and the files
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def run(
    loaded: App, settings: Settings, capsys: pytest.CaptureFixture[str], db_key_dir: Path
) -> Callable[..., tuple[int, str, str]]:
    loaded.close()
    import shutil

    from eservice_desktop.storage import dbkey

    keys = settings.data_dir / "keys"
    keys.mkdir(exist_ok=True)
    shutil.copy(db_key_dir / dbkey.KEY_FILE, keys / dbkey.KEY_FILE)

    def call(*argv: str, lang: str = "en") -> tuple[int, str, str]:
        try:
            rc = main(["--data-dir", str(settings.data_dir), "--office", "H01", "--device", "01",
                       "--lang", lang, *argv])  # fmt: skip
        except SystemExit as e:
            rc = int(e.code or 0)
        out = capsys.readouterr()
        return rc, out.out, out.err

    return call


def test_cli_savings_json_keeps_its_total_shape(run: Callable[..., tuple[int, str, str]]) -> None:
    rc, out, _ = run("report", "savings", "--from", "2026-03-01", "--to", "2026-04-30", "--json")
    assert rc == 0
    data = json.loads(out)
    want = mix.savings_total()
    assert {k: data["total"][k] for k in ("ntd", "minutes", "sheets")} == {
        k: want[k] for k in ("ntd", "minutes", "sheets")
    }
    assert data["kind"] == "savings" and data["office"] == "H01"


def test_cli_exports_csv_with_bom_and_xlsx(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    out_csv, out_xlsx = tmp_path / "on-time.csv", tmp_path / "on-time.xlsx"
    rc, out, _ = run("report", "on-time", "--from", "2026-03-01", "--to", "2026-04-30",
                     "--csv", str(out_csv), "--xlsx", str(out_xlsx), lang="zh_TW")  # fmt: skip
    assert rc == 0 and "依限 7（77.78%）" in out
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # the on-time report names clerks: owner-only, and the command says so
    assert out_csv.stat().st_mode & 0o777 == 0o600 and "0600" in out
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    total = next(r for r in rows if r and r[0] == "合計 Total")
    assert total[1:] == ["12", "9", "7", "2", "77.78", "2", "1"]
    wb = load_workbook(out_xlsx)
    ws = wb[sv.T_DEPARTMENTS[:31]]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1] == ["合計 Total", 12, 9, 7, 2, 77.78, 2, 1]
    land = next(v for v in values if v[0] == mix.LAND)
    assert land == [mix.LAND, 2, 0, 0, 0, None, 2, 1]


def test_a_rate_over_nothing_finished_is_shown_empty_as_its_table_shows_it(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """A day of one open case (c10, 04-30): the 合計 row leaves its rate empty, and the same
    file's summary, the command's line and the county's page said 0.0 %, a day of open cases
    read as a day of late ones. ``--json`` keeps its number."""
    from eservice_desktop.county.reports import report_html

    out_csv, out_xlsx = tmp_path / "day.csv", tmp_path / "day.xlsx"
    rc, out, _ = run("report", "on-time", "--from", "2026-04-30", "--to", "2026-04-30",
                     "--csv", str(out_csv), "--xlsx", str(out_xlsx), lang="zh_TW")  # fmt: skip
    assert rc == 0 and "收件 1，辦結 0，依限 0，逾期未結 0" in out and "%" not in out
    rows = list(csv.reader(io.StringIO(out_csv.read_text("utf-8-sig"))))
    assert ["合計 依限辦結率% Rate", ""] in rows
    assert next(r for r in rows if r and r[0] == "合計 Total")[5] == ""
    summary = [[c.value for c in row] for row in load_workbook(out_xlsx).worksheets[0].iter_rows()]
    assert ["合計 依限辦結率% Rate", None] in summary
    rc, out, _ = run("report", "on-time", "--from", "2026-04-30", "--to", "2026-04-30", "--json")
    assert json.loads(out)["total"]["rate_pct"] == 0.0  # the promise of --json
    rc, out, _ = run("report", "usage", "--from", "2026-02-01", "--to", "2026-02-02")
    assert rc == 0 and "0 cases, online 0" in out and "%" not in out
    day = date(2026, 4, 30)
    county = Report("on-time", "依限辦結", day, day, "*", (), (), {"finished": 0, "rate_pct": 0.0})
    assert "<li>依限辦結率% Rate：—</li>" in report_html(county)


def test_cli_on_time_file_refused_in_the_data_directory_counts_written_there(
    run: Callable[..., tuple[int, str, str]], settings: Settings
) -> None:
    inside = settings.data_dir / "on-time.csv"
    rc, out, err = run("report", "on-time", "--from", "2026-03-01", "--to", "2026-04-30",
                       "--csv", str(inside))  # fmt: skip
    assert rc == 2 and "data directory" in err and not inside.exists()
    usage = settings.data_dir / "usage.xlsx"
    rc, out, _ = run("report", "usage", "--from", "2026-03-01", "--to", "2026-04-30",
                     "--xlsx", str(usage))  # fmt: skip
    assert rc == 0 and usage.exists() and "0600" not in out


@pytest.mark.parametrize(
    ("start", "end", "needle"),
    [
        ("2026-04-30", "2026-03-01", "ends"),
        ("2026-3-1x", "2026-04-30", "YYYY-MM-DD"),
        ("2026-02-30", "2026-04-30", "YYYY-MM-DD"),
        ("1999-12-31", "2026-04-30", "2000"),
        ("2020-01-01", "2026-04-30", "five years"),
    ],
)
def test_cli_bad_periods_exit_2_with_one_line(
    run: Callable[..., tuple[int, str, str]], start: str, end: str, needle: str
) -> None:
    for kind in ("on-time", "usage", "savings", "targets"):
        rc, out, err = run("report", kind, "--from", start, "--to", end)
        assert rc == 2 and out == "" and needle in err and len(err.strip().splitlines()) == 1
    rc, _, err = run("report", "usage", "--from", start, "--to", end, lang="zh_TW")
    assert rc == 2 and any("\u4e00" <= ch <= "\u9fff" for ch in err)


# ---------------------------------------------------------------------------------------------
# case_stats: its writers (storage/case_stats.py) keep it equal to the cases it counts
# ---------------------------------------------------------------------------------------------

_FROM_CASES = (
    "SELECT office, received_day, service_code, channel, status, consent, "
    "coalesce(closed_on_time, -1), count(*) FROM cases GROUP BY 1, 2, 3, 4, 5, 6, 7"
)
_FROM_STATS = (
    "SELECT office, received_day, service_code, channel, status, consent, on_time, n "
    "FROM case_stats WHERE n != 0"
)


_MONTHS_FROM_STATS = (
    "SELECT office, substr(received_day, 1, 7), service_code, channel, status, consent, "
    "on_time, sum(n) FROM case_stats GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) != 0"
)
_FROM_MONTHS = (
    "SELECT office, month, service_code, channel, status, consent, on_time, n "
    "FROM case_stats_month WHERE n != 0"
)


def _stats_and_cases(app: App) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    from sqlalchemy import text

    with app.reading() as s:
        stats = {tuple(r) for r in s.execute(text(_FROM_STATS))}
        cases = {tuple(r) for r in s.execute(text(_FROM_CASES))}
        months = {tuple(r) for r in s.execute(text(_MONTHS_FROM_STATS))}
        from_month_table = {tuple(r) for r in s.execute(text(_FROM_MONTHS))}
    assert months == from_month_table
    return stats, cases


def test_case_stats_follows_every_write_to_cases(loaded: App) -> None:
    stats, cases = _stats_and_cases(loaded)
    assert stats == cases and sum(int(r[-1]) for r in stats) == 14  # type: ignore[call-overload]
    # a later event moves its case from one key to another (c10 closed on time)
    from eservice_desktop.domain import events as ev
    from eservice_desktop.domain.events import Event

    c10 = next(e for e in mix.case_mix() if "-000010-" in str(e.payload.get("case_number", "")))
    closing = Event("report-mix-close-c10", c10.case_id, ev.CLOSED, "H01", "01", "clerk-c",
                    mix._t(4, 30, 16), {})  # fmt: skip
    with loaded.transaction() as s:
        assert not ingest_many(loaded, s, [closing]).refused
    stats, cases = _stats_and_cases(loaded)
    assert stats == cases
    assert reports.on_time(loaded, F, T).totals["on_time"] == mix.ON_TIME_TOTAL[2] + 1


def test_an_old_database_gets_its_report_columns_and_counts(
    tmp_path: Path, make_app: Callable[..., App]
) -> None:
    """Migration 0011 on a 0010 database: channel counter, consent and holder from the
    events, case_stats counting the cases already there."""
    import shutil

    fixture = Path(__file__).parents[2] / "data" / "migrations" / "0010.sqlite3"
    settings = Settings(data_dir=tmp_path / "old", office_code="H01", device_id="01")
    settings.data_dir.mkdir()
    shutil.copy(fixture, settings.db_path)
    app = make_app(settings)
    from sqlalchemy import text

    with app.reading() as s:
        rows = s.execute(text("SELECT channel, consent, holder, closed_on_time FROM cases")).all()
    assert [tuple(r) for r in rows] == [("counter", 0, "fixture", None)] * 2
    stats, cases = _stats_and_cases(app)
    assert stats == cases and len(cases) >= 1


def test_a_pulled_target_set_replaces_the_office_set_and_a_bad_one_is_set_aside(
    loaded: App,
) -> None:
    from eservice_desktop.county_link.protocol import Change
    from eservice_desktop.services.sync.inbox import apply_page
    from eservice_desktop.storage.models_sync import SyncReferenceRow

    land_only = [t for t in mix.TARGETS if t["department"] == "land"]
    bad = [{**land_only[0], "value": -1}]
    with loaded.transaction() as s:
        apply_page(loaded, s, [Change(seq=7, kind="targets", data={"targets": bad})])
    assert reports.targets(loaded, F, T).totals["departments"] == 3  # the old set stays
    with loaded.reading() as s:
        assert s.get(SyncReferenceRow, "parked:7") is not None
    with loaded.transaction() as s:
        apply_page(loaded, s, [Change(seq=8, kind="targets", data={"targets": land_only})])
    r = reports.targets(loaded, F, T)
    assert [(row[0], row[1]) for row in r.table(sv.T_SCORES).rows] == [(mix.LAND, "cases")]


@pytest.mark.parametrize("kind", ["on-time", "usage", "savings", "targets"])
def test_cli_totals_line_follows_the_language(
    run: Callable[..., tuple[int, str, str]], kind: str
) -> None:
    """With --lang en the totals line was Chinese (收件 …，辦結 …); the report's own title stays
    the office's Chinese document name."""
    period = ("--from", "2026-03-01", "--to", "2026-04-30")
    rc, out, _ = run("report", kind, *period)
    assert rc == 0, out
    totals = out.splitlines()[1]
    assert not re.search(r"[\u4e00-\u9fff]", totals), totals
    rc, out, _ = run("report", kind, *period, lang="zh_TW")
    assert rc == 0 and re.search(r"[\u4e00-\u9fff]", out.splitlines()[1]), out


def test_cli_targets_line_gives_each_metric_its_own_sums(
    run: Callable[..., tuple[int, str, str]],
) -> None:
    """The line added cases and online cases up: "3 departments, target 11, actual 8" for
    three (department, metric) rows, two of them the household's."""
    rc, out, _ = run("report", "targets", "--from", "2026-03-01", "--to", "2026-04-30")
    assert rc == 0, out
    assert out.splitlines()[1] == (
        "cases: target 7, actual 6; online: target 4, actual 2; "
        f"{mix.REVIEW_MONTHS} month(s) to review"
    )
    rc, out, _ = run("report", "targets", "--from", "2025-03-01", "--to", "2025-04-30")
    assert rc == 0 and out.splitlines()[1] == "no targets in the period; 0 month(s) to review"


def test_cli_a_refused_file_leaves_none_of_the_others_written(
    run: Callable[..., tuple[int, str, str]], settings: Settings, tmp_path: Path
) -> None:
    """``--csv`` outside and ``--pdf`` inside the data directory: the PDF is refused (the
    on-time report names clerks), and the CSV, written first, was left behind with those names,
    exit 2 and not a word about it. Every target is checked before any file is written."""
    desk, folder = tmp_path / "on-time.csv", tmp_path / "folder.xlsx"
    folder.mkdir()
    period = ("--from", "2026-03-01", "--to", "2026-04-30")
    for bad in (("--pdf", str(settings.data_dir / "on-time.pdf")), ("--xlsx", str(folder))):
        rc, out, err = run("report", "on-time", *period, "--csv", str(desk), *bad)
        assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1, (out, err)
        assert not desk.exists(), bad
    assert not (settings.data_dir / "on-time.pdf").exists() and not list(folder.iterdir())


@pytest.mark.parametrize("kind", ["on-time", "usage", "savings", "targets"])
def test_the_exports_summary_names_each_total_in_words(loaded: App, kind: str) -> None:
    """The summary sheet and the CSV's head read 「合計 online_share_pct」, 「合計 ntd」,
    「合計 review_months」: the program's keys (which --json keeps), not the report's words."""
    from eservice_desktop.printing import report_export

    report = reports.compute(loaded, kind, date(2026, 3, 1), date(2026, 4, 30))
    head = list(csv.reader(io.StringIO(report_export.report_csv_text(report))))
    labels = [row[0] for row in head[3 : 3 + len(report.totals)]]
    assert len(labels) == len(report.totals) >= 4
    for label, key in zip(labels, report.totals, strict=True):
        assert label.startswith("合計 ") and key not in label, (label, key)
        assert re.search(r"[\u4e00-\u9fff].* [A-Z]", label), label  # both languages
    out = io.BytesIO()
    report_export.write_report_xlsx(report, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)] == labels
