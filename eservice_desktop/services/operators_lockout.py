"""The lockout of an account after repeated wrong passwords (``login_max_failures`` in a row
lock it for ``login_lockout_min`` minutes), shared by the sign-in checked here
(``services.operators_signin``) and the one the county decides (``services.county_login``):
both count a wrong password and hold a lock alike.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import AuthError
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_operators import OperatorRow

log = logging.getLogger("eservice.operators")


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=UTC)


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


def _held_locked(app: App, row: OperatorRow, now: datetime) -> AuthError | None:
    """:func:`_locked`, in the write transaction of a sign-in: a lock that ends further off
    than ``login_lockout_min`` from ``now`` was set by a clock that ran ahead of this one (a
    time zone or a time service setting the PC's clock back since). It counted its minutes
    from then: an account locked at a clock 8 hours ahead was locked for about 495 min, the
    office's only admin with it and nobody to lift it. Such a lock now lasts the lockout's
    length from ``now`` at most, and is stored so."""
    lockout = timedelta(minutes=app.settings.login_lockout_min)
    locked_until = _aware(row.locked_until)
    if locked_until is not None and locked_until - now > lockout:
        row.locked_until = now + lockout
    return _locked(row, now)


def _wrong_password(app: App, s: Session, row: OperatorRow, now: datetime) -> AuthError:
    """Counts a wrong password against the account (locking it after the last one allowed).
    A lockout is an account change the auditor reads in the access log (``locked``), written
    by this counter in the transaction that counts the failure."""
    row.failed_attempts += 1
    left = app.settings.login_max_failures - row.failed_attempts
    if left <= 0:
        row.failed_attempts = 0
        minutes = app.settings.login_lockout_min
        row.locked_until = now + timedelta(minutes=minutes)
        log.warning("account %s locked after repeated wrong passwords", row.account)
        from eservice_desktop.services import operators_audit as audit  # it reaches require

        why = [f"{app.settings.login_max_failures} wrong passwords", f"{minutes:g} min"]
        audit.note(app, s, audit.detail("locked", row.account, why), by=app.device_actor.clerk)
    return AuthError(
        "auth.bad_password",
        "密碼錯誤" + (f"（再錯 {left} 次將鎖定帳號）" if left > 0 else "，帳號已鎖定"),
        "Wrong password"
        + (f" ({left} more and the account is locked)" if left > 0 else "; account locked"),
        extra={"attempts_left": max(left, 0)},
    )


def _inactive() -> AuthError:
    return AuthError("auth.inactive", "此帳號已停用", "This account is disabled")
