"""``case reopen``: a case closed by mistake opened again through the real command line, with
a supervisor's approval and a reason; wrong values are exit 2 with nothing stored."""

from __future__ import annotations

from cli_support import add_supervisor
from test_cli_cases import HR

APPROVER = ("--approver", "super01", "--approver-password-stdin")
PASSWORD = "super-secret-1\n"


def _closed(cli) -> str:  # type: ignore[no-untyped-def]
    number = cli(
        "case", "intake", *HR, "--applicant-id", "A123456789", "--applicant-name", "林峰", "--json"
    ).json["case_number"]  # fmt: skip
    paid = cli("payment", "record", number, "--method", "cash", "--amount", "15")
    assert paid.code == 0, paid.err
    assert cli("case", "close", number).code == 0
    return str(number)


def _events(cli, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["type"] for e in cli("case", "show", number, "--json").json["events"]]


def test_a_case_closed_by_mistake_is_reopened_with_a_supervisor(cli) -> None:  # type: ignore[no-untyped-def]
    add_supervisor(cli)
    number = _closed(cli)
    before = _events(cli, number)
    bare = cli("case", "reopen", number, "--reason", "誤按結案", "--json")
    assert bare.code == 2 and bare.json["error"] == "auth.approval_required"
    blank = cli("case", "reopen", number, "--reason", " ", *APPROVER, "--json", stdin=PASSWORD)
    assert blank.code == 2 and blank.json["error"] == "case.reason_required"
    wrong = cli("case", "reopen", number, "--reason", "x", *APPROVER, "--json", stdin="no\n")
    assert wrong.code == 2 and wrong.json["error"] == "auth.bad_password"
    assert _events(cli, number) == before
    done = cli(
        "case", "reopen", number, "--reason", "誤按結案", *APPROVER, "--json", stdin=PASSWORD
    )
    assert done.code == 0, done.err
    assert done.json["status"] == "received"
    assert _events(cli, number)[-2:] == ["case.approval_granted", "case.reopened"]
    again = cli(
        "--lang", "en", "case", "reopen", number, "--reason", "x", *APPROVER, stdin=PASSWORD
    )
    assert again.code == 2 and "not closed" in again.err
    text = cli("--lang", "en", "case", "show", number)
    assert any("Reopened" in line and "誤按結案" in line for line in text.out.splitlines())
