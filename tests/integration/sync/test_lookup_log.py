"""Who read a citizen's record: the county keeps every look-up an office asked, answered or
refused, under a key of the county's secret (never the ID, nor a hash anyone can reverse), and
``eservice-county-server lookups --subject ID`` lists them (county/lookup_log.py; real county
over loopback, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from sync_helpers import PASSPHRASE_ENV, CountyServer, _fresh_pg_db, county_cli, enrol, sync_now
from test_lookups import _case, _refused, _seed_registry

from eservice_desktop.county import migrate
from eservice_desktop.county.cli import main as county_main
from eservice_desktop.county.lookups import subject_hash
from eservice_desktop.county.store import LookupLogRow, make_engine, utcnow
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import lookups
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.credentials import credential


def _who(county: CountyServer, subject: str, *more: str) -> list[dict[str, str]]:
    out = county_cli("lookups", "--subject", subject, "--db", county.db_url, "--json", *more)
    return list(json.loads(out)["lookups"])


def _log_text(county: CountyServer) -> str:
    engine = create_engine(county.db_url)
    try:
        with engine.connect() as c:
            return repr(c.execute(text("SELECT * FROM county_lookup_log")).all())
    finally:
        engine.dispose()


def test_the_county_says_who_read_a_record_and_keeps_no_id(
    county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    _seed_registry(county, tmp_path)
    d03 = office("D03", "01", county.url)
    enrol(d03, county)
    number = _case(d03, ["household_transcript"])
    other = _case(d03, ["household_transcript"], applicant="F131104093")
    sync_now(d03)
    answer = lookups.run_lookup(d03, number, "household_transcript")
    _refused("lookup.not_found", lambda: lookups.run_lookup(d03, other, "household_transcript"))
    asked = {  # a request without the citizen's consent, as a hostile client sends it
        "case_number": number,
        "service_code": "ED-CRAM-SCHOOL-REGISTER",
        "kind": "land_transcript",
        "subject_id": "a123456789",
        "consent": False,
    }
    refused = requests.post(
        f"{county.url}/v1/lookups",
        json=asked,
        headers={"Authorization": f"Bearer {credential(d03)}"},
        timeout=30,
    )
    assert refused.status_code == 409

    seen = _who(county, "a123456789 ")  # as typed: small letter, a space
    assert [(x["kind"], x["outcome"]) for x in seen] == [
        ("household_transcript", "answered"),
        ("land_transcript", "lookup.no_consent"),
    ]
    assert {(x["office"], x["device"], x["case_number"]) for x in seen} == {("D03", "01", number)}
    assert seen[0]["result_id"] == answer.result_id and seen[1]["result_id"] == ""
    assert [x["outcome"] for x in _who(county, "F131104093")] == ["lookup.not_found"]
    assert _who(county, "B123456789") == []
    held = _log_text(county)
    assert "A123456789" not in held.upper() and "F131104093" not in held  # the key, not the ID
    # nor the registry's unkeyed hash, which trying every ID (one letter, 9 digits) reverses
    for kind in ("household_transcript", "land_transcript"):
        assert subject_hash(kind, "A123456789") not in held
    assert subject_hash("household_transcript", "F131104093") not in held
    yesterday = (utcnow().astimezone(TAIPEI).date() - timedelta(days=1)).isoformat()
    assert _who(county, "A123456789", "--to", yesterday) == []
    assert len(_who(county, "A123456789", "--from", yesterday)) == 2


def test_the_list_reads_in_each_language_and_bad_input_is_refused(
    county: CountyServer,
    office: Callable[..., App],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _seed_registry(county, tmp_path)
    d03 = office("D03", "01", county.url)
    enrol(d03, county)
    number = _case(d03, ["household_transcript"])
    sync_now(d03)
    lookups.run_lookup(d03, number, "household_transcript")
    text_zh = county_cli("lookups", "--subject", "A123456789", "--db", county.db_url)
    assert text_zh.splitlines()[0] == "時間 | 設備 | 案件 | 項目 | 結果"
    assert f"| D03-01 | {number} | household_transcript | 已答覆" in text_zh
    text_en = county_cli(
        "lookups", "--subject", "A123456789", "--db", county.db_url, "--lang", "en"
    )
    assert text_en.rstrip().endswith("| answered")
    for bad in (["--subject", "A12"], ["--subject", "A123456789", "--from", "2026-02-30"]):
        assert county_main(["lookups", "--db", county.db_url, *bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    later = ["--from", "2026-12-05", "--to", "2026-12-01"]
    assert county_main(["lookups", "--db", county.db_url, "--subject", "A123456789", *later]) == 2
    assert "早於" in capsys.readouterr().err


def test_a_day_bound_is_the_taipei_day_on_every_database(
    county_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A look-up at 03:00 Taipei time (19:00 UTC the day before) is one of that Taipei day:
    listed from that day, not up to the day before."""
    engine = make_engine(county_db)
    try:
        with Session(engine) as s, s.begin():
            for case, at in (
                ("C-late", datetime(2026, 12, 4, 15, 0, tzinfo=UTC)),
                ("C-early", datetime(2026, 12, 4, 19, 0, tzinfo=UTC)),
            ):
                s.add(
                    LookupLogRow(
                        at=at,
                        office="H01",
                        device="01",
                        case_number=case,
                        kind="household_transcript",
                        subject_hash=subject_hash("household_transcript", "A123456789"),
                        outcome="answered",
                        result_id="",
                    )
                )
    finally:
        engine.dispose()

    def cases(*bounds: str) -> list[str]:
        out = county_cli("lookups", "--subject", "A123456789", "--db", county_db, "--json", *bounds)
        return [x["case_number"] for x in json.loads(out)["lookups"]]

    assert cases() == ["C-late", "C-early"]
    assert cases("--from", "2026-12-05") == ["C-early"]  # 115/12/05 03:00
    assert cases("--to", "2026-12-04") == ["C-late"]  # 115/12/04 23:00
    assert cases("--from", "2026-12-04", "--to", "2026-12-04") == ["C-late"]
    assert cases("--from", "0001-01-01", "--to", "9999-12-30") == ["C-late", "C-early"]


def test_the_log_needs_the_countys_secret_to_be_read(
    county_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyed by the county's secret, the log is read with it: without it, or with another
    one, one line says so (exit 2) and nothing is listed."""
    county_cli("lookups", "--subject", "A123456789", "--db", county_db)  # seals the database
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    assert county_main(["lookups", "--db", county_db, "--subject", "A123456789"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and PASSPHRASE_ENV in out.err
    monkeypatch.setenv(PASSPHRASE_ENV, "another county's passphrase")
    assert county_main(["lookups", "--db", county_db, "--subject", "A123456789", "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "密語或金鑰檔錯誤" in out.err


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def county_at_0009(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A county database as revision 0009 left it (the look-up log keyed by the registry's
    unkeyed hash), with one look-up of A123456789 in its log."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    else:
        url = _fresh_pg_db(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    migrate.upgrade(engine, "0009")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO county_lookup_log (at, office, device, case_number, kind,"
                " subject_hash, outcome, result_id) VALUES (:at, 'H01', '01', 'C-old',"
                " 'household_transcript', :h, 'answered', 'r-1')"
            ),
            {"at": utcnow(), "h": subject_hash("household_transcript", "A123456789")},
        )
    engine.dispose()
    return url


def test_an_older_builds_log_is_keyed_at_the_first_start_and_still_read(
    county_at_0009: str,
) -> None:
    """The rows written under the registry's hash are keyed in place (their IDs unknown to the
    county) and the database rewritten: the old hash is nowhere in the file, and the look-up
    is still found by the ID."""
    old = subject_hash("household_transcript", "A123456789")
    seen = _who_at(county_at_0009, "A123456789")
    assert [(x["case_number"], x["result_id"]) for x in seen] == [("C-old", "r-1")]
    engine = create_engine(county_at_0009)
    try:
        with engine.connect() as c:
            rows = c.execute(text("SELECT subject_hash, subject_keyed FROM county_lookup_log"))
            assert [(h != old, bool(k)) for h, k in rows] == [(True, True)]
    finally:
        engine.dispose()
    if county_at_0009.startswith("sqlite"):
        raw = Path(county_at_0009.removeprefix("sqlite:///")).read_bytes()
        assert old.encode() not in raw  # no freed page keeps it
    assert _who_at(county_at_0009, "A123456789") == seen  # keyed once, not twice
    assert _who_at(county_at_0009, "B123456789") == []


def _who_at(db_url: str, subject: str) -> list[dict[str, str]]:
    out = county_cli("lookups", "--subject", subject, "--db", db_url, "--json")
    return list(json.loads(out)["lookups"])


def test_a_case_number_a_device_sends_reaches_no_terminal_as_sent(
    county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """A device's look-up whose case number holds a terminal's escape or a line end is
    refused (lookup.case_number) and kept: its control characters are kept as their code
    points, and the listing's lines stay one a look-up (an older build's row, kept as sent, is
    shown so too)."""
    _seed_registry(county, tmp_path)
    d03 = office("D03", "01", county.url)
    enrol(d03, county)
    for number in ("\x1b[2J\x1b[31mFAKE", "X\n115/12/05 | H01-01"):
        asked = {
            "case_number": number,
            "service_code": "ED-CRAM-SCHOOL-REGISTER",
            "kind": "household_transcript",
            "subject_id": "A123456789",
            "consent": True,
        }
        r = requests.post(
            f"{county.url}/v1/lookups",
            json=asked,
            headers={"Authorization": f"Bearer {credential(d03)}"},
            timeout=30,
        )
        assert r.status_code == 400 and r.json()["code"] == "lookup.case_number"
    assert [x["case_number"] for x in _who(county, "A123456789")] == [
        "U+001B[2JU+001B[31mFAKE",
        "XU+000A115/12/05 | H01-0",
    ]
    engine = make_engine(county.db_url)
    try:  # as an older build kept it
        with Session(engine) as s, s.begin():
            s.add(
                LookupLogRow(
                    at=utcnow(),
                    office="D03",
                    device="01",
                    case_number="\x1b]0;pwned\x07",
                    kind="land_transcript",
                    subject_hash=subject_hash("land_transcript", "A123456789"),
                    outcome="answered",
                    result_id="",
                )
            )
    finally:
        engine.dispose()
    listed = county_cli("lookups", "--subject", "A123456789", "--db", county.db_url)
    assert "\x1b" not in listed and "\x07" not in listed
    lines = listed.splitlines()  # the head and a line each (the third keyed at this start)
    assert len(lines) == 4 and lines[1].endswith("| 案號格式錯誤")
