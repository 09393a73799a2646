"""Changes to operator accounts in the access log: each change leaves exactly one chained
``account`` record, in the change's own transaction, naming who made it and what changed, never
a display name or password material; a refused change leaves none; ``report access`` lists
them; ``eservice.log`` keeps its lines for IT."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import access, operators
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_audit import AccessLogRow

PASSWORD = "correct horse 1"
SECRETS = ("林主任", "王承辦", "王大明", "縣府派員", "縣府新名", PASSWORD, "argon2")


@pytest.fixture
def office(app: App) -> App:
    """An office whose first admin (boss, 林主任) is signed in."""
    app.operator = None
    operators.create_first_admin(app, "boss", "林主任", PASSWORD)
    operators.login(app, "boss", PASSWORD)
    return app


def _records(app: App) -> list[tuple[str, str]]:
    """``(operator, detail)`` of every account record, in chain order; checks the chain."""
    with app.reading() as s:
        assert access.first_break(s) is None
        rows = s.scalars(
            select(AccessLogRow).where(AccessLogRow.action == "account").order_by(AccessLogRow.seq)
        )
        out = [(r.operator, r.detail) for r in rows]
    for _who, detail in out:
        assert not any(secret in detail for secret in SECRETS), detail
    return out


def _one_more(app: App, change: Callable[[], Any]) -> tuple[str, str] | None:
    """What ``change`` appended: exactly one record, or None when it appended none."""
    before = _records(app)
    change()
    after = _records(app)
    assert after[: len(before)] == before
    assert len(after) - len(before) <= 1, after[len(before) :]
    return after[-1] if len(after) > len(before) else None


def test_the_first_admin_is_recorded_as_made_by_themselves(office: App) -> None:
    assert _records(office) == [("boss", "created boss: roles admin; scope *; first admin")]


def test_each_account_change_leaves_one_chained_record(
    office: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "eservice.operators")
    scope = "household"  # a department of this (household) office: another is refused

    def step(change: Callable[[], Any]) -> tuple[str, str] | None:
        return _one_more(office, change)

    assert step(
        lambda: operators.create_operator(office, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    ) == ("boss", "created clerk07: roles clerk; scope *; must change")
    assert step(lambda: operators.set_roles(office, "clerk07", [Role.CLERK, Role.SUPERVISOR])) == (
        "boss",
        "changed clerk07: roles clerk→clerk,supervisor",
    )
    assert step(
        lambda: operators.set_roles(office, "clerk07", ["clerk", "supervisor"], name="王大明")
    ) == ("boss", "changed clerk07: name changed")
    assert step(
        lambda: operators.set_roles(office, "clerk07", ["clerk"], [scope], name="王大明")
    ) == ("boss", f"changed clerk07: roles clerk,supervisor→clerk; scope *→{scope}")
    assert step(lambda: operators.set_roles(office, "clerk07", ["clerk"], [scope])) is None
    assert step(lambda: operators.set_password(office, "clerk07", "new secret 22")) == (
        "boss",
        "password clerk07: set; must change",
    )
    for _ in range(office.settings.login_max_failures):  # lock clerk07
        with pytest.raises(AuthError):
            operators.verify_password(office, "clerk07", "wrong password")
    assert step(lambda: operators.set_password(office, "clerk07", "new secret 33")) == (
        "boss",
        "password clerk07: set; lockout lifted; must change",
    )
    assert step(lambda: operators.deactivate(office, "clerk07")) == ("boss", "disabled clerk07")
    assert step(lambda: operators.deactivate(office, "clerk07")) is None
    assert step(lambda: operators.activate(office, "clerk07")) == ("boss", "enabled clerk07")
    assert step(lambda: operators.activate(office, "clerk07")) is None

    operators.login(office, "clerk07", "new secret 33")
    assert step(
        lambda: operators.set_password(office, "clerk07", PASSWORD, old_password="new secret 33")
    ) == ("clerk07", "password clerk07: own")
    # the log for IT keeps its lines
    assert "roles of clerk07 set by boss" in caplog.text
    assert "operator clerk07 disabled by boss" in caplog.text


def test_provisioned_accounts_are_recorded_as_the_county_s(office: App) -> None:
    office.operator = None  # the sync service, as the device
    record = {
        "account": "county01",
        "name": "縣府派員",
        "roles": ["pickup"],
        "departments": [],
        "active": True,
        "password_hash": operators.hash_password("from the county"),
    }
    assert _one_more(office, lambda: operators.upsert_provisioned(office, [record])) == (
        "device:01",
        "provisioned county01: new; roles pickup; scope *",
    )
    assert _one_more(office, lambda: operators.upsert_provisioned(office, [record])) is None
    changed = {
        **record,
        "name": "縣府新名",
        "roles": ["pickup", "cashier"],
        "active": False,
        "password_hash": operators.hash_password("changed at the county"),
    }
    assert _one_more(office, lambda: operators.upsert_provisioned(office, [changed])) == (
        "device:01",
        "provisioned county01: roles pickup→cashier,pickup; name changed; password changed; "
        "disabled",
    )
    both = [{**record, "account": "county02"}, {**record, "account": "county03"}]
    operators.upsert_provisioned(office, both)
    assert [d for _w, d in _records(office)[-2:]] == [
        "provisioned county02: new; roles pickup; scope *",
        "provisioned county03: new; roles pickup; scope *",
    ]


def test_the_demo_supervisor_is_recorded_once(
    make_app: Callable[..., App], settings: Settings
) -> None:
    settings.demo = True
    app = make_app(settings)  # the tester signed in
    assert _one_more(app, lambda: operators.ensure_demo_supervisor(app)) == (
        "tester",
        "created demo-sup: roles supervisor; scope *; demo",
    )
    assert _one_more(app, lambda: operators.ensure_demo_supervisor(app)) is None


@pytest.mark.parametrize(
    "refused",
    [
        lambda a: operators.set_roles(a, "boss", ["clerk"]),  # the last admin role
        lambda a: operators.set_roles(a, "clerk07", ["boss"]),  # no such role
        lambda a: operators.set_roles(a, "clerk07", ["clerk"], ["NOPE"]),
        lambda a: operators.set_roles(a, "nobody", ["clerk"]),
        lambda a: operators.set_password(a, "clerk07", "short"),
        lambda a: operators.set_password(a, "nobody", "long enough 123"),
        lambda a: operators.set_password(a, "boss", "long enough 123", old_password="wrong"),
        lambda a: operators.create_operator(a, "clerk07", "王承辦", ["clerk"], PASSWORD),
        lambda a: operators.create_operator(a, "clerk08", "", ["clerk"], PASSWORD),
        lambda a: operators.create_first_admin(a, "boss2", "林主任", PASSWORD),
        lambda a: operators.deactivate(a, "boss"),  # oneself
        lambda a: operators.upsert_provisioned(  # the second record is bad: neither is kept
            a,
            [
                {"account": "county09", "roles": ["clerk"], "password_hash": "$argon2id$x"},
                {"account": "county10", "roles": ["clerk"], "password_hash": "plain"},
            ],
        ),
    ],
)
def test_a_refused_change_leaves_no_record(office: App, refused: Callable[[App], Any]) -> None:
    operators.create_operator(office, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    before = _records(office)
    assert before[-1] == ("boss", "created clerk07: roles clerk; scope *; must change")
    with pytest.raises((DomainError, AuthError)):
        refused(office)
    assert _records(office) == before


def test_a_clerk_cannot_change_accounts_and_leaves_no_record(office: App) -> None:
    operators.create_operator(office, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    operators.login(office, "clerk07", PASSWORD)
    before = _records(office)
    assert len(before) == 2  # the first admin, clerk07
    with pytest.raises(AuthError):
        operators.set_roles(office, "clerk07", ["clerk", "admin"])
    with pytest.raises(AuthError):
        operators.set_password(office, "boss", "long enough 123")
    assert _records(office) == before


def test_report_access_lists_and_filters_account_changes(
    office: App, settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    operators.create_operator(office, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    operators.set_roles(office, "clerk07", ["clerk", "supervisor"])
    access.record(office, access.SEARCH, detail="王小")  # not an account change
    monkeypatch.delenv("ESERVICE_DEMO")  # an office's database: boss signs in
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--data-dir", str(settings.data_dir), "login", "boss", "--password-stdin"]) == 0

    def cli(*args: str) -> Any:
        capsys.readouterr()
        code = main(["--data-dir", str(settings.data_dir), "report", "access", *args])
        out = capsys.readouterr().out
        assert code == 0, out
        return json.loads(out) if out.startswith("{") else out

    out = cli("--action", "account", "--json")
    assert out["action"] == "account" and out["count"] == 3
    assert out["by_action"] == {
        "view": 0,
        "search": 0,
        "print": 0,
        "export": 0,
        "account": 3,
        "signin": 0,
    }
    assert [(r["operator"], r["action"], r["detail"]) for r in out["records"]] == [
        ("boss", "account", "created boss: roles admin; scope *; first admin"),
        ("boss", "account", "created clerk07: roles clerk; scope *; must change"),
        ("boss", "account", "changed clerk07: roles clerk→clerk,supervisor"),
    ]
    out = cli("--operator", "boss", "--json")  # everything boss did, the search too
    assert out["by_action"]["account"] == 3 and out["by_action"]["search"] == 1
    out = cli("--operator", "boss", "--action", "search", "--json")
    assert [r["action"] for r in out["records"]] == ["search"]
    text = cli("--action", "account")
    assert "帳號異動" in text and "changed clerk07: roles clerk→clerk,supervisor" in text
    assert "3 筆" in text
    assert "account changed" in cli("--action", "account", "--lang", "en")


def test_a_lockout_is_recorded_by_the_counter_once(office: App) -> None:
    """Five wrong passwords locked clerk07 with a line in eservice.log only; the auditor's
    trail said nothing of it. The lockout is one record, written by this counter (no one is
    signed in), and the wrong passwords before it and after it (still locked) add none."""
    operators.create_operator(office, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    operators.logout(office)
    before = _records(office)
    for _ in range(office.settings.login_max_failures + 2):
        with pytest.raises(AuthError):
            operators.login(office, "clerk07", "wrong password 1")
    added = _records(office)[len(before) :]
    device = office.device_actor.clerk
    assert added == [(device, "locked clerk07: 5 wrong passwords; 15 min")], added
    with pytest.raises(AuthError) as still:
        operators.login(office, "clerk07", PASSWORD)
    assert still.value.code == "auth.locked"
    assert len(_records(office)) == len(before) + 1


@pytest.mark.parametrize(
    "module",
    [
        "operators_signin",
        "operators_audit",
        "access",
        "operators_accounts",
        "operators",
        "operators_sessions",
        "county_login",
        "operators_demo",
    ],
)
def test_each_account_module_imports_first_in_a_fresh_process(module: str) -> None:
    """The window imports the sign-in module first, on the writer, at its core's opening: a
    module-level import of the audit there closed a cycle (sign-in → audit → access → sign-in)
    that only a fresh process, in that order, met: the window started and then crashed."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", f"import eservice_desktop.services.{module}"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
