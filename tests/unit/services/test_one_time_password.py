"""A password someone else set is a one-time password: an office admin who creates an account
or resets its password knows that password, and the clerk went on using it for good, so the
admin could sign in as the clerk and every act read as the clerk's. The owner signs in with it
and must choose their own before anything else; a supervisor's approval with it is refused."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from factories import request
from sqlalchemy import select

from eservice_desktop.cli.main import main
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import Action, Role
from eservice_desktop.services import approvals, intake, operators, payments
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_audit import AccessLogRow
from eservice_desktop.storage.models_operators import OperatorRow

ADMIN_PW = "admin password 1"
FIRST = "given by the admin 1"
OWN = "only the clerk knows 2"


@pytest.fixture
def office(app: App) -> App:
    """The first admin ``boss`` signed in, who has just added ``clerk07``."""
    app.operator = None
    operators.create_first_admin(app, "boss", "林主任", ADMIN_PW)
    operators.login(app, "boss", ADMIN_PW)
    operators.create_operator(app, "clerk07", "王承辦", [Role.CLERK], FIRST)
    return app


def _marked(app: App, account: str) -> bool:
    with app.reading() as s:
        row = s.get(OperatorRow, account)
        assert row is not None
        return row.password_must_change


def _account_records(app: App) -> list[tuple[str, str]]:
    with app.reading() as s:
        rows = s.scalars(select(AccessLogRow).order_by(AccessLogRow.seq))
        return [(r.operator, r.detail) for r in rows if r.action == "account"]


def test_a_new_account_signs_in_and_does_nothing_before_choosing_its_own(office: App) -> None:
    app = office
    assert not _marked(app, "boss")  # the first admin chose their own at setup
    assert _marked(app, "clerk07")
    assert _account_records(app)[-1] == (
        "boss",
        "created clerk07: roles clerk; scope *; must change",
    )
    listed = {v.account: v.to_json() for v in operators.list_operators(app)}
    assert listed["clerk07"]["must_change_password"] is True
    assert listed["boss"]["must_change_password"] is False

    op = operators.login(app, "clerk07", FIRST)  # the sign-in itself succeeds
    assert op.must_change_password
    for action in (Action.VIEW_CASE, Action.INTAKE, Action.SEARCH):
        with pytest.raises(AuthError) as refused:
            operators.require(app, action)
        assert refused.value.reason == "auth.password_change_required"
        assert "passwd clerk07 --own" in refused.value.message_zh
        assert "passwd clerk07 --own" in refused.value.message_en
    with pytest.raises(AuthError):  # a use case, not only the guard
        intake.intake(app, request())
    with pytest.raises(AuthError):  # nor its own account changes as an admin would
        operators.set_password(app, "clerk07", OWN)

    with pytest.raises(DomainError) as same:  # the admin would still know it
        operators.set_password(app, "clerk07", FIRST, old_password=FIRST)
    assert same.value.code == "operator.password_not_own"
    assert _marked(app, "clerk07")
    operators.set_password(app, "clerk07", OWN, old_password=FIRST)
    assert not _marked(app, "clerk07")
    assert _account_records(app)[-1] == ("clerk07", "password clerk07: own")
    assert operators.require(app, Action.INTAKE).account == "clerk07"  # in this very session
    intake.intake(app, request())
    operators.login(app, "clerk07", OWN)
    assert operators.require(app, Action.VIEW_CASE).account == "clerk07"


def test_an_admins_reset_marks_the_account_again_and_the_admins_own_does_not(
    office: App,
) -> None:
    app = office
    operators.login(app, "clerk07", FIRST)
    operators.set_password(app, "clerk07", OWN, old_password=FIRST)
    operators.login(app, "boss", ADMIN_PW)
    for _ in range(app.settings.login_max_failures):  # locked: the reset lifts it too
        with pytest.raises(AuthError):
            operators.verify_password(app, "clerk07", "wrong password 9")
    operators.set_password(app, "clerk07", "reset by boss 3")
    assert _marked(app, "clerk07")
    assert _account_records(app)[-1] == (
        "boss",
        "password clerk07: set; lockout lifted; must change",
    )
    operators.set_password(app, "boss", "boss's own new 4")  # the operators page, own account
    assert not _marked(app, "boss")
    assert _account_records(app)[-1] == ("boss", "password boss: set")
    operators.login(app, "clerk07", "reset by boss 3")
    with pytest.raises(AuthError) as refused:
        operators.require(app, Action.VIEW_CASE)
    assert refused.value.reason == "auth.password_change_required"


def test_a_command_line_session_of_a_marked_account_is_refused_too(office: App) -> None:
    """The session resumed by the next command carries the mark (another process)."""
    app = office
    operators.login(app, "clerk07", FIRST)
    token = operators.open_session(app, "clerk")
    app.operator = None
    operators.resume_session(app, token, "clerk")
    with pytest.raises(AuthError) as refused:
        operators.require(app, Action.SEARCH)
    assert refused.value.reason == "auth.password_change_required"


def test_a_supervisors_approval_with_a_one_time_password_is_refused(office: App) -> None:
    app = office
    operators.create_operator(app, "super01", "林主管", [Role.SUPERVISOR], FIRST)
    operators.create_operator(app, "cash01", "陳收費", [Role.CASHIER], FIRST)
    operators.login(app, "cash01", FIRST)
    operators.set_password(app, "cash01", OWN, old_password=FIRST)
    number = _as_clerk_request(app)
    receipt = payments.record_payment(app, number, "cash", 15).receipt_number
    approval = approvals.Approval("super01", FIRST, "金額誤收")
    with pytest.raises(AuthError) as refused:
        approvals.check(app, "super01", FIRST, "void")
    assert (refused.value.reason, refused.value.field) == (
        "auth.password_change_required",
        "approver",
    )
    assert "super01" in refused.value.message_zh and "super01" in refused.value.message_en
    with pytest.raises(AuthError) as void:
        payments.void_receipt(app, receipt, "金額誤收", approval=approval)
    assert void.value.reason == "auth.password_change_required"
    assert payments.receipts_of_case(app, number)[0].status != "void"

    operators.login(app, "super01", FIRST)  # the supervisor chooses their own
    operators.set_password(app, "super01", OWN, old_password=FIRST)
    operators.login(app, "cash01", OWN)
    payments.void_receipt(app, receipt, "金額誤收", approval=approvals.Approval("super01", OWN))
    assert payments.receipts_of_case(app, number)[0].status == "void"


def _as_clerk_request(app: App) -> str:
    """A case taken in by a clerk (the cashier may not), as a cashier's counter finds it."""
    cashier = app.operator
    app.operator = None
    operators.login(app, "clerk07", FIRST)
    operators.set_password(app, "clerk07", OWN, old_password=FIRST)
    number = intake.intake(app, request()).case_number
    app.operator = cashier
    return number


def test_an_account_the_county_takes_over_is_not_marked(office: App) -> None:
    """The county's password is county IT's: its owner cannot change it at a counter
    (``operator.county_password``), so a mark left on it would refuse them everything."""
    record = {
        "account": "clerk07",
        "name": "王承辦",
        "roles": ["clerk"],
        "password_hash": operators.hash_password("from the county 1"),
    }
    assert operators.upsert_provisioned(office, [record]) == 1
    assert not _marked(office, "clerk07")
    operators.login(office, "clerk07", "from the county 1")
    assert operators.require(office, Action.VIEW_CASE).account == "clerk07"


def test_the_demo_supervisor_is_not_marked(app: App) -> None:
    operators.ensure_demo_supervisor(app)
    assert not _marked(app, "demo-sup")


class _Cli:
    def __init__(self, data: Path, capsys: Any, mp: pytest.MonkeyPatch) -> None:
        self.data, self.capsys, self.mp = data, capsys, mp

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, Any, str]:
        self.mp.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--data-dir", str(self.data), *args])
        out = self.capsys.readouterr()
        try:
            return code, json.loads(out.out), out.err
        except ValueError:
            return code, out.out, out.err


def test_the_command_line_signs_in_and_refuses_everything_but_passwd_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    cli = _Cli(tmp_path / "office", capsys, monkeypatch)
    assert cli("setup", "--admin", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    add = ("operator", "add", "clerk07", "--name", "王承辦", "--roles", "clerk,supervisor")
    assert cli(*add, "--password-stdin", stdin=FIRST)[0] == 0
    code, listed, _ = cli("operator", "list", "--json")
    assert [(a["account"], a["must_change_password"]) for a in listed] == [
        ("boss", False),
        ("clerk07", True),
    ]
    # the text listing says it too (it showed the account as any other)
    code, text, _ = cli("operator", "list")
    lines = dict(line.split("  ", 1) for line in text.splitlines())
    assert lines["clerk07"].endswith(" 待變更密碼") and "待變更" not in lines["boss"]
    code, text, _ = cli("--lang", "en", "operator", "list")
    assert "clerk07  王承辦  clerk,supervisor  [*] must change password" in text

    code, data, _ = cli("login", "clerk07", "--password-stdin", "--json", stdin=FIRST)
    assert code == 0 and data["password_change_required"] is True
    code, text, _ = cli("login", "clerk07", "--password-stdin", stdin=FIRST)
    assert code == 0 and "passwd clerk07 --own" in text and "他人設定" in text
    for args in (("case", "search", "王"), ("receipt", "pending"), ("operator", "list")):
        code, data, _ = cli(*args, "--json")
        assert (code, data["ok"], data["error"]) == (2, False, "auth.password_change_required")
        assert "passwd clerk07 --own" in data["message"]
    code, _, err = cli("--lang", "en", "case", "search", "王")
    assert code == 2 and "choose your own first" in err and "passwd clerk07 --own" in err
    code, data, _ = cli("whoami", "--json")
    assert code == 0 and data["password_change_required"] is True

    own = ("operator", "passwd", "clerk07", "--own", "--password-stdin", "--json")
    code, data, _ = cli(*own, stdin=f"{FIRST}\n{FIRST}\n")
    assert (code, data["error"]) == (2, "operator.password_not_own")
    assert cli(*own, stdin=f"{FIRST}\n{OWN}\n")[0] == 0
    code, data, _ = cli("login", "clerk07", "--password-stdin", "--json", stdin=OWN)
    assert code == 0 and data["password_change_required"] is False
    code, data, _ = cli("case", "search", "王", "--json")
    assert code == 0 and data["total"] == 0


def _hash_and_mark(data: Path, account: str) -> tuple[str, int]:
    from db_support import connect_db

    with connect_db(data) as conn:
        sql = "SELECT password_hash, password_must_change FROM operators WHERE account = ?"
        row = conn.execute(sql, (account,)).fetchone()
        return str(row[0]), int(row[1])


def test_passwd_own_for_another_account_is_refused_not_taken_as_a_reset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``operator passwd clerk07 --own`` typed by the signed-in office admin (the clerk at the
    admin's counter, old and new typed) said 已設定 clerk07 的密碼: the old password was never
    checked, a wrong one alike, and the new one became a one-time password the clerk had to
    replace again. The demo operator's ``passwd demo-sup --own`` did the same to demo-sup."""
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    data = tmp_path / "office"
    cli = _Cli(data, capsys, monkeypatch)
    assert cli("setup", "--admin", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    assert cli("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    add = ("operator", "add", "clerk07", "--name", "王承辦", "--roles", "clerk")
    assert cli(*add, "--password-stdin", stdin=FIRST)[0] == 0
    before = _hash_and_mark(data, "clerk07")
    own = ("operator", "passwd", "clerk07", "--own", "--password-stdin")
    code, data_out, _ = cli(*own, "--json", stdin=f"not the old one\n{OWN}\n")
    assert (code, data_out["ok"], data_out["error"]) == (2, False, "operator.own_other")
    assert "boss" in data_out["message"] and "clerk07" in data_out["message"]
    code, _, err = cli("--lang", "en", *own, stdin=f"{FIRST}\n{OWN}\n")
    assert code == 2 and "Only the signed-in account (boss)" in err
    assert _hash_and_mark(data, "clerk07") == before  # nothing changed
    code, listed, _ = cli("report", "access", "--action", "account", "--json")
    assert not any("password clerk07" in r["detail"] for r in listed["records"])
    # the admin's reset (no --own) and the owner's own (signed in) still work
    assert cli("operator", "passwd", "clerk07", "--password-stdin", stdin=f"{OWN}x\n")[0] == 0
    assert cli("login", "clerk07", "--password-stdin", stdin=f"{OWN}x\n")[0] == 0
    assert cli(*own, stdin=f"{OWN}x\n{OWN}\n")[0] == 0
    assert _hash_and_mark(data, "clerk07")[1] == 0


def test_demo_passwd_own_of_the_demo_supervisor_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    data = tmp_path / "demo"
    cli = _Cli(data, capsys, monkeypatch)
    own = ("operator", "passwd", "demo-sup", "--own", "--password-stdin", "--json")
    assert cli("demo", "seed", "--cases", "1")[0] == 0  # adds the demo supervisor
    before = _hash_and_mark(data, "demo-sup")
    password = operators.DEMO_SUPERVISOR_PASSWORD
    code, out, _ = cli(*own, stdin=f"{password}\nnew demo pass 1\n")
    assert (code, out["error"]) == (2, "operator.own_other")
    assert _hash_and_mark(data, "demo-sup") == before
