"""Online sign-in: the county checks the password when it can be reached (issue 13).

When this office is enrolled and the county answers, a sign-in of an account the county
provisions (or one this office has not pulled yet) is decided by the county's rate-limited
``POST /v1/operators/verify``: an account disabled or re-passworded there is refused here at
once, before the next sync brings the change. When the county cannot be reached (refused
connection, no answer within :data:`ONLINE_TIMEOUT_S`, a server error), the provisioned
argon2id hashes in the office database decide, as offline. Accounts made at this office
(``source='local'``, e.g. the first office admin) are never known to the county: their own hash
decides. The county's ``429`` is refused with ``auth.rate_limited`` and the seconds to wait.

The password goes to the county in the request body over the pinned TLS link and nowhere else:
no log line here names it (only the account and the kind of failure).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from eservice_desktop.county_link.client import CountyClient, RateLimited, SyncError
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import Operator, Role, check_account
from eservice_desktop.services import operators_audit as audit
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_lockout import (
    _held_locked,
    _inactive,
    _locked,
    _wrong_password,
)
from eservice_desktop.services.operators_signin import (
    _grants,
    _operator,
    _stamp,
    _unknown,
    password_mark,
)
from eservice_desktop.storage.models_operators import OperatorRow

log = logging.getLogger("eservice.operators")

#: How long a sign-in waits for the county (connect and answer) before checking offline.
ONLINE_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class CountyAnswer:
    #: empty when the county accepted the password, else ``auth.bad_password`` |
    #: ``auth.unknown_account`` | ``auth.inactive``
    reason: str
    roles: tuple[str, ...] = ()


def _rate_limited(seconds: int) -> AuthError:
    return AuthError(
        "auth.rate_limited",
        f"密碼檢查過於頻繁，縣府暫停受理此帳號的登入，請於 {seconds} 秒後再試",
        f"Too many password checks: the county accepts no sign-in for this account for "
        f"{seconds} s; try again then",
        extra={"retry_after": seconds},
    )


def _client(app: App) -> CountyClient | None:
    """A client with this device's credential and the short sign-in timeout; None when the
    office is not enrolled (no county to ask)."""
    from eservice_desktop.services.sync.credentials import credential
    from eservice_desktop.services.sync.state import get_state

    if not app.settings.county_url:
        return None
    with app.reading() as s:
        if not get_state(s, "enrolled"):
            return None
    secret = credential(app)
    if not secret:
        return None
    try:
        return CountyClient(
            app.settings.county_url,
            credential=secret,
            ca_file=app.settings.county_ca_file,
            timeout=(ONLINE_TIMEOUT_S, ONLINE_TIMEOUT_S),
            deadline_s=ONLINE_TIMEOUT_S + 0.5,
        )
    except SyncError as e:
        log.info("county sign-in unavailable (%s): offline check", type(e).__name__)
        return None


def _ask(client: CountyClient, account: str, password: str) -> CountyAnswer | None:
    """The county's verdict; None when it cannot give one (unreachable, too slow, refused the
    device, an older county without the check)."""
    try:
        answer = client.verify_operator(account, password)
    except RateLimited as e:
        log.info("county refused a sign-in check of %s: rate limited", account)
        raise _rate_limited(e.retry_after) from None
    except (SyncError, ValueError) as e:  # ValueError: a request the protocol cannot carry
        log.info("county sign-in check unavailable (%s): offline check", type(e).__name__)
        return None
    if answer.account != account:
        return None
    reason = "" if answer.ok else answer.reason or "auth.bad_password"
    return CountyAnswer(reason, tuple(answer.roles))


def online_login(
    app: App, account: str, password: str, *, via: str = "", unlock: bool = False
) -> Operator | None:
    """The operator the county signs in (or the refusal it gives, raised); None when the
    county is not asked or cannot answer: the caller checks offline."""
    try:
        account = check_account(account)
    except DomainError:
        return None  # refused offline, as any name that is not an account
    source = account_source(app, account)
    if source == "local" or held_here(app, account):
        return None
    client = _client(app)
    if client is None:
        return None
    try:
        try:
            answer = _ask(client, account, password)
        except AuthError as e:  # the county's rate limit: in the access log as any refusal
            with app.transaction() as s:
                named = account if source else None
                audit.refused(app, s, named, e.reason, sign_in=True, via=via)
            raise
        if answer is None:
            return None
        if not answer.reason and source is None:
            # provisioned at the county after this office's last sync: pull it now
            from eservice_desktop.services.sync.provisioning import pull_operators

            try:
                pull_operators(app, client)
            except SyncError as e:
                log.info("operators pull at sign-in failed (%s)", type(e).__name__)
    finally:
        client.close()
    if answer.reason == "auth.unknown_account" and source is None:
        raise _unknown()
    log.info("sign-in of %s checked by the county", account)
    return county_sign_in(app, account, answer.reason, answer.roles, via=via, unlock=unlock)


def county_sign_in(
    app: App,
    account: str,
    reason: str,
    roles: Iterable[str],
    *,
    via: str = "",
    unlock: bool = False,
) -> Operator:
    """Signs in (or refuses) ``account`` as the county decided (:func:`online_login`:
    ``reason`` empty = the county accepted the password, with the account's ``roles`` there).
    A wrong password counts towards this office's lockout; a lock here still holds; an account
    disabled here stays disabled."""
    now = app.now()
    error: AuthError | None = None
    with app.transaction() as s:
        row = s.get(OperatorRow, account)
        error = _unknown() if row is None else _held_locked(app, row, now)
        if row is not None and error is None:
            if reason == "auth.bad_password":
                error = _wrong_password(app, s, row, now)
            elif reason == "auth.inactive" or (not reason and not row.active):
                error = _inactive()
            elif reason:
                error = _unknown()
            else:
                row.failed_attempts = 0
                row.locked_until = None
                row.last_login_at = now
                audit.signed_in(
                    app, s, row.account, "checked by the county", via=via, unlock=unlock
                )
                op = _operator(row)
                grants = _grants(row)
                mark = password_mark(row)
        if error is not None:
            named = None if error.reason == "auth.unknown_account" else account
            audit.refused(app, s, named, error.reason, sign_in=True, via=via)
    if error is not None:
        raise error
    _stamp(app, op, grants, mark)
    known = {r.value for r in Role}
    county_roles = frozenset(Role(r) for r in roles if r in known)
    return replace(op, roles=county_roles) if county_roles else op


def held_here(app: App, account: str) -> bool:
    """Whether this office refuses the account whatever the county says: locked here after
    too many wrong passwords, or disabled here. The offline check refuses it then, without
    the password going to the county: the county's answer, its rate limit after the wrong
    passwords that locked the account, told the clerk to try again in 288 s, while the lock
    here held for 15 minutes."""
    with app.reading() as s:
        row = s.get(OperatorRow, account)
        return row is not None and (not row.active or _locked(row, app.now()) is not None)


def account_source(app: App, account: str) -> str | None:
    """Where the account (a checked account name) comes from: ``county`` (provisioned by sync),
    ``local`` (made at this office), None when this office does not know it."""
    with app.reading() as s:
        row = s.get(OperatorRow, account)
        return None if row is None else row.source
