"""Sign-ins in the access log (action ``signin``): every sign-in, refused sign-in and sign-out
is a chained record an auditor reads with ``report access``, naming the account (never what
was typed for an unknown one), the office, the counter and the time (UTC), never a password."""

from __future__ import annotations

import io
import json
from datetime import UTC, timedelta
from typing import Any

import pytest
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts
from operator_support import chose_own
from sqlalchemy import select

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import access, approvals, operators
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_audit import WINDOW
from eservice_desktop.storage.models_audit import AccessLogRow
from eservice_desktop.storage.models_operators import OperatorSessionRow

PASSWORD = "correct horse 1"
TYPED_ID = "A123456789"  # an ID number typed into the account field


@pytest.fixture
def office(app: App) -> App:
    app.operator = None
    operators.create_first_admin(app, "boss", "林主任", PASSWORD)
    operators.login(app, "boss", PASSWORD)
    operators.create_operator(app, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    chose_own(app, "clerk07")
    return app


def _signins(app: App) -> list[tuple[str, str]]:
    """``(operator, detail)`` of every sign-in record, in chain order; checks the chain."""
    with app.reading() as s:
        assert access.first_break(s) is None
        rows = s.scalars(
            select(AccessLogRow).where(AccessLogRow.action == "signin").order_by(AccessLogRow.seq)
        )
        out = [(r.operator, r.detail) for r in rows]
    for who, detail in out:
        for secret in (PASSWORD, "wrong password 1", TYPED_ID, "林主任", "王承辦"):
            assert secret not in who + detail
    return out


def _refuse(app: App, account: str, password: str) -> str:
    with pytest.raises(AuthError) as e:
        operators.login(app, account, password)
    return e.value.reason


def test_sign_ins_refusals_and_sign_outs_are_in_the_access_log(office: App, clock: Any) -> None:
    device = office.device_actor.clerk
    assert _signins(office) == [("boss", "signed-in boss")]
    assert _refuse(office, "CLERK07", "wrong password 1") == "auth.bad_password"
    assert _refuse(office, TYPED_ID, PASSWORD) == "auth.unknown_account"
    assert operators.login(office, "clerk07", PASSWORD).account == "clerk07"
    token = operators.open_session(office, "clerk")
    assert operators.end_session(office, token)
    operators.login(office, "clerk07", PASSWORD)
    token = operators.open_session(office, "clerk")
    clock.set(clock.now + timedelta(minutes=office.settings.idle_lock_min, seconds=1))
    with pytest.raises(AuthError):
        operators.resume_session(office, token, "clerk")
    operators.record_sign_out(office, "boss", "taken over by clerk07", via=WINDOW)
    assert _signins(office)[1:] == [
        ("clerk07", "refused clerk07: wrong password"),
        (device, "refused: unknown account"),
        ("clerk07", "signed-in clerk07"),
        ("clerk07", "signed-out clerk07: command line"),
        ("clerk07", "signed-in clerk07"),
        ("clerk07", "signed-out clerk07: idle; command line"),
        ("boss", "signed-out boss: taken over by clerk07; window"),
    ]


def test_locked_and_disabled_accounts_and_approvers_are_refused_on_record(office: App) -> None:
    add_accounts(office)  # a supervisor, super01
    operators.deactivate(office, "clerk07")
    assert _refuse(office, "clerk07", PASSWORD) == "auth.inactive"
    for _ in range(office.settings.login_max_failures):
        _refuse(office, SUPERVISOR, "wrong password 1")
    assert _refuse(office, SUPERVISOR, "wrong password 1") == "auth.locked"
    office.operator = None
    operators.login(office, "clerk02", "clerk-secret-2")
    with pytest.raises(AuthError):
        approvals.check(office, SUPERVISOR, "wrong password 1", "void")
    added = _signins(office)[1:]
    assert added[0] == ("clerk07", "refused clerk07: disabled")
    assert (
        added[1 : 1 + office.settings.login_max_failures]
        == [(SUPERVISOR, f"refused {SUPERVISOR}: wrong password")]
        * office.settings.login_max_failures
    )
    assert added[-3:] == [
        (SUPERVISOR, f"refused {SUPERVISOR}: locked"),
        ("clerk02", "signed-in clerk02"),
        (SUPERVISOR, f"refused {SUPERVISOR}: locked; password check"),
    ]


def test_the_auditor_reads_them_with_report_access(office: App) -> None:
    _refuse(office, "clerk07", "wrong password 1")
    office.operator = None
    operators.login(office, "boss", PASSWORD)
    found = access.report(office, operator="clerk07", action=access.SIGNIN)
    assert [r.detail for r in found] == ["refused clerk07: wrong password"]
    record = found[0]
    assert (record.office, record.device) == ("H01", "01")
    assert record.at.utcoffset() == timedelta(0) and record.at.tzinfo is not None
    assert record.at == office.now().astimezone(UTC)
    assert access.summary(access.report(office, action=access.SIGNIN))["signin"] == 3


def test_report_access_action_signin(
    office: App, settings: Settings, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("ESERVICE_DEMO")  # an office's database: boss signs in
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--data-dir", str(settings.data_dir), "login", "boss", "--password-stdin"]) == 0

    def cli(*args: str) -> str:
        capsys.readouterr()
        code = main(["--data-dir", str(settings.data_dir), "report", "access", *args])
        out = capsys.readouterr().out
        assert code == 0, out
        return out

    data = json.loads(cli("--action", "signin", "--json"))
    assert data["by_action"]["signin"] == data["count"] == 2
    # the fixture's sign-in (no face), then the command line's, which says so
    assert [r["detail"] for r in data["records"]] == [
        "signed-in boss",
        "signed-in boss: command line",
    ]
    assert "登入登出" in cli("--action", "signin")


def test_a_cli_sign_in_over_a_live_session_ends_it_on_record(
    office: App, settings: Settings, capsys: Any, monkeypatch: Any
) -> None:
    """Another account's ``login`` at the same PC (OS user) overwrote the session file and left
    the session it replaced live in the database, with no record: the log read clerk07 signed
    in from 10:00 on, sup01 too, as if both were at the PC, and clerk07's session lived on for
    its idle minutes."""
    monkeypatch.delenv("ESERVICE_DEMO")
    add_accounts(office)  # super01, among others, with their passwords

    def login(account: str, password: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        capsys.readouterr()
        assert (
            main(["--data-dir", str(settings.data_dir), "login", account, "--password-stdin"]) == 0
        )

    def whoami() -> str:
        capsys.readouterr()
        assert main(["--data-dir", str(settings.data_dir), "whoami", "--json"]) == 0
        return str(json.loads(capsys.readouterr().out)["account"])

    login("clerk07", PASSWORD)
    before = len(_signins(office))
    login(SUPERVISOR, SUPERVISOR_PASSWORD)
    assert whoami() == SUPERVISOR
    login(SUPERVISOR, SUPERVISOR_PASSWORD)  # the same account again
    login("clerk07", PASSWORD)
    assert whoami() == "clerk07"
    assert _signins(office)[before:] == [
        (SUPERVISOR, f"signed-in {SUPERVISOR}: command line"),
        ("clerk07", f"signed-out clerk07: taken over by {SUPERVISOR}; command line"),
        (SUPERVISOR, f"signed-in {SUPERVISOR}: command line"),
        (SUPERVISOR, f"signed-out {SUPERVISOR}: signed in again; command line"),
        ("clerk07", "signed-in clerk07: command line"),
        (SUPERVISOR, f"signed-out {SUPERVISOR}: taken over by clerk07; command line"),
    ]
    with office.reading() as s:  # one live session: the last
        assert [r.account for r in s.scalars(select(OperatorSessionRow))] == ["clerk07"]


def test_sessions_a_new_password_or_a_disable_ends_are_signed_out_on_record(office: App) -> None:
    """A new password and a disable delete the account's command line sessions; they went
    without a record: after ``passwd --own`` (請以新密碼重新登入) the log read clerk07 signed in
    from their ``login`` on and never out, whoever signed in at that PC next."""
    before = len(_signins(office))
    operators.login(office, "clerk07", PASSWORD)
    operators.open_session(office, "clerk")
    operators.set_password(office, "clerk07", "a new password 1", old_password=PASSWORD)
    operators.login(office, "clerk07", "a new password 1")
    operators.open_session(office, "clerk")
    operators.open_session(office, "clerk2")  # the same account for a second OS user
    operators.login(office, "boss", PASSWORD)
    operators.set_password(office, "clerk07", "a new password 2")  # the admin's reset
    operators.login(office, "clerk07", "a new password 2")
    operators.open_session(office, "clerk")
    operators.login(office, "boss", PASSWORD)
    operators.deactivate(office, "clerk07")
    assert _signins(office)[before:] == [
        ("clerk07", "signed-in clerk07"),
        ("clerk07", "signed-out clerk07: password changed; command line"),  # their own new password
        ("clerk07", "signed-in clerk07"),
        ("boss", "signed-in boss"),
        ("clerk07", "signed-out clerk07: password changed; command line"),  # both sessions
        ("clerk07", "signed-out clerk07: password changed; command line"),
        ("clerk07", "signed-in clerk07"),
        ("boss", "signed-in boss"),
        ("clerk07", "signed-out clerk07: disabled; command line"),
    ]
    with office.reading() as s:
        assert not list(s.scalars(select(OperatorSessionRow)))


def test_a_session_idleness_ended_is_signed_out_on_record_at_the_next_sign_in(
    office: App, clock: Any
) -> None:
    """A session left to run out and never used again was deleted by the next ``login`` at the
    PC (another OS user's) without a record: the log read clerk07 signed in for good."""
    operators.login(office, "clerk07", PASSWORD)
    operators.open_session(office, "clerk")
    clock.set(clock.now + timedelta(minutes=office.settings.idle_lock_min, seconds=1))
    operators.login(office, "boss", PASSWORD)
    before = len(_signins(office))
    operators.open_session(office, "boss")
    assert _signins(office)[before:] == [("clerk07", "signed-out clerk07: idle; command line")]
    with office.reading() as s:
        assert [r.account for r in s.scalars(select(OperatorSessionRow))] == ["boss"]
