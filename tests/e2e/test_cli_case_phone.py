"""``case phone``: the applicant's new mobile number through the real command line (a bad
number is exit 2 in the --lang language with nothing stored; the case then holds the new one)."""

from __future__ import annotations

from test_cli_cases import HR


def _intake(cli) -> str:  # type: ignore[no-untyped-def]
    r = cli(
        "case", "intake", *HR, "--applicant-id", "A123456789", "--applicant-name", "王小明",
        "--phone", "0912345678", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    return str(r.json["case_number"])


def _events(cli, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["type"] for e in cli("case", "show", number, "--json").json["events"]]


def test_a_new_mobile_number_is_recorded_and_a_bad_one_refused(cli) -> None:  # type: ignore[no-untyped-def]
    number = _intake(cli)
    before = _events(cli, number)
    bad = cli("case", "phone", number, "--phone", "0912-34567", "--json")
    assert bad.code == 2
    assert bad.json == {
        "ok": False,
        "error": "phone.format",
        "field": "phone",
        "message": "手機號碼格式錯誤：應為 09 開頭的 10 位數字（例如 0912345678）",
    }
    en = cli("--lang", "en", "case", "phone", number, "--phone", "12345")
    assert en.code == 2 and "10 digits starting with 09" in en.err
    same = cli("--lang", "en", "case", "phone", number, "--phone", "0912 345 678", "--json")
    assert same.code == 2 and same.json["error"] == "phone.unchanged"
    assert _events(cli, number) == before  # nothing stored
    ok = cli("case", "phone", number, "--phone", "+886 987-654-321", "--json")
    assert ok.code == 0, ok.err
    assert ok.json == {
        "ok": True,
        "case_number": number,
        "phone": "0987654321",
        "reissue": False,
        "others": [],
    }
    shown = cli("case", "show", number, "--json").json
    assert shown["phone"] == "0987654321"
    assert shown["events"][-1]["type"] == "case.phone_changed"
    assert shown["events"][-1]["payload"] == {"phone": "0987654321"}


def test_a_cancelled_case_keeps_its_number(cli) -> None:  # type: ignore[no-untyped-def]
    number = _intake(cli)
    assert cli("case", "cancel", number, "--reason", "民眾撤回申請").code == 0
    r = cli("--lang", "en", "case", "phone", number, "--phone", "0987654321", "--json")
    assert r.code == 2 and r.json["error"] == "case.not_open"
    assert "mobile number cannot change" in r.json["message"]


def test_a_new_pickup_code_is_refused_before_the_case_is_ready(cli) -> None:  # type: ignore[no-untyped-def]
    number = _intake(cli)
    before = _events(cli, number)
    r = cli("--lang", "en", "case", "reissue-code", number, "--json")
    assert r.code == 2 and r.json["error"] == "pickup.not_ready"
    assert "issued no code yet" in r.json["message"]
    assert _events(cli, number) == before


def test_the_applicants_other_cases_with_the_old_number_are_named(cli) -> None:  # type: ignore[no-untyped-def]
    first, second = _intake(cli), _intake(cli)
    third = _intake(cli)
    assert cli("case", "cancel", third, "--reason", "民眾撤回申請").code == 0
    r = cli("--lang", "en", "case", "phone", first, "--phone", "0987654321")
    assert r.code == 0
    assert f"Other cases of the applicant have another number: {second}" in r.out
    assert third not in r.out  # withdrawn: nothing to tell by phone
    done = cli("case", "phone", second, "--phone", "0987654321", "--json")
    assert done.json["others"] == []
