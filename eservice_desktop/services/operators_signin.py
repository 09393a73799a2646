"""Operators signing in: passwords (argon2id), the lockout, the guard every use case calls
(``require``) and the demo operator (the county's sign-in: ``services.county_login``).

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile). A wrong
password counts against the account in the database; after ``login_max_failures`` in a row the
account is locked for ``login_lockout_min`` minutes (an office admin's ``passwd`` unlocks it;
``services.operators_lockout``). The
county provisions an office's accounts with hashes made the same way, so a login needs no network.

``require(app, action, service_code)`` is the guard: it raises ``auth.required`` without a
signed-in operator and ``auth.forbidden`` when no role of the operator (or, for a service, the
office kind and the operator's scope) allows the action. An account disabled after its operator
signed in (a window stays open all day) is refused ``auth.inactive`` (:class:`SessionEnded`)
within :data:`STILL_ACTIVE_CHECK_S` seconds, and so is one whose password was set since the
sign-in (:class:`PasswordChanged`): ``current`` reads the account again that often, and takes
the roles and scope an office admin (or the county) gave it meanwhile.

Callers import these from ``services.operators`` (which also holds the accounts and the CLI
sessions); this module is what both of those build on.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import replace
from types import ModuleType

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import errors
from eservice_desktop.domain.errors import AuthError, DomainError, PasswordChanged, SessionEnded
from eservice_desktop.domain.operators import (
    Action,
    Operator,
    Role,
    account_key,
    check_account,
    check_password,
    forbidden,
)
from eservice_desktop.services import operators_first
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_lockout import _held_locked, _inactive, _wrong_password
from eservice_desktop.storage.models_operators import OperatorRow

log = logging.getLogger("eservice.operators")

#: How often (seconds) the signed-in operator's account is read again to see it is still active:
#: a disabled account stops working at an open window within this time.
STILL_ACTIVE_CHECK_S = 30.0
#: app.extras: (account, when it was last found active, its roles and scope as then stored,
#: when its password was set as stored at the sign-in)
_CHECKED = "operator_checked"

#: The demo supervisor: approves the exceptions demo seeding records (fee reductions, voids,
#: refunds), so the demo's approvals name a supervisor other than the demo operator. In demo mode
#: its password is :data:`DEMO_SUPERVISOR_PASSWORD` (to try the approval dialog); elsewhere a
#: random one nobody knows.
DEMO_SUPERVISOR = Operator(account="demo-sup", name="示範主管", roles=frozenset({Role.SUPERVISOR}))
DEMO_SUPERVISOR_PASSWORD = "demo-sup-1234"  # demo mode only (docs/operators.md)

_hasher = PasswordHasher()  # argon2id


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so both answers take the same time.
    Made on first use, not at import: one argon2 hash (64 MiB, tens of ms) off the start-up."""
    return _hasher.hash(secrets.token_hex(16))


def hash_password(password: str, account: str = "") -> str:
    return _hasher.hash(check_password(password, account))


def _operator(row: OperatorRow) -> Operator:
    return Operator(
        account=row.account,
        name=row.name,
        roles=frozenset(Role(r) for r in row.roles.split()),
        departments=frozenset(row.departments.split()),
        active=row.active,
        must_change_password=bool(row.password_must_change),
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
    """The signed-in operator; ``auth.required`` when nobody is, ``auth.inactive``
    (:class:`SessionEnded`) once their account was disabled."""
    op = app.operator
    if op is None:
        raise operators_first.or_first_admin(app, _required())
    return _check_still_active(app, op)


def _grants(row: OperatorRow) -> tuple[str, str]:
    """An account's roles and scope as stored: a change to them reaches a signed-in operator."""
    return row.roles, row.departments


def _stamp(app: App, op: Operator, grants: tuple[str, str] | None, password: str | None) -> None:
    """The account was just found active (a sign-in, a session resumed), with ``grants`` as its
    row holds them (None: the operator's own, a sign-in checked here) and ``password``, the
    :func:`password_mark` of its password then: a password set after it (an office admin's
    reset, the county's) ends the session."""
    if grants is None:
        grants = (" ".join(sorted(r.value for r in op.roles)), " ".join(sorted(op.departments)))
    app.extras[_CHECKED] = (op.account, app.now(), grants, password)


def password_mark(row: OperatorRow) -> str:
    """Which password the account has (a digest of its argon2id hash, salted anew each time a
    password is set): what a session compares to see the password set since its sign-in."""
    return hashlib.sha256(row.password_hash.encode()).hexdigest()[:16]


def password_set_here(app: App, account: str, mark: str) -> None:
    """The signed-in operator set their own password in this process (the window's operators
    page, ``operator passwd --own``): it ends the other sessions of the account, not this one,
    and a one-time password's mark is gone from the signed-in operator too."""
    seen = app.extras.get(_CHECKED)
    if seen is not None and seen[0] == account:
        app.extras[_CHECKED] = (*seen[:3], mark)
    if app.operator is not None and app.operator.account == account:
        app.operator = replace(app.operator, must_change_password=False)


#: ``app.extras`` key: which threads may read the account (:func:`read_accounts_only_where`).
_MAY_READ_HERE = "operators.may_read_here"


def read_accounts_only_where(app: App, may_read: Callable[[], bool]) -> None:
    """The window's process: the look at the account is taken only on a thread for which
    ``may_read()`` is true (its database writer). A guard called on its GUI thread (a form's
    checks before a submit) must not begin a transaction there; it keeps the last look, and
    the next use case on the writer, within moments, reads the account again."""
    app.extras[_MAY_READ_HERE] = may_read


def _check_still_active(app: App, op: Operator) -> Operator:
    """Reads the account again when the last look is older than :data:`STILL_ACTIVE_CHECK_S`.
    An operator without an account row (the demo operator) is left as signed in. Roles or a
    scope changed since the last look replace the signed-in operator's: an admin demoted in an
    open window kept managing accounts (and a supervisor taken off kept approving) until they
    signed out."""
    now = app.now()
    seen = app.extras.get(_CHECKED)
    if seen is not None and seen[0] == op.account:
        age = (now - seen[1]).total_seconds()
        if 0 <= age < STILL_ACTIVE_CHECK_S:
            return op
    may_read = app.extras.get(_MAY_READ_HERE)
    if may_read is not None and not may_read():
        return op  # a check on the window's thread: the next use case on its writer looks
    with app.reading() as s:
        return _looked(app, op, s.get(OperatorRow, op.account))


def _looked(app: App, op: Operator, row: OperatorRow | None) -> Operator:
    """The signed-in operator as their account ``row`` now stands (None: no account row, the
    demo operator): ``SessionEnded`` when disabled or when its password was set since the
    sign-in, the roles and scope changed meanwhile."""
    now = app.now()
    seen = app.extras.get(_CHECKED)
    if seen is None or seen[0] != op.account:
        seen = (op.account, now, None, None)
    active = row is None or row.active
    grants = None if row is None else _grants(row)
    changed = None if row is None else _operator(row)
    if not active:
        log.info("operator %s refused: the account was disabled", op.account)
        raise SessionEnded()
    if row is not None and seen[3] is not None and password_mark(row) != seen[3]:
        log.info("operator %s refused: the password was set since the sign-in", op.account)
        raise PasswordChanged()
    if changed is not None and seen[2] is not None and grants != seen[2]:
        log.info("operator %s: roles or scope changed while signed in", op.account)
        app.operator = op = replace(op, roles=changed.roles, departments=changed.departments)
    app.extras[_CHECKED] = (op.account, now, grants, seen[3])
    return op


def require(app: App, action: Action, service_code: str | None = None) -> Operator:
    """The guard every guarded service function calls first. A password someone else set (a
    new account, an admin's reset) allows nothing but one's own (``set_password`` asks
    :func:`current`): the admin knows it, and the acts would read as the operator's."""
    op = current(app)
    if op.must_change_password:
        raise errors.PasswordChangeRequired(op.account)
    if service_code is not None and app.catalogue.has_service(service_code):
        allowed = op.can(action, service_code, app.catalogue, app.office_kind)
    else:
        allowed = op.can(action)
    if not allowed:
        log.info("refused %s to %s", action.value, op.account)
        raise forbidden(action, service_code, by_role=not op.can(action))
    return op


def require_in(app: App, s: Session, action: Action) -> Operator:
    """:func:`require` with the operator's account read again in the caller's write
    transaction ``s``, whatever the age of the last look: a change that depends on who may make
    it (an office admin's change to accounts) holds to the account as it stands when it is
    written. Two admins demoting each other at two counters within the 30 seconds each
    window trusts its last look both succeeded, and the office was left without an admin."""
    op = current(app)
    op = _looked(app, op, s.get(OperatorRow, op.account))
    if op.must_change_password:
        raise errors.PasswordChangeRequired(op.account)
    if not op.can(action):
        log.info("refused %s to %s", action.value, op.account)
        raise forbidden(action)
    return op


def logout(app: App) -> None:
    app.operator = None


def _audit() -> ModuleType:
    """``services.operators_audit``, imported when first used: it reaches ``services.access``,
    which takes ``require`` from this module."""
    from eservice_desktop.services import operators_audit

    return operators_audit


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
        raise operators_first.or_first_admin_in(s, _unknown())
    locked = _held_locked(app, row, now)
    if locked is not None:
        raise locked
    try:
        _hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        raise _wrong_password(app, s, row, now) from None
    if not row.active:
        raise _inactive()
    row.failed_attempts = 0
    row.locked_until = None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return row


def accounts_exist(app: App) -> bool:
    """Whether anyone could sign in to this database: an account other than the demo's
    supervisor (a database just made, on a rebuilt PC, has none)."""
    with app.reading() as s:
        others = select(OperatorRow.account).where(OperatorRow.account != DEMO_SUPERVISOR.account)
        return s.execute(others.limit(1)).first() is not None


def _verified(
    app: App,
    account: str,
    password: str,
    via: str | None,
    refused_via: str | None = None,
    *,
    unlock: bool = False,
) -> tuple[Operator, str]:
    """Checks the password; failures are committed even though an AuthError is raised, each
    with its record in the access log, as a sign-in is (``via``: where it was typed; None: not
    a sign-in; ``refused_via``: a refusal is a refused sign-in there). Returns the operator
    and the :func:`password_mark` of their password."""
    error: AuthError | None = None
    with app.transaction() as s:
        try:
            row = _check_in(app, s, account, password)
        except AuthError as e:
            error = e
            known = None if e.reason == "auth.unknown_account" else account_key(account)
            where = via if via is not None else refused_via
            _audit().refused(app, s, known, e.reason, sign_in=where is not None, via=where or "")
        else:
            if via is not None:
                row.last_login_at = app.now()
                _audit().signed_in(app, s, row.account, via=via, unlock=unlock)
            op = _operator(row)
            password = password_mark(row)  # after a rehash: the hash now stored
    if error is not None:
        raise error
    return op, password


def verify_password(app: App, account: str, password: str, *, sign_in_via: str = "") -> Operator:
    """The account's operator when the password is right, without signing in (approvals: a
    supervisor confirms on the clerk's counter). Wrong passwords count towards the lockout.
    ``sign_in_via``: before a sign-in there (over a locked window): a refusal is a refused
    sign-in, where it read as an approval's (``password check``)."""
    return _verified(app, account, password, None, sign_in_via or None)[0]


def login(
    app: App, account: str, password: str, *, via: str = "", unlock: bool = False
) -> Operator:
    """Signs ``account`` in on this App (argon2id verify, lockout after repeated failures;
    ``via``: where the password was typed, ``operators_audit.WINDOW`` or ``COMMAND_LINE``). An
    enrolled office asks the county first when it can reach it (``services.county_login``:
    the county's answer decides for the accounts it provisions); otherwise, and for accounts
    made at this office, the provisioned hashes here decide (offline). ``unlock``: the
    operator's own password over their locked window (recorded as the unlock it is)."""
    from eservice_desktop.services import county_login

    op = county_login.online_login(app, account, password, via=via, unlock=unlock)
    if op is None:
        op, mark = _verified(app, account, password, via, unlock=unlock)
        _stamp(app, op, None, mark)  # an online sign-in: stamped as stored here
    app.operator = op
    log.info("operator %s signed in", op.account)
    return op
