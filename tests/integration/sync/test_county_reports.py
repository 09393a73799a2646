"""County-level reports over two offices, and targets set at the county reaching an office.

The known case mix of tests/report_support.py: H01's cases c1..c13 and H02's c14, each taken
at its own office and pushed by a real sync round over loopback HTTP to the county server
(SQLite and PostgreSQL); the county computes the same four reports over both offices.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import report_support as mix
import requests
from sync_helpers import CountyServer, county_cli, enrol, sync_now

from eservice_desktop.county import reports as county_reports
from eservice_desktop.county.store import make_engine, utcnow
from eservice_desktop.domain import supervisor as sv
from eservice_desktop.services import supervisor_reports
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many

QUERY = {"from": "2026-03-01", "to": "2026-04-30"}


def _load(app: App, events: list) -> None:  # type: ignore[type-arg]
    app.clock.now = mix.NOW  # type: ignore[attr-defined]
    with app.transaction() as s:
        assert not ingest_many(app, s, events).refused


def test_county_reports_over_every_office_and_targets_reach_the_office(
    county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    h01, h02 = office("H01", "01", url=county.url), office("H02", "01", url=county.url)
    events = mix.case_mix()
    _load(h01, [e for e in events if e.office == "H01"])
    _load(h02, [e for e in events if e.office == "H02"])
    for app in (h01, h02):
        enrol(app, county)
        mine = [e for e in events if e.office == app.settings.office_code]
        assert sync_now(app).pushed == len(mine)

    # the CLI sets one target; the rest in one call of the same function
    county_cli("targets", "set", "--db", county.db_url, "--office", "H01",
               "--department", "household", "--month", "2026-03", "--value", "3")  # fmt: skip
    from sqlalchemy.orm import Session

    from eservice_desktop.county.notify import county_catalogue

    engine = make_engine(county.db_url)
    try:
        with Session(engine) as s, s.begin():
            county_reports.set_targets(s, county_catalogue(s), mix.TARGETS[1:], utcnow())
    finally:
        engine.dispose()
    sync_now(h01)
    office_targets = supervisor_reports.targets(h01, *mix.PERIOD)
    scores = {(r[0], r[1]): tuple(r[2:]) for r in office_targets.table(sv.T_SCORES).rows}
    assert scores == mix.TARGET_SCORES

    # county level: H01's figures plus c14 (H02, household, counter, closed on time); any
    # enrolled device's credential reads them
    from eservice_desktop.services.sync.credentials import credential

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {credential(h02)}"
    assert (
        requests.get(f"{county.url}/v1/reports/usage", params=QUERY, timeout=30).status_code == 401
    )
    on_time = http.get(f"{county.url}/v1/reports/on-time", params=QUERY, timeout=30).json()
    assert on_time["office"] == "*"
    assert on_time["total"] == {
        "received": 13, "finished": 10, "on_time": 8, "late": 2, "rate_pct": 80.0, "open": 2,
        "overdue": 1,
    }  # fmt: skip
    overdue = on_time["tables"][2]["rows"]
    assert [r[0][:17] for r in overdue] == [mix.OVERDUE[0]] and overdue[0][5] == "H01 clerk-b"
    savings = http.get(f"{county.url}/v1/reports/savings", params=QUERY, timeout=30).json()
    assert {k: savings["total"][k] for k in ("ntd", "minutes", "sheets")} == {
        k: mix.savings_total()[k] for k in ("ntd", "minutes", "sheets")
    }
    usage = http.get(f"{county.url}/v1/reports/usage", params=QUERY, timeout=30).json()
    assert {k: usage["total"][k] for k in ("cases", "counter", "web", "kiosk", "online")} == {
        **mix.USAGE_TOTAL,
        "cases": 13,
        "counter": 8,
    }
    # targets over both offices: household March 3 (H01) + 7 (H02) against 3 + 1 cases
    targets = http.get(f"{county.url}/v1/reports/targets", params=QUERY, timeout=30).json()
    months = {(r[0], r[1], r[2]): r[3:6] for r in targets["tables"][0]["rows"]}
    assert months[(mix.HOUSEHOLD, "cases", "2026-03")] == [10, 4, 40.0]
    page = http.get(f"{county.url}/reports/on-time", params=QUERY, timeout=30)
    assert page.status_code == 200 and "80.0" in page.text and "地政事務所" in page.text
    bad = http.get(
        f"{county.url}/v1/reports/usage", params={"from": "2026-04-30", "to": "2026-03-01"},
        timeout=30,
    )  # fmt: skip
    assert bad.status_code == 400 and "ends" in bad.json()["message_en"]
    out = county_cli("report", "savings", "--db", county.db_url, "--from", "2026-03-01",
                     "--to", "2026-04-30", "--html", str(tmp_path / "savings.html"))  # fmt: skip
    assert json.loads(out)["total"]["ntd"] == mix.savings_total()["ntd"]
    assert "免書證" in (tmp_path / "savings.html").read_text(encoding="utf-8")


def test_a_day_that_does_not_exist_is_said_so_by_the_command_and_the_route(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``report on-time --from 2026-02-30`` and ``GET /v1/reports/on-time?from=2026-02-30``
    answered 「日期須為 YYYY-MM-DD」, the form that was used: the day does not exist, and the
    option is named with what it got, as the office's ``report`` says it."""
    from eservice_desktop.county import cli as county_main
    from eservice_desktop.services.sync.credentials import credential

    argv = ["report", "on-time", "--from", "2026-02-30", "--to", "2026-03-31"]
    assert county_main.main([*argv, "--db", sqlite_county.db_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--from" in err and "2026-02-30 這一天不存在" in err, err
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert county_main.main([*argv, "--db", sqlite_county.db_url]) == 2
    assert "there is no such day as 2026-02-30" in capsys.readouterr().err

    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    r = requests.get(
        f"{sqlite_county.url}/v1/reports/on-time",
        params={"from": "2026-01-01", "to": "2026-04-31"},
        headers={"Authorization": f"Bearer {credential(h02)}"},
        timeout=30,
    )
    assert r.status_code == 400 and r.json()["code"] == "report.dates", r.text
    assert "2026-04-31 這一天不存在" in r.json()["message_zh"]
    assert "to must be a date" in r.json()["message_en"]


def test_a_period_before_the_roc_calendar_is_refused_not_a_server_error(
    sqlite_county: CountyServer, office: Callable[..., App]
) -> None:
    """``GET /reports/usage?from=0001-01-01&to=0001-01-02`` (the API's fuzzing found it): the
    page writes its period in ROC years, which a day before 1912 has none of, and the county
    answered 500 (an unexpected error in its log). Refused as a bad period, in words."""
    from eservice_desktop.services.sync.credentials import credential

    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    for path in ("/reports/usage", "/v1/reports/on-time"):
        r = requests.get(
            f"{sqlite_county.url}{path}",
            params={"from": "0001-01-01", "to": "0001-01-02"},
            headers={"Authorization": f"Bearer {credential(h02)}"},
            timeout=30,
        )
        assert r.status_code == 400, (path, r.status_code, r.text)
        assert r.json()["code"] == "date.before_roc" and "民國元年" in r.json()["message_zh"]


def test_a_period_written_with_the_roc_year_is_told_its_western_days(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A year-spanning period written as every print shows it, 115/12/01 to 116/01/31: the
    office's ``report`` names the Western day to write instead, but the county's command
    said only 「日期須為 YYYY-MM-DD」, and its report routes and page answered 422 with
    FastAPI's English ``String should match pattern``, no ``report.dates``, no zh-TW."""
    from eservice_desktop.county import cli as county_main
    from eservice_desktop.services.sync.credentials import credential

    argv = ["report", "usage", "--from", "115/12/01", "--to", "2027-01-31"]
    assert county_main.main([*argv, "--db", sqlite_county.db_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--from" in err and "民國年請換算為西元：2026-12-01" in err, err
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert county_main.main([*argv, "--db", sqlite_county.db_url]) == 2
    assert "(not the ROC year): 2026-12-01" in capsys.readouterr().err

    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    auth = {"Authorization": f"Bearer {credential(h02)}"}
    for path, period, typed, western in (
        ("/v1/reports/usage", {"from": "115-12-01", "to": "2027-01-31"}, "from", "2026-12-01"),
        ("/reports/targets", {"from": "2026-12-01", "to": "116/1/31"}, "to", "2027-01-31"),
        (
            "/v1/reports/on-time",
            {"from": "民國115年12月1日", "to": "2027-01-31"},
            "from",
            "2026-12-01",
        ),
    ):
        r = requests.get(f"{sqlite_county.url}{path}", params=period, headers=auth, timeout=30)
        assert r.status_code == 400 and r.json()["code"] == "report.dates", (path, r.text)
        assert f"民國年請換算為西元：{western}" in r.json()["message_zh"], r.text
        assert r.json()["message_en"].startswith(f"{typed} must be a date"), r.text
