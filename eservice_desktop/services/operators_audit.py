"""Changes to operator accounts in the access log (``services.access``, action ``account``), so
an auditor can answer "who gave clerk07 the supervisor role, and when?" from a record that
cannot be edited unseen (``eservice.log`` keeps its lines too, for IT, but can be edited).

Every change of ``services.operators_accounts`` appends one record in the transaction that
makes the change: the change and its record stand or fall together, and a refused change leaves
none. The record's operator is who made the change (the signed-in office admin, the first admin
at setup, ``device:NN`` for the accounts the county provisions by sync); the detail is the kind
of change, the changed account and what changed, e.g. ``changed clerk07: roles
clerk→clerk,supervisor``. A display name is personal data (an account name is not): the detail
says only ``name changed``; nothing of a password is ever in it.

Kinds (the detail's first word): ``created``, ``password``, ``changed`` (roles, scope, name),
``disabled``, ``enabled``, ``provisioned`` (from the county), ``locked`` (too many wrong
passwords at this counter: written by the counter, ``device:NN``, as no one is signed in).

Sign-ins are records of their own action, ``signin`` (:func:`signed_in`, :func:`refused`,
:func:`signed_out`), named by the account signing in or out: ``signed-in clerk07``,
``refused clerk07: wrong password``, ``signed-out clerk07: idle``. A refusal of a name that is
no account here names no account (``device:NN``, ``refused: unknown account``): what was typed
may be a password or an ID number typed in the wrong field. Nothing of a password is written.
A sign-in and a refused one say where the password was typed, the last part of the detail
(:data:`WINDOW`, :data:`COMMAND_LINE`): ``signed-in clerk07: window``, ``refused clerk07:
wrong password; command line``. An auditor could not tell a sign-in at the counter window from
a ``login`` in a shell of the same PC (a script, a remote session). A sign-out says where the
session was, alike: ``signed-out clerk07: window``, ``signed-out clerk07: idle; command line``,
``signed-out clerk07: taken over by sup01; window``. Records written before carry no place.
A window locked with its operator's session going on says so (:func:`screen_locked`:
``screen-locked clerk07: idle; window``, ``by hand``, ``card left``), and its unlock by the
same operator reads ``signed-in clerk07: unlocked; window``; another clerk's right password
over it is refused (:func:`refused_unlock`: ``refused clerk08: unlock of clerk07's window;
window``). Records written before read as they did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, TypeAlias

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.services import access
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_audit import AccessLogRow

#: Where a sign-in's password was typed: the counter window (its login screen, an unlock, a
#: supervisor over the lock) or the command line (``login``).
WINDOW: Final = "window"
COMMAND_LINE: Final = "command line"
VIAS: Final = (WINDOW, COMMAND_LINE)

#: A sign-in that opened the operator's own locked window (``signed-in clerk07: unlocked;
#: window``), after its :func:`screen_locked`.
UNLOCKED: Final = "unlocked"

#: What locked the window (``gui.screen_lock``) as a ``screen-locked`` record says it.
LOCK_REASONS: Final = {"idle": "idle", "card": "card left", "manual": "by hand"}

#: An account as the county provisions it and as stored: ``(name, roles, departments, active,
#: password_hash)``, roles and departments space-separated.
Provisioned: TypeAlias = tuple[str, str, str, bool, str]


def roles_text(roles: Iterable[object]) -> str:
    """Roles as the detail shows them: sorted, comma-separated (``-`` for none)."""
    names = sorted(str(getattr(r, "value", r)) for r in roles)
    return ",".join(names) or "-"


def scope_text(codes: Iterable[str]) -> str:
    """A scope as the detail shows it: the codes, or ``*`` for the whole office kind."""
    return ",".join(sorted(codes)) or "*"


#: A password someone other than the account set (a new account, an office admin's reset):
#: its owner must replace it at the next sign-in (``created …; must change``,
#: ``password …: set; must change``).
MUST_CHANGE = "must change"


def detail(kind: str, account: str, parts: Sequence[str] = ()) -> str:
    """``KIND ACCOUNT[: PART; PART]``, cut to the log's 200 characters with ``…``."""
    text = f"{kind} {account}" + (": " + "; ".join(parts) if parts else "")
    if len(text) > access.DETAIL_MAX:
        text = text[: access.DETAIL_MAX - 1] + "…"
    return text


def created(account: str, roles: Iterable[object], scope: Iterable[str], why: str = "") -> str:
    parts = [f"roles {roles_text(roles)}", f"scope {scope_text(scope)}"]
    return detail("created", account, [*parts, why] if why else parts)


def changes(
    old: tuple[str, str, bool],
    new: tuple[str, str, bool],
    *,
    renamed: bool = False,
    password: bool = False,
) -> list[str]:
    """What changed between two ``(roles, departments, active)`` as stored (space-separated
    texts): the old and new roles and scope, ``name changed``, ``password changed``,
    ``disabled`` or ``enabled``."""
    parts = []
    if old[0].split() != new[0].split():
        parts.append(f"roles {roles_text(old[0].split())}→{roles_text(new[0].split())}")
    if sorted(old[1].split()) != sorted(new[1].split()):
        parts.append(f"scope {scope_text(old[1].split())}→{scope_text(new[1].split())}")
    if renamed:
        parts.append("name changed")
    if password:
        parts.append("password changed")
    if old[2] != new[2]:
        parts.append("enabled" if new[2] else "disabled")
    return parts


def provisioned(account: str, old: Provisioned | None, new: Provisioned) -> str:
    """A provisioned account: new (with its roles and scope), or what changed in it."""
    if old is None:
        roles, scope = roles_text(new[1].split()), scope_text(new[2].split())
        parts = ["new", f"roles {roles}", f"scope {scope}"]
        return detail("provisioned", account, parts if new[3] else [*parts, "disabled"])
    renamed, password = old[0] != new[0], old[4] != new[4]
    what = changes(old[1:4], new[1:4], renamed=renamed, password=password)
    return detail("provisioned", account, what)


def note(app: App, s: Session, text: str, *, by: str | None = None) -> None:
    """Appends the account change ``text`` (made by ``by``, else the signed-in operator) inside
    the change's own transaction ``s``."""
    access.append(app, s, access.ACCOUNT, detail=text, operator=by)


#: Why a password check refused, as a ``refused`` record says it (AuthError reasons).
_REFUSALS = {
    "auth.bad_password": "wrong password",
    "auth.locked": "locked",
    "auth.inactive": "disabled",
    "auth.rate_limited": "rate limited by the county",
}


def signed_in(
    app: App, s: Session, account: str, how: str = "", *, via: str = "", unlock: bool = False
) -> None:
    """``account`` signed in (``how``: ``checked by the county``...; ``via``: :data:`WINDOW`
    or :data:`COMMAND_LINE`, "" when the caller did not say; ``unlock``: the operator's own
    password over their locked window, :data:`UNLOCKED`: it read as a second sign-in, with no
    sign-out between)."""
    parts = (how, UNLOCKED if unlock else "", _via(via))
    text = detail("signed-in", account, [p for p in parts if p])
    access.append(app, s, access.SIGNIN, detail=text, operator=account)


def _via(via: str) -> str:
    if via and via not in VIAS:
        raise ValueError(f"unknown sign-in place {via!r}")
    return via


def refused(
    app: App, s: Session, account: str | None, reason: str, *, sign_in: bool, via: str = ""
) -> None:
    """A password check of ``account`` (None: no such account here) refused for ``reason``
    (``auth.*``); not ``sign_in``: another check of a password (a supervisor's approval at
    another operator's counter, the old password of one's own new one). ``via``: where a
    sign-in's password was typed."""
    why = [_REFUSALS.get(reason, reason.removeprefix("auth."))]
    if not sign_in:
        why.append("password check")
    if _via(via):
        why.append(via)
    if account is None:
        text, by = "; ".join(["refused: unknown account", *why[1:]]), app.device_actor.clerk
    else:
        text, by = detail("refused", account, why), account
    access.append(app, s, access.SIGNIN, detail=text, operator=by)


def signed_out(app: App, s: Session, account: str, why: str = "", *, via: str = "") -> None:
    """``account``'s session ended (``why``: ``idle``, ``taken over by sup01``...; ``via``:
    the session's place, :data:`WINDOW` or :data:`COMMAND_LINE`). Without it a plain
    ``signed-out clerk07`` was the window's 登出 or the command line's ``logout`` alike, and
    ``taken over by`` a supervisor over the locked window or another ``login`` in a shell."""
    text = detail("signed-out", account, [p for p in (why, _via(via)) if p])
    access.append(app, s, access.SIGNIN, detail=text, operator=account)


def screen_locked(app: App, s: Session, account: str, why: str, *, via: str) -> None:
    """``account``'s window locked (``why``: a key of :data:`LOCK_REASONS`), their session
    going on behind it: ``screen-locked clerk07: idle; window``. Without it the auditor read
    the unlock after it as a sign-in with no sign-out before, and could not tell when the
    counter stood locked."""
    if why not in LOCK_REASONS:
        raise ValueError(f"unknown lock reason {why!r}")
    text = detail("screen-locked", account, [LOCK_REASONS[why], _via(via)])
    access.append(app, s, access.SIGNIN, detail=text, operator=account)


def refused_unlock(app: App, s: Session, account: str, locked: str, *, via: str) -> None:
    """``account``'s own right password typed over ``locked``'s window, which only the locked
    operator, a supervisor or an office admin may open: ``refused clerk08: unlock of clerk07's
    window; window``. Nothing was written: the auditor saw no try at another's counter."""
    text = detail("refused", account, [f"unlock of {locked}'s window", _via(via)])
    access.append(app, s, access.SIGNIN, detail=text, operator=account)


def last_sign_in_via(s: Session, account: str) -> str | None:
    """Where ``account`` last signed in at this counter (:data:`VIAS`), read from its last
    ``signed-in`` record; None when it never did, or before the place was recorded."""
    query = (
        select(AccessLogRow.detail)
        .where(AccessLogRow.operator == account, AccessLogRow.action == access.SIGNIN)
        .where(AccessLogRow.detail.startswith(f"signed-in {account}", autoescape=True))
        .order_by(AccessLogRow.seq.desc())
        .limit(1)
    )
    last = s.scalar(query)
    if last is None:
        return None
    return next((v for v in VIAS if last.endswith((f": {v}", f"; {v}"))), None)
