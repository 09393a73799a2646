"""Who at which office looked at a citizen's cases: the county reads the offices' access logs
it keeps (``eservice-county-server access --case NUMBER | --subject ID``, county/access_log.py;
real offices pushing to a real county over loopback, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, county_cli, enrol, sync_now
from test_chain_push import _county_rows as county_rows
from test_lookups import _case

from eservice_desktop.config import Settings
from eservice_desktop.county.cli import main as county_main
from eservice_desktop.services import case_queues, cases, operators_audit
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.status import status as sync_status


def _access(county: CountyServer, *argv: str) -> dict[str, object]:
    return dict(json.loads(county_cli("access", "--db", county.db_url, "--json", *argv)))


def test_the_county_says_who_at_which_office_looked_at_a_citizens_cases(
    county: CountyServer, office: Callable[..., App], capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = office("D03", "01", county.url), office("D03", "02", county.url)
    enrol(first, county)
    enrol(second, county)
    number = _case(first, [])
    other = _case(first, [], applicant="F131104093")
    cases.show_case(first, number)
    cases.show_case(first, other)  # another citizen's: not listed
    case_queues.search_page(second, "a123456789")  # typed in small letters at the other counter
    case_queues.search_page(second, "王")  # names no one in particular: not listed
    sync_now(first)
    sync_now(second)

    seen = _access(county, "--subject", " a123456789")
    records = seen["records"]
    assert isinstance(records, list) and seen["count"] == 2 and seen["truncated"] is False
    # both at the test clock's one moment: listed in the order of their ids
    assert sorted((r["device"], r["action"], r["case_number"], r["detail"]) for r in records) == [
        ("01", "view", number, ""),
        ("02", "search", "", "a123456789 → 0"),
    ]
    assert {(r["office"], r["operator"]) for r in records} == {("D03", first.actor.clerk)}
    by_case = _access(county, "--case", number.replace("-", "").lower())  # as case show takes it
    assert [(r["action"], r["case_number"]) for r in by_case["records"]] == [("view", number)]
    assert _access(county, "--subject", "B123456789")["records"] == []
    assert _access(county, "--subject", "A123456789", "--to", "2026-01-01")["records"] == []

    text = county_cli("access", "--db", county.db_url, "--subject", "A123456789")
    assert text.splitlines()[0] == "時間 | 設備 | 操作員 | 動作 | 案件 | 內容"
    assert f"| D03-01 | {first.actor.clerk} | 檢視 | {number} |" in text
    english = county_cli("access", "--db", county.db_url, "--case", number, "--lang", "en")
    assert "| viewed |" in english
    for bad in (["--case", "D03-01-115-000001-0"], ["--subject", "A12"]):
        assert county_main(["access", "--db", county.db_url, *bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as neither:  # argparse's own refusal, one line too
        county_main(["access", "--db", county.db_url])
    assert neither.value.code == 2 and "--case --subject" in capsys.readouterr().err


def test_the_county_lists_what_one_account_did_and_where_it_was_signed_in(
    county: CountyServer, office: Callable[..., App], capsys: pytest.CaptureFixture[str]
) -> None:
    """The auditor, told "cash01 at H01-02 viewed the case", asks at which counter cash01 was
    signed in and what else it looked at: the county keeps every office's sign-ins (a replaced
    counter's at the county only) and could list them by case or citizen only, so the answer
    was in its database by hand. ``--operator`` lists an account's records, ``--office`` narrows
    them; an account the county does not know and no record names is refused."""
    first, second = office("D03", "01", county.url), office("D03", "02", county.url)
    enrol(first, county)
    enrol(second, county)
    account = first.actor.clerk
    number = _case(first, [])
    sync_now(first)
    sync_now(second)  # the case reaches the other counter
    with second.transaction() as s:
        operators_audit.signed_in(second, s, account)
    cases.show_case(second, number)
    sync_now(second)

    seen = _access(county, "--operator", account.upper(), "--office", "d03")
    records = seen["records"]
    assert isinstance(records, list)
    # both at the test clock's one moment: listed in the order of their ids
    assert sorted((r["office"], r["device"], r["action"], r["detail"]) for r in records) == [
        ("D03", "02", "signin", f"signed-in {account}"),
        ("D03", "02", "view", ""),
    ]
    assert {r["operator"] for r in records} == {account}
    assert _access(county, "--operator", account, "--to", "2026-01-01")["records"] == []
    text = county_cli("access", "--db", county.db_url, "--operator", account)
    assert f"| D03-02 | {account} | 登入登出 | — | signed-in {account}" in text

    for bad in (
        ["--operator", "nobody01"],  # no such account, no record
        ["--operator", account, "--office", "H01"],  # none at that office
        ["--operator", "A123456789"],  # an ID number is no account
        ["--operator", account, "--office", "office1"],
    ):
        assert county_main(["access", "--db", county.db_url, *bad]) == 2, bad
        assert capsys.readouterr().err.count("\n") == 1


def test_records_made_before_the_office_code_was_corrected_reach_the_county(
    county: CountyServer,
    make_app: Callable[[Settings], App],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A PC installed with the wrong office code (the default H01 at D03) signs its first
    admin in and looks a citizen up before IT corrects it with ``setup --office D03``. Those
    records stay under H01-01 (the log is append-only, each hash over its counter), and the
    county takes a device's records from that device only: they never left the PC, and the
    county's auditor asked who looked the citizen up was told no one. They now reach the
    county as the pushing counter's, naming the code they were made under."""
    from eservice_desktop.county.store import CountyAccessRow
    from eservice_desktop.services import access

    data = tmp_path / "counter"
    wrong = make_app(Settings(data_dir=data, office_code="H01", device_id="01"))
    account = wrong.actor.clerk
    with wrong.transaction() as s:
        operators_audit.signed_in(wrong, s, account)
    case_queues.search_page(wrong, "A123456789")
    with wrong.reading() as s:
        made = [(r.access_id, r.hash) for r in access.outbox(s, 100)]
    wrong.close()

    right = make_app(
        Settings(data_dir=data, office_code="D03", device_id="01", county_url=county.url)
    )
    enrol(right, county)
    case_queues.search_page(right, "王")  # this counter's own record, sent first
    assert sync_status(right)["access_pending"] == 3
    assert sync_now(right).access == 3
    assert sync_status(right)["access_pending"] == 0
    assert sync_now(right).access == 0  # acknowledged: not sent again

    seen = _access(county, "--subject", "A123456789")
    assert [
        (r["office"], r["device"], r["recorded_as"], r["action"], r["detail"])
        for r in seen["records"]
    ] == [("D03", "01", "H01-01", "search", "A123456789 → 0")]
    mine = _access(county, "--operator", account, "--office", "D03")["records"]
    assert sorted((r["action"], r["recorded_as"]) for r in mine) == [
        ("search", ""),
        ("search", "H01-01"),
        ("signin", "H01-01"),
    ]
    # stored with the links the office made (over H01-01): the county's copy checks against them
    rows = dict(county_rows(county, select(CountyAccessRow.access_id, CountyAccessRow.hash)))
    assert [(i, rows[i]) for i, _h in made] == made
    with right.reading() as s:
        assert access.first_break(s) is None  # the office's rows untouched
    text = county_cli("access", "--db", county.db_url, "--subject", "A123456789")
    assert f"| D03-01（記錄時為 H01-01） | {account} | 查詢 |" in text
    english = county_cli("access", "--db", county.db_url, "--subject", "A123456789", "--lang", "en")
    assert "| D03-01 (recorded as H01-01) |" in english


def test_a_county_older_than_recorded_as_holds_back_only_those_records(
    sqlite_county: CountyServer,
    make_app: Callable[[Settings], App],
    tmp_path: Path,
    proxies: list[FaultProxy],
) -> None:
    """A county without ``recorded_as`` refuses a record naming it (422): the records made
    under the old code wait for its upgrade, this counter's own still go and the round goes
    on (its pull, the operators)."""
    from eservice_desktop.services import access

    data = tmp_path / "counter"
    wrong = make_app(Settings(data_dir=data, office_code="H01", device_id="01"))
    case_queues.search_page(wrong, "A123456789")
    wrong.close()
    right = make_app(Settings(data_dir=data, office_code="D03", device_id="01"))
    enrol(right, sqlite_county)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    right.settings.county_url = proxy.url
    case_queues.search_page(right, "王")
    proxy.add("error422", path="/v1/access", times=1000, body=b'"recorded_as"')

    assert sync_now(right).access == 1  # was: the county's 403 failed the round, had it sent them
    assert any("/v1/operators" in line for _f, line in proxy.log)  # the round went on
    with right.reading() as s:
        assert [r.detail for r in access.outbox(s, 100, elsewhere=True)] == ["A123456789 → 0"]
    assert sync_status(right)["access_pending"] == 1
    proxy.rules.clear()  # the county upgraded
    assert sync_now(right).access == 1
    assert sync_status(right)["access_pending"] == 0
