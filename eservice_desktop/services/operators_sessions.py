"""CLI sessions: after ``login`` the command line keeps the signed-in operator between commands.
(And the records of a window's session ended, locked, or refused an unlock: :func:`record_sign_out`,
:func:`record_screen_lock`, :func:`record_refused_unlock`.)

A session is a random token: the session file of the OS user holds it, the database only its
SHA-256 and the expiry, which each use moves forward by the idle time the GUI locks after
(``idle_lock_min``; 0, where the window never locks, keeps a session until ``logout``).
Re-exported by ``services.operators``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import AuthError
from eservice_desktop.domain.operators import (
    Operator,
)
from eservice_desktop.services import operators_audit as audit
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_lockout import _aware
from eservice_desktop.services.operators_signin import (
    _operator,
    _required,
    _stamp,
    current,
    password_mark,
)
from eservice_desktop.storage.models_operators import OperatorRow, OperatorSessionRow

# --- CLI sessions -------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


#: The expiry of a session that idleness does not end (``idle_lock_min`` 0: the window never
#: locks, so a command line session lasts until ``logout`` too; ``expires_at`` is required).
NO_IDLE_END = datetime(9999, 1, 1, tzinfo=UTC)


def idle_timeout(app: App) -> timedelta:
    return timedelta(minutes=app.settings.idle_lock_min)


def _expiry(app: App, now: datetime) -> datetime:
    """When a session used at ``now`` ends: after the idle time, or never when it is 0 (a
    session that expired at the moment it was opened would refuse the very next command)."""
    idle = idle_timeout(app)
    return now + idle if idle > timedelta(0) else NO_IDLE_END


#: How far a session's end may lie beyond the idle time and still be taken as written by this
#: clock: a time service's step of a few seconds or minutes keeps the session.
CLOCK_SLACK = timedelta(minutes=5)


def _ran_out(app: App, expires: datetime | None, now: datetime) -> bool:
    """Whether a session ending at ``expires`` is over at ``now``: idle past its end, or its
    end further off than the idle time (and :data:`CLOCK_SLACK`), written by a clock that ran
    ahead of this one. A session opened while the PC's clock was 8 hours ahead (its time zone
    wrong) and left so was resumed for 8 hours after the clock was set right: a command
    typed two hours later went by the signed-in clerk's name, where 10 idle minutes end it.
    How long it was left is unknown then, so it ends."""
    if expires is None or expires <= now:
        return True
    idle = idle_timeout(app)
    return idle > timedelta(0) and expires - now > idle + CLOCK_SLACK


def open_session(app: App, os_user: str, replacing: str = "") -> str:
    """After :func:`login`: a new session of the signed-in operator for ``os_user``; returns the
    token (kept by the caller in an owner-only file; the database keeps its hash).
    ``replacing``: the token of the session file the new one overwrites. That session ends
    here, with its sign-out record (``taken over by sup01``, ``idle`` when it had run out): it
    stayed live in the database, and the access log showed clerk01 signed in from then on, with
    sup01's and clerk01's sessions seeming to overlap at one PC."""
    op = current(app)
    token = secrets.token_urlsafe(32)
    now = app.now()
    with app.transaction() as s:
        if replacing:
            _end_replaced(app, s, replacing, os_user, op.account)
        _end_idle(app, s, now)
        s.add(
            OperatorSessionRow(
                token_hash=_token_hash(token),
                account=op.account,
                os_user=os_user[:64],
                created_at=now,
                expires_at=_expiry(app, now),
            )
        )
    return token


def _end_idle(app: App, s: Session, now: datetime) -> None:
    """Ends the sessions idleness ended (any OS user's), each with its ``idle`` sign-out
    record. A sign-in deleted them unrecorded: a session left to run out, and not used since,
    read signed in for good in the access log."""
    idle = s.scalars(select(OperatorSessionRow).where(OperatorSessionRow.expires_at <= now))
    for row in list(idle):
        audit.signed_out(app, s, row.account, "idle", via=audit.COMMAND_LINE)
        s.delete(row)


def _end_replaced(app: App, s: Session, token: str, os_user: str, by: str) -> None:
    """Ends the session a new sign-in replaces (this OS user's only: a token of another's
    is left alone), and says so in the access log."""
    row = s.get(OperatorSessionRow, _token_hash(token))
    if row is None or row.os_user != os_user[:64]:
        return
    if _ran_out(app, _aware(row.expires_at), app.now()):
        why = "idle"
    else:
        why = "signed in again" if row.account == by else f"taken over by {by}"
    audit.signed_out(app, s, row.account, why, via=audit.COMMAND_LINE)
    s.delete(row)


def end_sessions(app: App, s: Session, account: str, why: str) -> None:
    """Ends every command line session of ``account`` in the change's transaction ``s`` (a
    new password, a disable: ``why``), each with its sign-out record. They were deleted
    unrecorded: ``passwd --own`` said to sign in again, and the access log read the operator
    signed in from their ``login`` on, never out, beside whoever signed in next at that PC."""
    now = app.now()
    rows = s.scalars(select(OperatorSessionRow).where(OperatorSessionRow.account == account))
    for row in list(rows):
        expires = _aware(row.expires_at)
        live = expires is not None and expires > now
        audit.signed_out(app, s, row.account, why if live else "idle", via=audit.COMMAND_LINE)
        s.delete(row)


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
            if _ran_out(app, expires, now) or account is None or not account.active:
                if account is not None and account.active:  # a disable is its own record
                    audit.signed_out(app, s, account.account, "idle", via=audit.COMMAND_LINE)
                s.delete(row)
                expired = True
            else:
                row.expires_at = _expiry(app, now)
                op = _operator(account)
                mark = password_mark(account)
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
    _stamp(app, op, None, mark)
    return op


def record_sign_out(app: App, account: str, why: str = "", *, via: str = "") -> None:
    """The access log's record that ``account``'s session at this counter ended (the window's
    sign-out, on its writer after ``logout``; ``why``: ``taken over by sup01``; ``via``: where
    the session was, ``operators_audit.WINDOW``)."""
    with app.transaction() as s:
        audit.signed_out(app, s, account, why, via=via)


def record_screen_lock(app: App, account: str, why: str, *, via: str) -> None:
    """The access log's record that ``account``'s window locked (``why``: ``idle``, ``card``,
    ``manual``), their session going on behind it: the unlock after it is no new sign-in."""
    with app.transaction() as s:
        audit.screen_locked(app, s, account, why, via=via)


def record_refused_unlock(app: App, account: str, locked: str, *, via: str) -> None:
    """The access log's record that ``account`` (their password right, their roles not a
    supervisor's or an admin's) tried to open ``locked``'s window and was refused."""
    with app.transaction() as s:
        audit.refused_unlock(app, s, account, locked, via=via)


def end_session(app: App, token: str) -> bool:
    """Removes a session; True when there was one."""
    with app.transaction() as s:
        row = s.get(OperatorSessionRow, _token_hash(token))
        if row is not None:
            audit.signed_out(app, s, row.account, via=audit.COMMAND_LINE)
            s.delete(row)
    app.operator = None
    return row is not None
