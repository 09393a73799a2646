"""``case correct``: the applicant's name and address corrected through the real command line
(a value intake refuses, no reason or nothing to correct is exit 2 in the --lang language with
nothing stored; the case, its search and its history then show the correction)."""

from __future__ import annotations

from test_cli_cases import HR


def _intake(cli, name: str = "林峰") -> str:  # type: ignore[no-untyped-def]
    r = cli(
        "case", "intake", *HR, "--applicant-id", "A123456789", "--applicant-name", name, "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    return str(r.json["case_number"])


def _events(cli, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["type"] for e in cli("case", "show", number, "--json").json["events"]]


def test_the_name_and_address_are_corrected_with_a_reason(cli) -> None:  # type: ignore[no-untyped-def]
    number = _intake(cli)
    ok = cli(
        "case", "correct", number, "--name", "林峯", "--address", "桃園市桃園區中正路11號",
        "--reason", "姓名誤植，依身分證更正", "--json",
    )  # fmt: skip
    assert ok.code == 0, ok.err
    assert ok.json == {
        "ok": True,
        "case_number": number,
        "applicant_name": "林峯",
        "fields": {"registered_address": "桃園市桃園區中正路11號"},
        "email": "",
    }
    shown = cli("case", "show", number, "--json").json
    assert shown["applicant_name"] == "林峯"
    assert shown["events"][-1]["type"] == "case.applicant_corrected"
    found = cli("case", "search", "林峯", "--json")
    assert found.code == 0 and number in found.out
    text = cli("--lang", "en", "case", "show", number)
    line = [x for x in text.out.splitlines() if "Applicant's details corrected" in x]
    assert line and "姓名誤植" in line[0] and "桃園市桃園區中正路11號" in line[0]


def test_the_email_is_corrected_and_a_malformed_one_refused(cli) -> None:  # type: ignore[no-untyped-def]
    number = _intake(cli)
    bad = cli("--lang", "en", "case", "correct", number, "--email", "a@@b", "--reason", "x")
    assert bad.code == 2 and "email: " in bad.err
    ok = cli("case", "correct", number, "--email", "lin@example.org", "--reason", "x", "--json")
    assert ok.code == 0 and ok.json["email"] == "lin@example.org"
    text = cli("--lang", "en", "case", "show", number)
    assert "email lin@example.org" in text.out
    # the case itself says its address now, not only the correction in its history: the JSON
    # had no e-mail key, and the one the county sends notices to was in no line of it
    assert cli("case", "show", number, "--json").json["email"] == "lin@example.org"
    assert "email: lin@example.org" in text.out.splitlines()


def test_case_show_gives_the_email_typed_at_intake(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "case", "intake", *HR, "--applicant-id", "A123456789", "--applicant-name", "林峰",
        "--email", "lin@example.org", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    number = str(r.json["case_number"])
    assert cli("case", "show", number, "--json").json["email"] == "lin@example.org"
    cleared = cli("case", "correct", number, "--email", "", "--reason", "民眾不留", "--json")
    assert cleared.code == 0, cleared.err
    assert cli("case", "show", number, "--json").json["email"] == ""


def test_bad_values_are_exit_2_and_store_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    number = _intake(cli)
    before = _events(cli, number)
    bad = cli("case", "correct", number, "--name", "林\u200b峯", "--reason", "更正", "--json")
    assert bad.code == 2
    assert bad.json["ok"] is False and "applicant_name" in bad.json["errors"]
    en = cli("--lang", "en", "case", "correct", number, "--name", "林峯", "--reason", " ")
    assert en.code == 2 and "Enter the reason for the correction" in en.err
    same = cli("--lang", "en", "case", "correct", number, "--name", "林峰", "--reason", "x")
    assert same.code == 2 and "nothing to correct" in same.err
    field = cli(
        "case", "correct", number, "--address", "transcript_kind=全戶", "--reason", "x", "--json"
    )
    # a field of the form that is no address: refused, never stored as the address's text
    assert field.code == 2 and field.json["error"] == "correction.not_address"
    assert "transcript_kind" in field.json["errors"]
    missing = cli("case", "correct", number, "--name", "林峯")  # no --reason
    assert missing.code == 2
    assert _events(cli, number) == before


def test_a_cancelled_case_keeps_its_name(cli) -> None:  # type: ignore[no-untyped-def]
    number = _intake(cli)
    assert cli("case", "cancel", number, "--reason", "民眾撤回申請").code == 0
    r = cli("--lang", "en", "case", "correct", number, "--name", "林峯", "--reason", "x", "--json")
    assert r.code == 2 and r.json["error"] == "case.not_open"
    assert "cannot be corrected" in r.json["message"]
