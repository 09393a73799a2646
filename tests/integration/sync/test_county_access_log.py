"""Who at which office looked at a citizen's cases: the county reads the offices' access logs
it keeps (``eservice-county-server access --case NUMBER | --subject ID``, county/access_log.py;
real offices pushing to a real county over loopback, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sync_helpers import CountyServer, county_cli, enrol, sync_now
from test_lookups import _case

from eservice_desktop.county.cli import main as county_main
from eservice_desktop.services import case_queues, cases, operators_audit
from eservice_desktop.services.core import App


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
