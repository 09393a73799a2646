"""A sign-in's record says where the password was typed: the counter window or the command line
(``login``). The records read ``signed-in clerk07`` alike, and an auditor could not tell a
sign-in at the counter from one in a shell of the same PC (a script, a remote session);
``operator list`` and the operators page say where each account last signed in.

Real SQLite, real argon2id hashes, the real command line."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from operator_support import chose_own
from sqlalchemy import select

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import operators
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_audit import COMMAND_LINE, WINDOW, last_sign_in_via
from eservice_desktop.storage.models_audit import AccessLogRow

PASSWORD = "correct horse 1"


@pytest.fixture
def office(app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    app.operator = None
    operators.create_first_admin(app, "boss", "林主任", PASSWORD)
    operators.login(app, "boss", PASSWORD)
    operators.create_operator(app, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    chose_own(app, "clerk07")
    return app


class _Cli:
    def __init__(self, settings: Settings, capsys: Any, mp: pytest.MonkeyPatch) -> None:
        self.data, self.capsys, self.mp = str(settings.data_dir), capsys, mp

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str]:
        self.mp.setattr("sys.stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        code = main(["--data-dir", self.data, *args])
        return code, self.capsys.readouterr().out


def _details(cli: _Cli) -> list[str]:
    code, out = cli("report", "access", "--action", "signin", "--json")
    assert code == 0, out
    return [r["detail"] for r in json.loads(out)["records"]]


def test_the_command_line_and_the_window_say_where_each_sign_in_was(
    office: App, settings: Settings, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = _Cli(settings, capsys, monkeypatch)
    assert cli("login", "clerk07", "--password-stdin", stdin="wrong password 1\n")[0] == 2
    assert cli("login", "nobody9", "--password-stdin", stdin="wrong password 1\n")[0] == 2
    assert cli("login", "clerk07", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    office.operator = None
    operators.login(office, "clerk07", PASSWORD, via=WINDOW)  # what the login screen calls
    with pytest.raises(AuthError):
        operators.login(office, "clerk07", "wrong password 2", via=WINDOW)
    assert cli("login", "boss", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert _details(cli)[-7:] == [
        "refused clerk07: wrong password; command line",
        "refused: unknown account; command line",
        "signed-in clerk07: command line",
        "signed-in clerk07: window",
        "refused clerk07: wrong password; window",
        "signed-in boss: command line",
        "signed-out clerk07: taken over by boss; command line",
    ]
    # the admin's listing says where each last signed in
    _, out = cli("operator", "list", "--json")
    listed = {a["account"]: a for a in json.loads(out)}
    assert listed["clerk07"]["last_login_via"] == WINDOW
    assert listed["boss"]["last_login_via"] == COMMAND_LINE
    _, out = cli("operator", "list")
    lines = {line.split("  ", 1)[0]: line for line in out.splitlines()}
    assert "  上次登入 " in lines["clerk07"] and lines["clerk07"].endswith("（櫃檯視窗）")
    assert lines["boss"].endswith("（命令列）")
    _, out = cli("--lang", "en", "operator", "list")
    boss = next(line for line in out.splitlines() if line.startswith("boss"))
    assert boss.endswith(" (command line)")


def test_an_account_that_never_signed_in_says_nothing_of_where(office: App) -> None:
    listed = {v.account: v for v in operators.list_operators(office)}
    assert listed["clerk07"].last_login_at is None and listed["clerk07"].last_login_via is None
    assert listed["clerk07"].to_json()["last_login_via"] is None
    # a sign-in recorded before the place was (no face said it) is not guessed at
    assert listed["boss"].last_login_at is not None and listed["boss"].last_login_via is None


def test_an_unknown_place_is_refused_before_anything_is_written(office: App) -> None:
    office.operator = None
    with pytest.raises(ValueError):
        operators.login(office, "clerk07", PASSWORD, via="kiosk")


def test_a_sign_out_says_where_the_session_was(
    office: App, settings: Settings, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``signed-out clerk07`` was the window's 登出 and the command line's ``logout`` alike,
    and ``taken over by boss`` a supervisor over the locked window or another ``login`` in a
    shell: the auditor could not tell which session ended."""
    cli = _Cli(settings, capsys, monkeypatch)
    assert cli("login", "clerk07", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert cli("logout")[0] == 0
    office.operator = None
    operators.login(office, "clerk07", PASSWORD, via=WINDOW)
    operators.logout(office)
    operators.record_sign_out(office, "clerk07", via=WINDOW)  # what the window's 登出 calls
    operators.record_sign_out(office, "clerk07", "taken over by boss", via=WINDOW)
    with pytest.raises(ValueError):  # an unknown place: nothing written
        operators.record_sign_out(office, "clerk07", via="kiosk")
    assert cli("login", "boss", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert _details(cli)[-6:] == [
        "signed-in clerk07: command line",
        "signed-out clerk07: command line",
        "signed-in clerk07: window",
        "signed-out clerk07: window",
        "signed-out clerk07: taken over by boss; window",
        "signed-in boss: command line",
    ]


def test_a_refused_takeover_of_a_locked_window_is_a_refused_sign_in_there(office: App) -> None:
    """A supervisor's wrong password over clerk07's locked window read ``refused super01: wrong
    password; password check``, as a refused approval does: the auditor read an approval, not
    a try at taking over the window. The takeover that follows says where both were."""
    from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts

    from eservice_desktop.gui.auth import authenticate  # the login screen's worker side

    add_accounts(office)
    office.operator = None
    operators.login(office, "clerk07", PASSWORD, via=WINDOW)  # then the window locks
    with pytest.raises(AuthError):
        authenticate(office, SUPERVISOR, "wrong password 3", "clerk07")
    assert authenticate(office, SUPERVISOR, SUPERVISOR_PASSWORD, "clerk07").new_session
    with office.reading() as s:
        query = select(AccessLogRow.detail).where(AccessLogRow.action == "signin")
        said = s.scalars(query.order_by(AccessLogRow.seq)).all()
    assert said[-3:] == [
        f"refused {SUPERVISOR}: wrong password; window",
        f"signed-in {SUPERVISOR}: window",
        f"signed-out clerk07: taken over by {SUPERVISOR}; window",
    ]


def _signin_records(app: App) -> list[str]:
    with app.reading() as s:
        query = select(AccessLogRow.detail).where(AccessLogRow.action == "signin")
        return list(s.scalars(query.order_by(AccessLogRow.seq)).all())


def test_a_locked_window_and_its_unlock_read_as_such(office: App) -> None:
    """The window's lock wrote nothing, and the clerk's own password over it read ``signed-in
    clerk07: window`` a second time with no sign-out between: the auditor could not tell an
    unlock from a new sign-in, nor when the counter stood locked. Records written before
    (``signed-in clerk07: window``) read as they did."""
    from eservice_desktop.gui.auth import authenticate  # the login screen's worker side

    office.operator = None
    assert authenticate(office, "clerk07", PASSWORD, None).new_session
    operators.record_screen_lock(office, "clerk07", "idle", via=WINDOW)  # what the lock calls
    assert not authenticate(office, "CLERK07", PASSWORD, "clerk07").new_session
    operators.record_screen_lock(office, "clerk07", "manual", via=WINDOW)
    operators.record_screen_lock(office, "clerk07", "card", via=WINDOW)
    with pytest.raises(ValueError):  # an unknown reason or place: nothing written
        operators.record_screen_lock(office, "clerk07", "coffee", via=WINDOW)
    with pytest.raises(ValueError):
        operators.record_screen_lock(office, "clerk07", "idle", via="kiosk")
    assert _signin_records(office)[-5:] == [
        "signed-in clerk07: window",
        "screen-locked clerk07: idle; window",
        "signed-in clerk07: unlocked; window",
        "screen-locked clerk07: by hand; window",
        "screen-locked clerk07: card left; window",
    ]
    # the unlock is a sign-in at the window still, for where clerk07 last signed in
    with office.reading() as s:
        assert last_sign_in_via(s, "clerk07") == WINDOW


def test_another_clerks_right_password_over_a_locked_window_is_on_record(office: App) -> None:
    """clerk08's own right password over clerk07's locked window was refused (``NotYours``)
    and nothing written: an auditor saw no try at another's counter."""
    from eservice_desktop.gui.auth import NotYours, authenticate

    operators.create_operator(office, "clerk08", "李承辦", [Role.CLERK], PASSWORD)
    chose_own(office, "clerk08")
    office.operator = None
    operators.login(office, "clerk07", PASSWORD, via=WINDOW)
    operators.record_screen_lock(office, "clerk07", "idle", via=WINDOW)
    with pytest.raises(NotYours):
        authenticate(office, "clerk08", PASSWORD, "clerk07")
    assert office.operator is not None and office.operator.account == "clerk07"
    with pytest.raises(AuthError):  # a wrong password reads as before
        authenticate(office, "clerk08", "wrong password 4", "clerk07")
    assert _signin_records(office)[-3:] == [
        "screen-locked clerk07: idle; window",
        "refused clerk08: unlock of clerk07's window; window",
        "refused clerk08: wrong password; window",
    ]
