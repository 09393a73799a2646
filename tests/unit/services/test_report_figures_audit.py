"""An auditor's pass over the supervisors' figures: small case mixes whose figures are worked out
by hand at the edges the mix of tests/report_support.py does not reach (the day and month
boundaries in Taipei, the closing time of the due day, a fee paid days after intake, a day off
recorded after the cases, rounding, a reversed period)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import report_support as mix
from sqlalchemy import text

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import supervisor as sv
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.services import calendar
from eservice_desktop.services import supervisor_reports as reports
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.storage import case_stats, dbkey

TPE = timezone(timedelta(hours=8))


def _at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TPE).astimezone(UTC)


class _Mix:
    """Cases of HR-TRANSCRIPT (1 working day unless told) at office H01, numbered in order."""

    def __init__(self) -> None:
        self.cases: list[mix._Case] = []

    def new(self, received: datetime, limit: int = 1) -> mix._Case:
        c = mix._Case("H01", len(self.cases) + 1, "HR-TRANSCRIPT", limit)
        self.cases.append(c)
        return c.received(received, "counter")

    def load(self, app: App) -> None:
        with app.transaction() as s:
            report = ingest_many(app, s, [e for c in self.cases for e in c.events])
            assert not report.refused, report.refused


def _rows(app: App) -> dict[int, tuple[str, str | None, int | None]]:
    """Case sequence number -> (received day, due date, on-time verdict) as stored."""
    with app.reading() as s:
        rows = s.execute(
            text("SELECT case_number, received_day, due_date, closed_on_time FROM cases")
        ).all()
    return {int(n.split("-")[3]): (str(r), d and str(d), v) for n, r, d, v in rows}


def _stats_match_a_recount(app: App) -> bool:
    sql = "SELECT office, received_day, service_code, channel, status, consent, on_time, n "
    sql += "FROM case_stats WHERE n != 0"
    with app.reading() as s:
        kept = {tuple(r) for r in s.execute(text(sql))}
    with app.transaction() as s:
        case_stats.recount(s.connection())
        again = {tuple(r) for r in s.execute(text(sql))}
        s.rollback()
    return kept == again


def test_taipei_midnight_closing_time_and_a_late_fee_count_where_the_rules_say(
    app: App, clock: object
) -> None:
    """Correct before this pass too; kept so that the edges stay where the docs put them."""
    clock.now = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    m = _Mix()
    m.new(_at(3, 31, 23, 59))  # 1: 2026-03-31 15:59 UTC: March
    m.new(_at(4, 1, 0, 1))  # 2: 2026-03-31 16:01 UTC: April
    m.new(_at(4, 2)).add(ev.CLOSED, _at(4, 2, 17, 0), {})  # 3: at the due day's closing
    m.new(_at(4, 2)).add(ev.CLOSED, _at(4, 2, 17, 1), {})  # 4: a minute after it: late
    late_fee = m.new(_at(5, 4))  # 5: Mon; fee assessed at once, paid Thu, closed Thu
    late_fee.add(ev.FEE_ASSESSED, _at(5, 4, 10, 1), {"total": 20, "items": []})
    paid = {"payment_id": "p1", "method": "cash", "amount": 20, "receipt_number": "R1"}
    late_fee.add(ev.PAYMENT_RECORDED, _at(5, 7, 10), paid)
    late_fee.add(ev.CLOSED, _at(5, 7, 16), {})
    m.load(app)
    rows = _rows(app)
    assert rows[1][0] == "2026-03-31" and rows[2][0] == "2026-04-01"
    assert rows[5][1] == "2026-05-07"  # the clock ran from the payment: due Thu, on time
    assert reports.usage(app, date(2026, 3, 1), date(2026, 3, 31)).totals["cases"] == 1
    assert reports.usage(app, date(2026, 4, 1), date(2026, 4, 30)).totals["cases"] == 3
    r = reports.on_time(app, date(2026, 3, 31), date(2026, 5, 31))
    assert (r.totals["finished"], r.totals["on_time"], r.totals["late"]) == (3, 2, 1)
    assert r.totals["rate_pct"] == 66.67
    # 1 and 2 were due 04-01 (1 working day): both open and overdue as of 05-31
    assert r.totals["overdue"] == 2


def test_a_day_off_recorded_after_the_cases_moves_their_due_dates(
    app: App, clock: object, tmp_path: Path
) -> None:
    """A typhoon day (Tue 2026-07-07) imported once the cases were written. Both cases were
    received Mon 07-06 after closing with a 1-day limit: due Tue, and with Tue off, Wed 07-08.
    Case 1 closed Wed 10:00: on time. Case 2 is still open on Wed: not overdue. Case 3,
    received Wed, is not touched by the change. Before the fix the rows kept Tue: the on-time
    report said 0 of 1 on time and 1 overdue."""
    clock.now = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    m = _Mix()
    m.new(_at(7, 6, 18)).add(ev.CLOSED, _at(7, 8, 10), {})
    m.new(_at(7, 6, 18, 5))
    m.new(_at(7, 8, 9))
    m.load(app)
    assert _rows(app)[1] == ("2026-07-06", "2026-07-07", 0)  # as the day was known then
    typhoon = tmp_path / "typhoon.csv"
    typhoon.write_text(
        "西元日期,星期,是否放假,備註\n20260707,二,2,颱風停止上班\n", encoding="utf-8"
    )
    calendar.import_calendar(app, typhoon)
    clock.now = datetime(2026, 7, 8, 8, 0, tzinfo=UTC)  # type: ignore[attr-defined]  # 16:00
    assert _rows(app) == {
        1: ("2026-07-06", "2026-07-08", 1),
        2: ("2026-07-06", "2026-07-08", None),
        3: ("2026-07-08", "2026-07-08", None),
    }
    r = reports.on_time(app, date(2026, 7, 1), date(2026, 7, 31))
    assert (r.totals["finished"], r.totals["on_time"], r.totals["late"]) == (1, 1, 0)
    assert (r.totals["rate_pct"], r.totals["open"], r.totals["overdue"]) == (100.0, 2, 0)
    assert _stats_match_a_recount(app)
    # importing the same day again changes nothing
    assert calendar.redate_cases(app, app.calendar) == 0


def test_changed_days_are_the_days_judged_otherwise() -> None:
    shipped = WorkingCalendar({date(2026, 7, 7): False, date(2026, 7, 11): True})
    pulled = WorkingCalendar({date(2026, 7, 7): True, date(2026, 7, 11): True})
    make_up = WorkingCalendar({date(2026, 7, 12): False})  # a Sunday worked
    assert shipped.changed_days(pulled) == {date(2026, 7, 7)}
    assert shipped.changed_days(make_up) == {date(2026, 7, 12)}
    assert shipped.changed_days(shipped) == set()


@pytest.mark.parametrize(
    ("part", "whole", "want"),
    [(1, 32, 3.13), (29, 32, 90.63), (1, 160, 0.63), (2, 3, 66.67), (1, 3, 33.33),
     (1, 8, 12.5), (7, 9, 77.78), (0, 5, 0.0), (5, 5, 100.0), (10**15 - 1, 10**15, 100.0)],
)  # fmt: skip
def test_rates_round_half_up(part: int, whole: int, want: float) -> None:
    """四捨五入: 1 of 32 is 3.125 %, shown 3.13 (it printed 3.12: float rounding to even)."""
    assert sv.rate_pct(part, whole) == want
    assert sv.rate_pct(part, 0) is None


def test_an_on_time_rate_of_an_exact_half_rounds_up_in_every_place(app: App) -> None:
    """32 finished in March, 29 on time: 90.625 % → 90.63 in the totals, both tables and the
    chart (it was 90.62)."""
    counts = [sv.OnTimeCount("HR-TRANSCRIPT", "2026-03", 32, 32, 29, 0)]
    march = {"period_from": date(2026, 3, 1), "period_to": date(2026, 3, 31)}
    r = sv.build_on_time(
        app.catalogue,
        counts,
        [],
        office="H01",
        as_of=date(2026, 3, 31),
        calendar=app.calendar,
        **march,
    )
    assert r.totals["rate_pct"] == 90.63
    assert r.table(sv.T_DEPARTMENTS).rows[0][5] == 90.63
    assert r.table(sv.T_SERVICES).rows[0][7] == 90.63
    assert r.charts[0].series[0][1] == (90.63,)


def test_a_month_with_nothing_finished_has_no_rate_in_the_chart(app: App) -> None:
    """The rate is empty over nothing: February with cases received and none finished was
    drawn at 0.0 %, as if every case had been late; it is a gap in the line, "—" in the
    chart's description."""
    from eservice_desktop.printing.chart_text import describe
    from eservice_desktop.printing.charts import chart_svg

    counts = [
        sv.OnTimeCount("HR-TRANSCRIPT", "2026-01", 4, 4, 3, 0),
        sv.OnTimeCount("HR-TRANSCRIPT", "2026-02", 2, 0, 0, 2),
        sv.OnTimeCount("HR-TRANSCRIPT", "2026-03", 5, 5, 5, 0),
    ]
    period = {"period_from": date(2026, 1, 1), "period_to": date(2026, 3, 31)}
    r = sv.build_on_time(
        app.catalogue,
        counts,
        [],
        office="H01",
        as_of=date(2026, 3, 31),
        calendar=app.calendar,
        **period,
    )
    chart = r.charts[0]
    assert chart.series[0][1] == (75.0, None, 100.0)
    assert "2026-02 —" in describe(chart) and "02 0.0%" not in describe(chart)
    svg = chart_svg(chart)
    assert ">0.0<" not in svg
    assert svg.count("<polyline") == 2  # one line up to January, one from March on


@pytest.fixture
def run(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str], db_key_dir: Path
) -> Callable[..., tuple[int, str, str]]:
    app.close()
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


@pytest.mark.parametrize(("lang", "needle"), [("en", "before it starts"), ("zh_TW", "早於開始日")])
def test_a_reversed_reconciliation_period_is_refused_not_an_empty_statement(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path, lang: str, needle: str
) -> None:
    """It wrote an empty appendix-22 statement and exited 0, as if no one had paid online."""
    out_file = tmp_path / "r.csv"
    rc, out, err = run("report", "reconciliation", "--from", "2026-05-01", "--to", "2026-04-01",
                       "--out", str(out_file), lang=lang)  # fmt: skip
    assert rc == 2 and out == "" and needle in err and len(err.strip().splitlines()) == 1
    assert not out_file.exists()
    rc, _, _ = run("report", "reconciliation", "--from", "2026-04-01", "--to", "2026-04-01",
                   "--out", str(out_file), lang=lang)  # fmt: skip
    assert rc == 0 and out_file.exists()


@pytest.mark.parametrize(
    ("lang", "needle"), [("en", "Unknown service"), ("zh_TW", "不明的案件項目")]
)
def test_a_mistyped_service_code_is_refused_not_an_empty_statement(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path, lang: str, needle: str
) -> None:
    """``--service hr-transcript`` (or a letter off) wrote an empty statement and exited 0, as
    if no one had paid online for that service."""
    out_file = tmp_path / "r.csv"
    period = ("--from", "2026-04-01", "--to", "2026-04-30", "--out", str(out_file))
    for code in ("hr-transcript", "HR-TRANSCRIPTS", "\x1b[2J"):
        rc, out, err = run("report", "reconciliation", *period, "--service", code, lang=lang)
        assert rc == 2 and out == "" and needle in err and len(err.strip().splitlines()) == 1
        assert "\x1b" not in err and not out_file.exists()
    rc, out, _ = run("report", "reconciliation", *period, "--service", "HR-TRANSCRIPT", lang=lang)
    assert rc == 0 and out_file.exists(), out
