"""The command line signs operators in: setup's first admin, login/logout, auth.required
without a session, the session's idle expiry, the lockout, roles on commands."""

from __future__ import annotations

import io
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from operator_support import chose_own

from eservice_desktop.cli.main import main
from eservice_desktop.cli.session_files import os_user, session_file
from eservice_desktop.config import load_settings
from eservice_desktop.services import core

ADMIN_PW = "admin password 1"
CLERK_PW = "clerk password 1"
INTAKE = [
    "case", "intake", "--service", "HR-TRANSCRIPT", "--applicant-id", "A123456789",
    "--applicant-name", "王小明", "--field", "registered_address=桃園市桃園區中正路1號",
    "--field", "transcript_kind=現戶", "--field", "record_detail=省略記事",
]  # fmt: skip


class Cli:
    def __init__(self, data: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch):
        self.data, self.capsys, self.mp = data, capsys, mp

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, Any, str]:
        self.mp.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--data-dir", str(self.data), *args])
        out = self.capsys.readouterr()
        try:
            data: Any = json.loads(out.out)
        except ValueError:
            data = out.out
        return code, data, out.err


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    run = Cli(tmp_path / "office", capsys, monkeypatch)
    code, data, _ = run("setup", "--admin", "boss", "--password-stdin", "--json", stdin=ADMIN_PW)
    assert code == 0 and data["admin"] == "boss"
    assert run("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    code, _, err = run(
        "operator", "add", "clerk07", "--name", "王承辦", "--roles", "clerk",
        "--password-stdin", stdin=CLERK_PW,
    )  # fmt: skip
    assert code == 0, err
    chose_own(tmp_path / "office", "clerk07")
    assert run("logout")[0] == 0
    return run


def test_without_a_session_personal_data_and_actions_are_refused(cli: Cli) -> None:
    for args in (["case", "search", "王", "--json"], [*INTAKE, "--json"]):
        code, data, err = cli(*args)
        assert code == 2
        assert data["ok"] is False and data["error"] == "auth.required"
        assert "登入" in err
    code, _, err = cli("--lang", "en", "case", "search", "王")
    assert code == 2 and "Sign in" in err


def test_login_opens_an_owner_only_session_and_events_carry_the_account(cli: Cli) -> None:
    code, data, _ = cli("login", "clerk07", "--password-stdin", "--json", stdin=CLERK_PW)
    assert code == 0 and data["account"] == "clerk07" and data["roles"] == ["clerk"]
    path = session_file(load_settings(cli.data))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = path.read_text().strip()
    code, data, _ = cli(*INTAKE, "--json")
    assert code == 0, data
    code, data, _ = cli("case", "show", data["case_number"], "--json")
    assert code == 0 and {e["clerk"] for e in data["events"]} == {"clerk07"}
    from eservice_desktop.services.core import open_app
    from eservice_desktop.storage.models_operators import OperatorSessionRow

    app = open_app(load_settings(cli.data))
    try:
        with app.reading() as s:
            stored = [r.token_hash for r in s.query(OperatorSessionRow).all()]
    finally:
        app.close()
    assert token not in stored and len(stored) == 1  # only the token's hash
    assert cli("logout", "--json")[1]["ended"] is True
    assert not path.exists()
    assert cli("case", "search", "王", "--json")[1]["error"] == "auth.required"


def test_the_session_expires_after_the_idle_time(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # The commands' clock is the test's: on the wall clock, a loaded machine could take the
    # whole idle time between the login and the first search.
    now = [datetime.now(UTC)]
    monkeypatch.setattr(core, "system_clock", lambda: now[0])
    monkeypatch.setenv("ESERVICE_IDLE_LOCK_MIN", "0.05")  # 3 s
    assert cli("login", "clerk07", "--password-stdin", stdin=CLERK_PW)[0] == 0
    now[0] += timedelta(seconds=2.8)
    assert cli("case", "search", "王", "--json")[0] == 0  # within the idle time
    now[0] += timedelta(seconds=2.8)
    assert cli("case", "search", "王", "--json")[0] == 0  # each use moves the expiry on
    now[0] += timedelta(seconds=3.2)
    code, data, _ = cli("case", "search", "王", "--json")
    assert code == 2 and data["error"] == "auth.required"
    assert "逾時" in data["message"]


def test_idle_lock_off_is_not_taken_and_the_session_still_ends(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ESERVICE_IDLE_LOCK_MIN=0`` (the window never locks) kept a CLI session signed in for
    ever: anyone with a shell as this OS user could set it. It is not taken; the default
    10 idle minutes end the session."""
    now = [datetime.now(UTC)]
    monkeypatch.setattr(core, "system_clock", lambda: now[0])
    monkeypatch.setenv("ESERVICE_IDLE_LOCK_MIN", "0")
    code, out, _ = cli("login", "clerk07", "--password-stdin", "--lang", "en", stdin=CLERK_PW)
    assert code == 0 and "until logout" not in out
    now[0] += timedelta(minutes=9)
    assert cli("case", "search", "王", "--json")[0] == 0
    now[0] += timedelta(minutes=10, seconds=1)
    code, data, _ = cli("case", "search", "王", "--json")
    assert code == 2 and data["error"] == "auth.required"


def test_repeated_wrong_passwords_lock_the_account(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESERVICE_LOGIN_MAX_FAILURES", "3")
    reasons = [
        cli("login", "clerk07", "--password-stdin", "--json", stdin="wrong password")[1]["error"]
        for _ in range(3)
    ]
    assert reasons == ["auth.bad_password"] * 3
    code, data, _ = cli("login", "clerk07", "--password-stdin", "--json", stdin=CLERK_PW)
    assert code == 2 and data["error"] == "auth.locked"
    # the office admin's new password lifts it
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    code, data, _ = cli(
        "operator", "passwd", "CLERK07", "--password-stdin", "--json", stdin="new password 1"
    )  # typed with Caps Lock on: named as kept, like the other operator commands (it said CLERK07)
    assert code == 0 and data == {"ok": True, "account": "clerk07"}, data
    code, data, _ = cli("login", "clerk07", "--password-stdin", "--json", stdin="new password 1")
    assert code == 0, data


def test_operator_list_says_disabled_and_locked_in_the_chosen_language(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list read 「clerk07  王承辦  clerk  [*] disabled locked」 in the zh-TW text, the only
    English words of the line."""
    monkeypatch.setenv("ESERVICE_LOGIN_MAX_FAILURES", "3")
    for _ in range(3):
        cli("login", "clerk07", "--password-stdin", stdin="wrong password")
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    assert cli("operator", "disable", "clerk07")[0] == 0
    code, text, _ = cli("operator", "list")
    line = next(x for x in text.splitlines() if x.startswith("clerk07"))
    assert code == 0 and line.endswith("[*] 已停用 已鎖定"), line
    code, text, _ = cli("--lang", "en", "operator", "list")
    line = next(x for x in text.splitlines() if x.startswith("clerk07"))
    assert code == 0 and line.endswith("[*] disabled locked"), line
    boss = next(x for x in text.splitlines() if x.startswith("boss"))
    assert "[*]  last sign-in " in boss and boss.endswith(" (command line)"), boss


def test_operator_roles_renames_with_the_same_json(cli: Cli) -> None:
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    code, data, _ = cli(
        "operator", "roles", "clerk07", "--roles", "clerk", "--name", " 王小華 ", "--json"
    )
    assert code == 0
    assert data == {"ok": True, "account": "clerk07", "roles": ["clerk"], "departments": []}
    listed = {v["account"]: v for v in cli("operator", "list", "--json")[1]}
    assert listed["clerk07"]["name"] == "王小華"
    code, data, _ = cli("operator", "roles", "clerk07", "--roles", "clerk", "--name", "", "--json")
    assert code == 2 and data["field"] == "name"


def test_operator_enable_undoes_a_disable(cli: Cli) -> None:
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    assert cli("operator", "disable", "clerk07", "--json")[1]["active"] is False
    code, data, _ = cli("operator", "enable", "clerk07", "--json")
    assert code == 0 and data == {"ok": True, "account": "clerk07", "active": True}
    code, data, _ = cli("operator", "enable", "nobody", "--json")
    assert code == 2 and data["error"] == "auth.unknown_account"
    assert cli("login", "clerk07", "--password-stdin", "--json", stdin=CLERK_PW)[0] == 0


def test_roles_decide_the_commands(cli: Cli) -> None:
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    assert cli(
        "operator", "add", "it01", "--name", "資訊", "--roles", "it", "--password-stdin",
        stdin="it password 1",
    )[0] == 0  # fmt: skip
    chose_own(cli.data, "it01")
    code, data, _ = cli("operator", "list", "--json")
    assert [a["account"] for a in data] == ["boss", "clerk07", "it01"]
    assert cli("login", "it01", "--password-stdin", stdin="it password 1")[0] == 0
    for args in (["case", "search", "王", "--json"], ["operator", "list", "--json"]):
        code, data, _ = cli(*args)
        assert code == 2 and data["error"] == "auth.forbidden", args
    assert cli("db", "current")[0] == 0
    assert cli("backup", "now", "--json")[0] == 0
    assert cli("login", "clerk07", "--password-stdin", stdin=CLERK_PW)[0] == 0
    code, data, _ = cli("operator", "add", "x2", "--name", "X", "--roles", "admin",
                        "--password-stdin", "--json", stdin="password 12")  # fmt: skip
    assert code == 2 and data["error"] == "auth.forbidden"
    code, data, _ = cli("setup", "--admin", "evil", "--password-stdin", "--json", stdin="pass 1234")
    assert code == 2 and data["error"] == "auth.forbidden"


def test_clerk_free_text_is_gone(cli: Cli) -> None:
    with pytest.raises(SystemExit) as e:
        cli("--clerk", "someone", "case", "search", "王")
    assert e.value.code == 2


def test_demo_mode_signs_in_the_demo_operator_only_where_no_account_exists(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ESERVICE_DEMO=1 (or --demo) at a counter in use signed in demo01, an office admin with
    every counter role, without a password: `operator list`, `report access` and the rest."""
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    for args in (
        ["whoami"],
        ["operator", "list"],
        ["--demo", "report", "access", "--action", "account"],
    ):
        code, data, _ = cli(*args, "--json")
        assert code == 2 and data["error"] == "auth.forbidden", data
        assert "示範模式" in data["message"]
    fresh = Cli(cli.data.with_name("demo"), cli.capsys, cli.mp)
    code, data, _ = fresh("whoami", "--json")
    assert code == 0 and data["account"] == "demo01"


def test_a_new_password_of_ones_own_says_to_sign_in_again(cli: Cli) -> None:
    """The new password ends the account's sessions, the one that set it too: `operator
    passwd boss` said only 已設定 boss 的密碼, and the next command 請先登入 with no word of
    why."""
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    code, out, _ = cli("operator", "passwd", "boss", "--password-stdin", stdin="new admin pw 2")
    assert code == 0 and "請以新密碼重新登入" in out, out
    assert not session_file(load_settings(cli.data)).exists()
    assert cli("login", "boss", "--password-stdin", stdin="new admin pw 2")[0] == 0
    code, out, _ = cli(
        "--lang", "en", "operator", "passwd", "boss", "--own", "--password-stdin",
        stdin="new admin pw 2\nnewer admin pw 3\n",
    )  # fmt: skip
    assert code == 0 and "sign in again" in out, out
    code, data, _ = cli(
        "operator", "passwd", "clerk07", "--password-stdin", "--json", stdin=CLERK_PW
    )
    assert code == 2 and data["error"] == "auth.required"  # boss signed out, as said


def test_a_password_line_ended_by_windows_signs_in(cli: Cli) -> None:
    """PowerShell pipes a line to a program with CRLF: the CR was read as part of the
    password, so the right password said 密碼錯誤 and counted towards the lockout (approvals
    and PINs already took CRLF)."""
    code, data, err = cli("login", "boss", "--password-stdin", "--json", stdin=ADMIN_PW + "\r\n")
    assert code == 0, (data, err)
    code, _, err = cli(
        "operator", "passwd", "boss", "--own", "--password-stdin",
        stdin=f"{ADMIN_PW}\r\nnew admin pw 2\r\n",
    )  # fmt: skip
    assert code == 0, err
    code, data, _ = cli("login", "boss", "--password-stdin", "--json", stdin="new admin pw 2\n")
    assert code == 0, data


def test_a_password_file_with_a_byte_order_mark_signs_in(cli: Cli) -> None:
    """A password file saved as Notepad's "UTF-8 with BOM" and piped with ``type``: the mark
    was read as the password's first character, so ``operator add`` stored a password no
    clerk can type at the window and ``login`` said 密碼錯誤, one step nearer the lockout."""
    bom = "\ufeff"
    assert cli("login", "boss", "--password-stdin", stdin=bom + ADMIN_PW + "\r\n")[0] == 0
    code, _, err = cli(
        "operator", "add", "clerk09", "--name", "王小華", "--roles", "clerk",
        "--password-stdin", stdin=f"{bom}clerk password 9\r\n",
    )  # fmt: skip
    assert code == 0, err
    typed = "clerk password 9"  # as typed at the window
    code, data, err = cli("login", "clerk09", "--password-stdin", "--json", stdin=typed)
    assert code == 0 and data["account"] == "clerk09", (data, err)
    code, data, err = cli("login", "clerk07", "--password-stdin", "--json", stdin=bom + CLERK_PW)
    assert code == 0 and data["account"] == "clerk07", (data, err)


def test_no_password_on_stdin_is_bad_input_not_a_wrong_password(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script that forgot to pipe the password: 密碼錯誤（再錯 4 次將鎖定帳號）, one step
    nearer the lockout; the approver's password alike."""
    from eservice_desktop.cli.common import read_secret_line
    from eservice_desktop.domain.errors import DomainError

    for stdin in ("", "\n", "\r\n"):
        code, data, err = cli("login", "boss", "--password-stdin", "--json", stdin=stdin)
        assert code == 2 and data["error"] == "stdin.empty", data
        assert data["message"] == "標準輸入沒有密碼"
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        with pytest.raises(DomainError) as e:
            read_secret_line("password")  # the approver's
        assert e.value.code == "stdin.empty"
    code, _, err = cli("--lang", "en", "login", "boss", "--password-stdin", stdin="\n")
    assert code == 2 and "No password on standard input" in err
    code, data, err = cli("login", "boss", "--password-stdin", "--json", stdin="wrong pw 1\n")
    assert data["attempts_left"] == 4, data  # the empty ones counted nothing


def test_the_session_belongs_to_the_os_user_not_to_user_variables(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session file taken to another OS user's account signed in there with USER (or
    LOGNAME) set to its owner's name: the OS user is the process's user id's."""
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    owner = os_user()
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "someone-else")
    assert os_user() == owner
    assert session_file(load_settings(cli.data)).name == f"session-{owner}"
    assert cli("whoami", "--json")[1]["account"] == "boss"


def test_a_refusal_by_role_names_the_action_in_words(cli: Cli) -> None:
    """A clerk's refusal ended on the action's code (不允許這項作業：manage_operators, or
    void): the clerk could not tell what was refused. It says it in words, the code after."""
    from eservice_desktop.domain.action_labels import ACTION_LABELS
    from eservice_desktop.domain.operators import Action

    assert set(ACTION_LABELS) == {a.value for a in Action}  # a new action needs its words
    assert cli("login", "clerk07", "--password-stdin", stdin=CLERK_PW)[0] == 0
    code, data, err = cli("operator", "list", "--json")
    assert code == 2 and data["error"] == "auth.forbidden"
    assert data["message"] == (
        "您的角色或業務範圍不允許這項作業：操作人員管理（manage_operators）；"
        "可執行的角色：事務所管理者"
    )
    code, _, err = cli("--lang", "en", "receipt", "void", "H01-01-115-R000001", "--reason", "x")
    assert code == 2
    assert "do not allow this: voiding a receipt (void)" in err
