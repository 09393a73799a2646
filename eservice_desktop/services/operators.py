"""Operators: sign-in, the role check every guarded use case makes, and account management.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile). A wrong
password counts against the account in the database; after ``login_max_failures`` in a row the
account is locked for ``login_lockout_min`` minutes (an office admin's ``passwd`` unlocks it). The
county provisions an office's accounts with hashes made the same way, so a login needs no network.

``require(app, action, service_code)`` is the guard: it raises ``auth.required`` without a
signed-in operator and ``auth.forbidden`` when no role of the operator (or, for a service, the
office kind and the operator's scope) allows the action.

A CLI session (``open_session``) is a random token: the session file of the OS user holds it,
the database only its SHA-256 and the expiry, which each use moves forward by the idle time the
GUI locks after (``idle_lock_min``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import (
    COUNTER_ROLES,
    NAME_MAX,
    Action,
    Operator,
    Role,
    check_account,
    forbidden,
    parse_roles,
)
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_operators import OperatorRow, OperatorSessionRow

log = logging.getLogger("eservice.operators")

PASSWORD_MIN = 8
PASSWORD_MAX = 128

#: The operator demo mode signs in without a password (README demo, ``--demo``, ESERVICE_DEMO=1).
DEMO_OPERATOR = Operator(
    account="demo01",
    name="示範操作員",
    roles=COUNTER_ROLES,
)

#: The demo supervisor: approves the exceptions demo seeding records (fee reductions, voids,
#: refunds), so the demo's approvals name a supervisor other than the demo operator. In demo mode
#: its password is :data:`DEMO_SUPERVISOR_PASSWORD` (to try the approval dialog); elsewhere a
#: random one nobody knows.
DEMO_SUPERVISOR = Operator(
    account="demo-sup",
    name="示範主管",
    roles=frozenset({Role.SUPERVISOR}),
)
DEMO_SUPERVISOR_PASSWORD = "demo-sup-1234"  # demo mode only (docs/operators.md)

_hasher = PasswordHasher()  # argon2id


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so both answers take the same time.
    Made on first use, not at import: one argon2 hash (64 MiB, tens of ms) off the start-up."""
    return _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def check_password(password: object) -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise DomainError(
            "operator.password",
            f"密碼須為 {PASSWORD_MIN} 到 {PASSWORD_MAX} 個字元",
            f"A password is {PASSWORD_MIN} to {PASSWORD_MAX} characters long",
            "password",
        )
    if "\x00" in password or password.strip() != password:
        raise DomainError(
            "operator.password",
            "密碼不可含 NUL 或前後空白",
            "A password may not hold NUL or begin or end with a space",
            "password",
        )
    return password


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=UTC)


def _operator(row: OperatorRow) -> Operator:
    return Operator(
        account=row.account,
        name=row.name,
        roles=frozenset(Role(r) for r in row.roles.split()),
        departments=frozenset(row.departments.split()),
        active=row.active,
    )


def _unknown() -> AuthError:
    return AuthError("auth.unknown_account", "查無此帳號", "No such account")


def _required() -> AuthError:
    return AuthError(
        "auth.required",
        "請先登入（eservice-desktop login 帳號 --password-stdin）",
        "Sign in first (eservice-desktop login ACCOUNT --password-stdin)",
    )


# --- who is signed in -------------------------------------------------------------------------


def current(app: App) -> Operator:
    """The signed-in operator; ``auth.required`` when nobody is."""
    if app.operator is None:
        raise _required()
    return app.operator


def require(app: App, action: Action, service_code: str | None = None) -> Operator:
    """The guard every guarded service function calls first."""
    op = current(app)
    if service_code is not None and app.catalogue.has_service(service_code):
        allowed = op.can(action, service_code, app.catalogue, app.office_kind)
    else:
        allowed = op.can(action)
    if not allowed:
        log.info("refused %s to %s", action.value, op.account)
        raise forbidden(action, service_code)
    return op


def sign_in_demo(app: App) -> Operator:
    """Demo mode only: signs in :data:`DEMO_OPERATOR` without a password."""
    if not app.settings.demo:
        raise AuthError("auth.forbidden", "僅示範模式可用", "Only in demo mode")
    app.operator = DEMO_OPERATOR
    return DEMO_OPERATOR


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
            log.info("demo supervisor %s created", op.account)
            return op
        op = _operator(row)
    if not op.active or Role.SUPERVISOR not in op.roles:
        raise forbidden(Action.APPROVE)
    return op


def logout(app: App) -> None:
    app.operator = None


# --- passwords and lockout ----------------------------------------------------------------------


def _locked(row: OperatorRow, now: datetime) -> AuthError | None:
    """``auth.locked`` while the account's lockout lasts."""
    locked_until = _aware(row.locked_until)
    if locked_until is None or locked_until <= now:
        return None
    minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
    return AuthError(
        "auth.locked",
        f"密碼錯誤次數過多，帳號已鎖定，約 {minutes} 分鐘後再試或請管理者重設密碼",
        f"Too many wrong passwords: the account is locked for about {minutes} min "
        "(or until an office admin resets the password)",
        extra={"minutes": minutes},
    )


def _wrong_password(app: App, row: OperatorRow, now: datetime) -> AuthError:
    """Counts a wrong password against the account (locking it after the last one allowed)."""
    row.failed_attempts += 1
    left = app.settings.login_max_failures - row.failed_attempts
    if left <= 0:
        row.failed_attempts = 0
        row.locked_until = now + timedelta(minutes=app.settings.login_lockout_min)
        log.warning("account %s locked after repeated wrong passwords", row.account)
    return AuthError(
        "auth.bad_password",
        "密碼錯誤" + (f"（再錯 {left} 次將鎖定帳號）" if left > 0 else "，帳號已鎖定"),
        "Wrong password"
        + (f" ({left} more and the account is locked)" if left > 0 else "; account locked"),
        extra={"attempts_left": max(left, 0)},
    )


def _inactive() -> AuthError:
    return AuthError("auth.inactive", "此帳號已停用", "This account is disabled")


def _check_in(app: App, s: Session, account: str, password: str) -> OperatorRow:
    """Verifies a password inside a write transaction, counting failures and locking."""
    now = app.now()
    try:
        account = check_account(account)
    except DomainError:
        row = None
    else:
        row = s.get(OperatorRow, account)
    if row is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), password or "-")
        raise _unknown()
    locked = _locked(row, now)
    if locked is not None:
        raise locked
    try:
        _hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        raise _wrong_password(app, row, now) from None
    if not row.active:
        raise _inactive()
    row.failed_attempts = 0
    row.locked_until = None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return row


def unknown_account() -> AuthError:
    return _unknown()


def account_source(app: App, account: str) -> str | None:
    """Where the account (a checked account name) comes from: ``county`` (provisioned by sync),
    ``local`` (made at this office), None when this office does not know it."""
    with app.reading() as s:
        row = s.get(OperatorRow, account)
        return None if row is None else row.source


def county_sign_in(app: App, account: str, reason: str, roles: Iterable[str]) -> Operator:
    """Signs in (or refuses) ``account`` as the county decided (``services.county_login``:
    ``reason`` empty = the county accepted the password, with the account's ``roles`` there).
    A wrong password counts towards this office's lockout; a lock here still holds; an account
    disabled here stays disabled."""
    now = app.now()
    error: AuthError | None = None
    with app.transaction() as s:
        row = s.get(OperatorRow, account)
        error = _unknown() if row is None else _locked(row, now)
        if row is not None and error is None:
            if reason == "auth.bad_password":
                error = _wrong_password(app, row, now)
            elif reason == "auth.inactive" or (not reason and not row.active):
                error = _inactive()
            elif reason:
                error = _unknown()
            else:
                row.failed_attempts = 0
                row.locked_until = None
                row.last_login_at = now
                op = _operator(row)
    if error is not None:
        raise error
    known = {r.value for r in Role}
    county_roles = frozenset(Role(r) for r in roles if r in known)
    return replace(op, roles=county_roles) if county_roles else op


def _verify_committed(app: App, account: str, password: str, login: bool) -> Operator:
    """Checks the password; failures are committed even though an AuthError is raised."""
    error: AuthError | None = None
    with app.transaction() as s:
        try:
            row = _check_in(app, s, account, password)
        except AuthError as e:
            error = e
        else:
            if login:
                row.last_login_at = app.now()
            op = _operator(row)
    if error is not None:
        raise error
    return op


def verify_password(app: App, account: str, password: str) -> Operator:
    """The account's operator when the password is right, without signing in (approvals: a
    supervisor confirms on the clerk's counter). Wrong passwords count towards the lockout."""
    return _verify_committed(app, account, password, login=False)


def login(app: App, account: str, password: str) -> Operator:
    """Signs ``account`` in on this App (argon2id verify, lockout after repeated failures).

    An enrolled office asks the county first when it can reach it (``services.county_login``:
    the county's answer decides for the accounts it provisions); otherwise, and for accounts
    made at this office, the provisioned hashes here decide (offline)."""
    from eservice_desktop.services import county_login

    op = county_login.online_login(app, account, password)
    if op is None:
        op = _verify_committed(app, account, password, login=True)
    app.operator = op
    log.info("operator %s signed in", op.account)
    return op


# --- accounts (office admin) --------------------------------------------------------------------


@dataclass(frozen=True)
class AccountView:
    account: str
    name: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]
    active: bool
    locked: bool
    source: str
    last_login_at: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "name": self.name,
            "roles": list(self.roles),
            "departments": list(self.departments),
            "active": self.active,
            "locked": self.locked,
            "source": self.source,
            "last_login_at": self.last_login_at,
        }


def _check_name(name: object) -> str:
    return values.check_text(name, "name", max_len=NAME_MAX, min_len=1)


def _check_departments(app: App, departments: Iterable[str]) -> str:
    codes: list[str] = []
    for raw in departments:
        for code in str(raw).replace(",", " ").split():
            known = code in {d.code for d in app.catalogue.departments}
            if not known and not app.catalogue.has_service(code):
                shown = values.printable(code, 30)
                raise DomainError(
                    "operator.department",
                    f"不明的業務範圍（單位或申辦項目代碼）：{shown}",
                    f"Unknown scope (department or service code): {shown}",
                    "departments",
                )
            codes.append(code)
    return " ".join(sorted(set(codes)))


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
) -> Operator:
    account = check_account(account)
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
        password_hash=hash_password(password),
        failed_attempts=0,
        source="local",
        created_at=now,
        updated_at=now,
        password_changed_at=now,
    )
    s.add(row)
    return _operator(row)


def create_first_admin(app: App, account: str, name: str, password: str) -> Operator:
    """A fresh office's first account, an office admin (``setup``); refused once any exists."""
    with app.transaction() as s:
        # the demo supervisor (demo seeding) approves demo data only: it is no office admin
        others = select(func.count()).where(OperatorRow.account != DEMO_SUPERVISOR.account)
        if s.scalar(others.select_from(OperatorRow)):
            raise AuthError(
                "auth.forbidden",
                "已有操作員帳號；請由事務所管理者新增帳號",
                "Operator accounts exist already; an office admin adds accounts",
            )
        op = _insert(app, s, account, name, [Role.ADMIN], password, ())
    log.info("first office admin %s created", op.account)
    return op


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
        op = _insert(app, s, account, name, roles, password, departments)
    log.info("operator %s created by %s", op.account, admin.account)
    return op


def _view(row: OperatorRow, now: datetime) -> AccountView:
    locked_until = _aware(row.locked_until)
    last = _aware(row.last_login_at)
    return AccountView(
        account=row.account,
        name=row.name,
        roles=tuple(row.roles.split()),
        departments=tuple(row.departments.split()),
        active=row.active,
        locked=locked_until is not None and locked_until > now,
        source=row.source,
        last_login_at=last.isoformat() if last else None,
    )


def list_operators(app: App) -> list[AccountView]:
    require(app, Action.MANAGE_OPERATORS)
    now = app.now()
    with app.reading() as s:
        rows = s.scalars(select(OperatorRow).order_by(OperatorRow.account)).all()
        return [_view(r, now) for r in rows]


def _row(s: Session, account: str) -> OperatorRow:
    try:
        account = check_account(account)
    except DomainError:
        raise _unknown() from None
    row = s.get(OperatorRow, account)
    if row is None:
        raise _unknown()
    return row


def set_password(
    app: App, account: str, new_password: str, old_password: str | None = None
) -> None:
    """An office admin sets anyone's password (and lifts a lockout); an operator changes their
    own with the old one."""
    me = current(app)
    own = check_account(account) == me.account if account else False
    if not own or old_password is None:
        require(app, Action.MANAGE_OPERATORS)
    new_hash = hash_password(new_password)
    if own and old_password is not None:
        verify_password(app, account, old_password)
    with app.transaction() as s:
        row = _row(s, account)
        row.password_hash = new_hash
        row.failed_attempts = 0
        row.locked_until = None
        row.password_changed_at = row.updated_at = app.now()
        s.execute(delete(OperatorSessionRow).where(OperatorSessionRow.account == row.account))
    log.info("password of %s set by %s", account, me.account)


def set_roles(
    app: App,
    account: str,
    roles: Iterable[Role | str],
    departments: Iterable[str] | None = None,
) -> Operator:
    admin = require(app, Action.MANAGE_OPERATORS)
    text = _roles_text(roles)
    with app.transaction() as s:
        row = _row(s, account)
        if row.account == admin.account and Role.ADMIN.value not in text.split():
            raise DomainError(
                "operator.last_admin",
                "不能移除自己的管理者角色",
                "You cannot take the office admin role from yourself",
                "roles",
            )
        row.roles = text
        if departments is not None:
            row.departments = _check_departments(app, departments)
        row.updated_at = app.now()
        op = _operator(row)
    log.info("roles of %s set by %s", op.account, admin.account)
    return op


def deactivate(app: App, account: str) -> Operator:
    admin = require(app, Action.MANAGE_OPERATORS)
    with app.transaction() as s:
        row = _row(s, account)
        if row.account == admin.account:
            raise DomainError(
                "operator.self_disable",
                "不能停用自己的帳號",
                "You cannot disable your own account",
                "account",
            )
        row.active = False
        row.updated_at = app.now()
        s.execute(delete(OperatorSessionRow).where(OperatorSessionRow.account == row.account))
        op = _operator(row)
    log.info("operator %s disabled by %s", op.account, admin.account)
    return op


def get_operator(app: App, account: str) -> Operator:
    """The stored account (no password check); ``auth.unknown_account`` when absent."""
    with app.reading() as s:
        return _operator(_row(s, account))


def upsert_provisioned(app: App, records: Iterable[Mapping[str, Any]]) -> int:
    """Accounts the county provisions by sync, hashes as given (argon2id PHC strings). Local
    lockout counters are kept; returns how many rows changed. Runs as the device (sync)."""
    changed = 0
    now = app.now()
    with app.transaction() as s:
        for rec in records:
            account = check_account(rec.get("account"))
            password_hash = str(rec.get("password_hash") or "")
            if not password_hash.startswith("$argon2id$"):
                raise DomainError(
                    "operator.hash",
                    f"帳號 {account} 的密碼雜湊不是 argon2id",
                    f"The password hash of {account} is not argon2id",
                    "password_hash",
                )
            name = _check_name(rec.get("name") or account)
            roles = _roles_text(rec.get("roles") or ())
            departments = _check_departments(app, rec.get("departments") or ())
            active = bool(rec.get("active", True))
            row = s.get(OperatorRow, account)
            if row is None:
                s.add(
                    OperatorRow(
                        account=account,
                        name=name,
                        roles=roles,
                        departments=departments,
                        active=active,
                        password_hash=password_hash,
                        failed_attempts=0,
                        source="county",
                        created_at=now,
                        updated_at=now,
                        password_changed_at=now,
                    )
                )
                changed += 1
                continue
            new = (name, roles, departments, active, password_hash)
            old = (row.name, row.roles, row.departments, row.active, row.password_hash)
            if new != old:
                if row.password_hash != password_hash:
                    row.password_changed_at = now
                row.name, row.roles, row.departments, row.active, row.password_hash = new
                row.source = "county"
                row.updated_at = now
                if not active:
                    s.execute(
                        delete(OperatorSessionRow).where(OperatorSessionRow.account == account)
                    )
                changed += 1
    return changed


# --- CLI sessions -------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def idle_timeout(app: App) -> timedelta:
    return timedelta(minutes=app.settings.idle_lock_min)


def open_session(app: App, os_user: str) -> str:
    """After :func:`login`: a new session of the signed-in operator for ``os_user``; returns the
    token (kept by the caller in an owner-only file; the database keeps its hash)."""
    op = current(app)
    token = secrets.token_urlsafe(32)
    now = app.now()
    with app.transaction() as s:
        s.execute(delete(OperatorSessionRow).where(OperatorSessionRow.expires_at <= now))
        s.add(
            OperatorSessionRow(
                token_hash=_token_hash(token),
                account=op.account,
                os_user=os_user[:64],
                created_at=now,
                expires_at=now + idle_timeout(app),
            )
        )
    return token


def resume_session(app: App, token: str, os_user: str) -> Operator:
    """Signs in the operator of a live session and moves its expiry forward; ``auth.required``
    when the session is unknown, belongs to another OS user, has expired or its account was
    disabled."""
    now = app.now()
    expired = False
    op: Operator | None = None
    with app.transaction() as s:
        row = s.get(OperatorSessionRow, _token_hash(token))
        if row is not None and row.os_user == os_user[:64]:
            expires = _aware(row.expires_at)
            account = s.get(OperatorRow, row.account)
            if expires is None or expires <= now or account is None or not account.active:
                s.delete(row)
                expired = True
            else:
                row.expires_at = now + idle_timeout(app)
                op = _operator(account)
    if op is None:
        err = _required()
        if expired:
            err = AuthError(
                "auth.required",
                "登入已逾時，請重新登入",
                "The session has expired; sign in again",
            )
        raise err
    app.operator = op
    return op


def end_session(app: App, token: str) -> bool:
    """Removes a session; True when there was one."""
    with app.transaction() as s:
        result = s.execute(
            delete(OperatorSessionRow).where(OperatorSessionRow.token_hash == _token_hash(token))
        )
    app.operator = None
    return bool(getattr(result, "rowcount", 0))
