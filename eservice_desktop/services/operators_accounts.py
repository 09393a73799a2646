"""Operator accounts, kept by the office admin: create, list, set a password or the roles,
scope and name, disable and enable again; the accounts the county provisions by sync; the demo
supervisor. Every change is also an ``account`` record of the access log, appended in the
change's own transaction (``services.operators_audit``).

Apart from the sign-in (``services.operators_signin``) because these write accounts while the
sign-in only reads and counts failures; ``services.operators`` re-exports both.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import (
    NAME_MAX,
    Action,
    Operator,
    Role,
    account_key,
    check_account,
    check_new_account,
    check_shown_name,
    forbidden,
    parse_roles,
)
from eservice_desktop.services import operators_admins as admins
from eservice_desktop.services import operators_audit as audit
from eservice_desktop.services import operators_held as held
from eservice_desktop.services import operators_sessions as sessions
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_demo import office_database
from eservice_desktop.services.operators_lockout import _aware
from eservice_desktop.services.operators_scope import check_departments as _check_departments
from eservice_desktop.services.operators_signin import (
    DEMO_SUPERVISOR,
    DEMO_SUPERVISOR_PASSWORD,
    _operator,
    _unknown,
    current,
    hash_password,
    password_mark,
    password_set_here,
    require,
    verify_password,
)
from eservice_desktop.storage.models_operators import OperatorRow

log = logging.getLogger("eservice.operators")

# --- accounts (office admin) --------------------------------------------------------------------


def _check_name(name: object, typed: bool = True) -> str:
    """An operator's display name, refused as the operators page names the field (姓名), kept
    without the spaces around it; one typed in shows what it is (``check_shown_name``)."""
    label, text = ("姓名", "Name"), (name.strip() if isinstance(name, str) else name)
    text = values.check_text(text, "name", max_len=NAME_MAX, min_len=1, label=label)
    return check_shown_name(text, label) if typed else text


def _roles_text(roles: Iterable[Role | str]) -> str:
    return " ".join(sorted(r.value for r in parse_roles(str(r) for r in roles)))


def _insert(  # noqa: PLR0917
    app: App,
    s: Session,
    account: str,
    name: str,
    roles: Iterable[Role | str],
    password: str,
    departments: Iterable[str],
    must_change: bool = False,
) -> Operator:
    """A new account; ``must_change``: its password was set by someone else (an office
    admin's new account), a one-time password its owner replaces at the first sign-in."""
    account = check_new_account(account)
    if s.get(OperatorRow, account) is not None:
        raise DomainError(
            "operator.exists", f"帳號已存在：{account}", f"Account exists: {account}", "account"
        )
    now = app.now()
    row = OperatorRow(
        account=account,
        name=_check_name(name),
        roles=_roles_text(roles),
        departments=_check_departments(app, departments),
        active=True,
        password_hash=hash_password(password, account),
        failed_attempts=0,
        source="local",
        created_at=now,
        updated_at=now,
        password_changed_at=now,
        password_must_change=must_change,
    )
    s.add(row)
    return _operator(row)


def create_first_admin(app: App, account: str, name: str, password: str) -> Operator:
    """A fresh office's first account, an office admin (``setup``); refused once any exists."""
    with app.transaction() as s:
        # the demo supervisor (demo seeding) approves demo data only: it is no office admin
        others = select(func.count()).where(OperatorRow.account != DEMO_SUPERVISOR.account)
        if s.scalar(others.select_from(OperatorRow)):
            raise _accounts_exist(app, s)
        op = _insert(app, s, account, name, [Role.ADMIN], password, ())
        office_database(s)  # demo mode is refused from now on
        audit.note(app, s, audit.created(op.account, op.roles, (), "first admin"), by=op.account)
    log.info("first office admin %s created", op.account)
    return op


def _accounts_exist(app: App, s: Session) -> AuthError:
    """Why a first admin is refused. A PC whose first sync brought the county's accounts and
    none of them an admin (a second counter of the office) has no one to add accounts: the
    refusal sent IT to an office admin this PC did not have, so it names the county's command
    that provisions one (which signs in at once: the sign-in pulls a new county account)."""
    roles = s.scalars(select(OperatorRow.roles).where(OperatorRow.active.is_(True))).all()
    if any(Role.ADMIN.value in r.split() for r in roles):
        return AuthError(
            "auth.forbidden",
            "已有操作員帳號；請由事務所管理者新增帳號",
            "Operator accounts exist already; an office admin adds accounts",
        )
    office = app.settings.office_code
    command = f"eservice-county-server operator add ACCOUNT --office {office} --role admin"
    return AuthError(
        "auth.forbidden",
        f"本機已有縣府佈建的操作員帳號，但沒有事務所管理者：請縣府資訊人員以 {command} "
        "佈建管理者，佈建後即可在本機登入",
        f"This PC has operator accounts the county provisioned but no office admin: county "
        f"IT provisions one with {command}, who can then sign in here",
    )


def create_operator(
    app: App,
    account: str,
    name: str,
    roles: Iterable[Role | str],
    password: str,
    *,
    departments: Iterable[str] = (),
) -> Operator:
    admin = require(app, Action.MANAGE_OPERATORS)
    with app.transaction() as s:
        admins.acting(app, s)
        op = _insert(app, s, account, name, roles, password, departments, must_change=True)
        created = audit.created(op.account, op.roles, op.departments, audit.MUST_CHANGE)
        audit.note(app, s, created)
    log.info("operator %s created by %s", op.account, admin.account)
    return op


def _row(s: Session, account: str) -> OperatorRow:
    try:
        account = check_account(account)
    except DomainError:
        raise _unknown() from None
    row = s.get(OperatorRow, account)
    if row is None:
        raise _unknown()
    return row


def set_password(app: App, account: str, new_password: str, old_password: str | None = None) -> str:
    """An office admin sets anyone's password (and lifts a lockout); an operator changes their
    own with the old one. Returns the account as kept. A password set for another account is a
    one-time password (``password_must_change``): the admin knows it, so its owner must choose
    their own at the next sign-in; the owner's own clears the mark."""
    me = current(app)
    own = check_account(account) == me.account if account else False
    if old_password is not None and not own:
        raise _own_of_another(account, me.account)
    if not own or old_password is None:
        require(app, Action.MANAGE_OPERATORS)
    with app.reading() as s:
        if _row(s, account).source == "county":
            raise held.county_password(_row(s, account))
        one_time = _row(s, account).password_must_change
    new_hash = hash_password(new_password, account_key(account))
    if own and old_password is not None:
        verify_password(app, account, old_password)
        if one_time and new_password == old_password:  # the admin would still know it
            raise _same_as_set()
    with app.transaction() as s:
        if not own or old_password is None:
            admins.acting(app, s)
        row = _row(s, account)
        locked_until = _aware(row.locked_until)
        how = ["own"] if own and old_password is not None else ["set"]
        if locked_until is not None and locked_until > app.now():
            how.append("lockout lifted")
        if not own:
            how.append(audit.MUST_CHANGE)
        audit.note(app, s, audit.detail("password", row.account, how))
        row.password_hash = new_hash
        row.failed_attempts = 0
        row.locked_until = None
        row.password_must_change = not own
        row.password_changed_at = row.updated_at = app.now()
        sessions.end_sessions(app, s, row.account, "password changed")
        account = row.account  # as kept: CLERK08 typed is clerk08
    if account == me.account:  # the other sessions of the account end, not this one
        password_set_here(app, account, password_mark(row))
    log.info("password of %s set by %s", account, me.account)
    return account


def _own_of_another(account: str, signed_in: str) -> DomainError:
    """One's own password (the old one given) for an account not signed in: an admin's
    ``passwd clerk07 --own`` was taken as a reset, the old password never checked."""
    shown = values.printable(account, 40)
    return DomainError(
        "operator.own_other",
        f"只能以舊密碼變更目前登入帳號（{signed_in}）自己的密碼：{shown} 請自行登入後變更；"
        "事務所管理者重設他人密碼不需舊密碼（不加 --own）",
        f"Only the signed-in account ({signed_in}) changes its own password with the old one: "
        f"{shown} signs in and changes it; an office admin resets another's password without "
        "the old one (without --own)",
        "account",
    )


def _same_as_set() -> DomainError:
    return DomainError(
        "operator.password_not_own",
        "新密碼不能與管理者設定的密碼相同：請設定只有自己知道的密碼",
        "The new password must differ from the one the office admin set: choose one only you know",
        "password",
    )


def set_roles(
    app: App,
    account: str,
    roles: Iterable[Role | str],
    departments: Iterable[str] | None = None,
    *,
    name: str | None = None,
) -> Operator:
    """An office admin sets an account's roles, and its scope and display name when given (the
    operators page saves all three at once: a name typed there must not be dropped unseen)."""
    admin = require(app, Action.MANAGE_OPERATORS)
    text = _roles_text(roles)
    new_name = None if name is None else _check_name(name)
    with app.transaction() as s:
        admin = admins.acting(app, s)
        row = _row(s, account)
        admins.not_own_admin_role(admin, row, text)
        was_admin = admins.is_active_admin(row)
        renamed = new_name is not None and new_name != row.name
        old = (row.roles, row.departments, row.active)
        row.roles = text
        if departments is not None:
            row.departments = _check_departments(app, departments)
        if new_name is not None:
            row.name = new_name
        row.updated_at = app.now()
        admins.keep_one(s, row, was_admin)
        op = _operator(row)
        what = audit.changes(old, (row.roles, row.departments, row.active), renamed=renamed)
        if what:
            audit.note(app, s, audit.detail("changed", op.account, what))
    log.info("roles of %s set by %s", op.account, admin.account)
    if renamed:  # the name itself is personal data: the log says only that it changed
        log.info("display name of %s changed by %s", op.account, admin.account)
    return op


def deactivate(app: App, account: str) -> Operator:
    admin = require(app, Action.MANAGE_OPERATORS)
    with app.transaction() as s:
        admin = admins.acting(app, s)
        row = _row(s, account)
        was_admin = admins.is_active_admin(row)
        if row.account == admin.account:
            raise DomainError(
                "operator.self_disable",
                "不能停用自己的帳號",
                "You cannot disable your own account",
                "account",
            )
        if row.active:
            audit.note(app, s, audit.detail("disabled", row.account))
        row.active = False
        row.updated_at = app.now()
        held.hold(s, row, True)  # whatever the county sends next (operators_held.py)
        admins.keep_one(s, row, was_admin)
        sessions.end_sessions(app, s, row.account, "disabled")
        op = _operator(row)
    log.info("operator %s disabled by %s", op.account, admin.account)
    return op


def activate(app: App, account: str) -> Operator:
    """An office admin enables a disabled account again (a disable by mistake, someone back
    from leave): without it a disabled account could only be replaced by a new one. Its
    password and roles are as they were; a county account the county disabled is disabled
    again by the next sync."""
    admin = require(app, Action.MANAGE_OPERATORS)
    with app.transaction() as s:
        admins.acting(app, s)
        row = _row(s, account)
        changed = not row.active
        row.active = True
        if changed:
            row.updated_at = app.now()
            audit.note(app, s, audit.detail("enabled", row.account))
        held.hold(s, row, False)
        op = _operator(row)
    if changed:
        log.info("operator %s enabled by %s", op.account, admin.account)
    return op


def get_operator(app: App, account: str) -> Operator:
    """The stored account (no password check); ``auth.unknown_account`` when absent."""
    with app.reading() as s:
        return _operator(_row(s, account))


def ensure_demo_supervisor(app: App) -> Operator:
    """The demo supervisor's account (:data:`DEMO_SUPERVISOR`), created when missing (demo
    seeding only). An existing account of that name must still be an active supervisor."""
    with app.transaction() as s:
        row = s.get(OperatorRow, DEMO_SUPERVISOR.account)
        if row is None:
            password = DEMO_SUPERVISOR_PASSWORD if app.settings.demo else secrets.token_urlsafe(24)
            op = _insert(
                app,
                s,
                DEMO_SUPERVISOR.account,
                DEMO_SUPERVISOR.name,
                DEMO_SUPERVISOR.roles,
                password,
                (),
            )
            by = None if app.operator else app.device_actor.clerk
            audit.note(app, s, audit.created(op.account, op.roles, (), "demo"), by=by)
            log.info("demo supervisor %s created", op.account)
            return op
        op = _operator(row)
    if not op.active or Role.SUPERVISOR not in op.roles:
        raise forbidden(Action.APPROVE)
    return op
