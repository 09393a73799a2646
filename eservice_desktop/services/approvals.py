"""Authenticated approvals: a supervisor confirms an exception on the clerk's own counter.

Every exception the office treats as one needs a supervisor's approval, given with the
supervisor's own account and password on the same counter (``services.operators
.verify_password``: the supervisor is not signed in, the clerk stays signed in):

========================================  ==================================================
exception                                 use case (``approval=`` argument)
========================================  ==================================================
void a receipt                            ``payments.void_receipt``
refund                                    ``payments.refund``
fee reduction or exemption                ``fees.assess``, ``intake.intake`` (with a reduction)
identity with revocation unknown          ``identity.finish_proof`` / ``verify_moica``
a receipt reprinted a second time or more ``payments.confirm_printed``
closing with fees still due               ``cases.close_case``
handing over with fees still due          ``pickup.handover``
intake after a long time without sync     ``intake.intake`` (``sync_stale_approval_h``)
========================================  ==================================================

A face asks the supervisor for an :class:`Approval` (account, password, reason) and passes it
to the use case. The use case calls :func:`grant` *before* its own transaction (a wrong
password is counted towards the supervisor's lockout even though the use case is refused),
then appends a ``case.approval_granted`` event naming both accounts just before the event it
approves, in the same transaction, through ``services.ingest`` (:func:`append_approved`).

Refusals are ``AuthError``s: ``auth.approval_required`` (no approval given),
``auth.self_approval`` (the approver is the signed-in operator), ``auth.bad_password``,
``auth.unknown_account``, ``auth.locked``, ``auth.inactive`` (from the password check),
``auth.forbidden`` (the approver does not hold the supervisor role, or their scope does not
take in the case's service) and ``auth.password_change_required`` (the approver's password
was set by an office admin and not yet replaced by their own: someone else knows it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import APPROVAL_ACTIONS, CaseState
from eservice_desktop.domain.errors import AuthError, DomainError, PasswordChangeRequired
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.operators import Action, Operator, Role, account_key
from eservice_desktop.services import clock_guard, operators
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest
from eservice_desktop.storage.models import CaseRow
from eservice_desktop.storage.models_operators import OperatorRow

log = logging.getLogger("eservice.approvals")


@dataclass(frozen=True)
class Approval:
    """What the approving supervisor enters on the clerk's counter (never logged or stored:
    only the account reaches the event)."""

    account: str
    password: str = field(repr=False)
    #: Why the exception is allowed; when empty, the use case's own reason is taken.
    reason: str = ""


@dataclass(frozen=True)
class Granted:
    """A verified approval, ready to be recorded with the event it approves."""

    action: str
    requested_by: str
    approved_by: str
    approver_name: str
    reason: str
    #: What the approval is about, as a person reads it (a receipt or case number).
    target: str = ""

    def payload(self, event: Event) -> dict[str, Any]:
        """The ``case.approval_granted`` payload for the approved ``event``."""
        return {
            "action": self.action,
            "requested_by": self.requested_by,
            "approved_by": self.approved_by,
            "reason": self.reason,
            "for_event": event.event_id,
            "for_type": event.type,
            "target": self.target,
        }

    def for_action(self, action: str, target: str = "") -> Granted:
        """The same supervisor's approval of a second exception of the same request (an
        intake both late in sync and with a fee exemption is approved once, recorded twice)."""
        return replace(self, action=action, target=target or self.target)


def _label(action: str) -> tuple[str, str]:
    return APPROVAL_ACTIONS.get(action, (action, action))


def approval_required(action: str) -> AuthError:
    """The refusal when an exception comes without a supervisor's approval."""
    zh, en = _label(action)
    return AuthError(
        "auth.approval_required",
        f"「{zh}」須經主管核准：請主管在本櫃檯輸入帳號與密碼"
        "（指令：--approver 帳號 --approver-password-stdin）",
        f"'{en}' needs a supervisor's approval: the supervisor enters their account and "
        "password at this counter (command line: --approver ACCOUNT --approver-password-stdin)",
        "approver",
        {"action": action},
    )


def _self_approval() -> AuthError:
    return AuthError(
        "auth.self_approval",
        "不能核准自己的申請：請由另一位主管在本櫃檯輸入帳號與密碼",
        "You cannot approve your own request: another supervisor enters their account "
        "and password at this counter",
        "approver",
    )


def _approver(app: App, account: str, password: str, action: str) -> Operator:
    """The approving supervisor, verified (self-approval, password, role). The account is
    compared as kept (``CLERK01`` is ``clerk01``), before the password is tried and again with
    the account the password verified."""
    requester = app.actor.clerk
    if account_key(account) == requester:
        raise _self_approval()
    approver = operators.verify_password(app, account, password)
    if approver.account == requester:
        raise _self_approval()
    if Role.SUPERVISOR not in approver.roles:
        log.info("approval of %s refused: %s is not a supervisor", action, approver.account)
        raise _not_supervisor(approver.account)
    if approver.must_change_password:  # someone else's password still: the admin knows it
        log.info("approval of %s refused: %s has a one-time password", action, approver.account)
        raise PasswordChangeRequired(approver.account, approver=True)
    return approver


def _not_supervisor(account: str) -> AuthError:
    return AuthError(
        "auth.forbidden",
        f"核准須由主管為之：帳號 {account} 沒有主管角色",
        f"Only a supervisor can approve: account {account} has no supervisor role",
        "approver",
    )


def _still_approver(app: App, session: Session, granted: Granted, state: CaseState) -> None:
    """The approver's account read again in the approved write's transaction ``session``
    (write transactions are serial): a supervisor disabled, or whose supervisor role was taken,
    at another counter after their password was checked here approves nothing. The check
    before the transaction trusted that moment, and the void was recorded as approved by an
    account that was no longer a supervisor when it was written. Here the approval meets its
    case (``state``): the approver's scope must take in the case's service, as a clerk's
    must to take it in (:func:`_out_of_scope`)."""
    row = session.get(OperatorRow, granted.approved_by)
    if row is None or not row.active:
        log.info("approval of %s refused: %s disabled", granted.action, granted.approved_by)
        raise AuthError(
            "auth.inactive",
            f"帳號 {granted.approved_by} 已停用，不能核准",
            f"Account {granted.approved_by} is disabled and cannot approve",
            "approver",
        )
    if Role.SUPERVISOR.value not in row.roles.split():
        log.info("approval of %s refused: %s no longer a supervisor", granted.action, row.account)
        raise _not_supervisor(row.account)
    if row.password_must_change:  # reset by an office admin since the password was checked
        raise PasswordChangeRequired(row.account, approver=True)
    scope = frozenset(row.departments.split())
    _out_of_scope(app, row.account, scope, state.service_code)


def _out_of_scope(app: App, account: str, departments: frozenset[str], service_code: str) -> None:
    """Refuses an approver whose scope (業務範圍) does not take in ``service_code``: a
    supervisor of one department approved a void, a refund or a reduction on another's case,
    and a scope the county provisioned naming the other kind of office's services (a land
    office's department at a household office) approved household cases; only the role was
    asked. An empty scope takes in every service, a service the catalogue no longer knows
    (an old case) is not held against anyone."""
    catalogue = app.catalogue
    if not departments or not service_code or not catalogue.has_service(service_code):
        return
    approver = Operator(account, account, frozenset({Role.SUPERVISOR}), departments)
    if approver.can(Action.APPROVE, service_code, catalogue):
        return
    service = catalogue.service(service_code)
    scope = " ".join(sorted(departments))
    log.info("approval refused: %s's scope does not take in %s", account, service_code)
    raise AuthError(
        "auth.forbidden",
        f"帳號 {account} 的業務範圍（{scope}）不含此案件的申辦項目"
        f"「{service.name}」（{service_code}），不能核准：請由業務範圍包含此項目的主管核准",
        f"Account {account}'s scope ({scope}) does not take in this case's service "
        f"'{service.name_en}' ({service_code}): it cannot approve; a supervisor whose scope "
        "takes it in approves",
        "approver",
        {"account": account, "service": service_code},
    )


def check(
    app: App,
    account: str,
    password: str,
    action: str,
    reason: str = "",
    *,
    service_code: str = "",
    case_number: str = "",
) -> Approval:
    """Verifies a supervisor's account and password for ``action`` before the request is made
    again (an approval dialog shows a refusal in place); returns the :class:`Approval` to pass
    as the use case's ``approval=``, which verifies it once more when it records the event.
    ``service_code``: the case's service, when known, for the approver's scope; else
    ``case_number``: the case, whose service is read here. Without either, a supervisor whose
    scope does not take in the case was accepted here and refused by the write, a step later,
    the dialog opening again to say so."""
    if action not in APPROVAL_ACTIONS:
        raise ValueError(f"unknown approval action {action!r}")
    account = account.strip()
    if not account:
        raise approval_required(action)
    if reason.strip():
        _reason_text(reason)
    approver = _approver(app, account, password, action)
    if not service_code and case_number:
        service_code = _service_of(app, case_number)
    _out_of_scope(app, approver.account, approver.departments, service_code)
    return Approval(account, password, reason)


def _service_of(app: App, case_number: str) -> str:
    """The service of the case ``case_number`` ("" when there is no such case here: the
    write refuses it in its own words)."""
    with app.reading() as s:
        query = select(CaseRow.service_code).where(CaseRow.case_number == case_number.strip())
        return s.scalar(query) or ""


#: The supervisor's reason as a refusal names it.
APPROVAL_REASON: Final[values.Label] = ("核准理由", "Approval reason")


def _reason_text(reason: str) -> str:
    """The approval's reason as its event holds it, refused before a password is tried."""
    return values.check_text(
        reason.strip(), "reason", max_len=values.REASON_MAX, multiline=True, label=APPROVAL_REASON
    )


def writable(app: App) -> None:
    """Refuses now what the approved write would be refused anyway, before a supervisor is
    asked: a clock gone back (``clock.behind``), a restore not yet recovered
    (``restore.recover_pending``). The supervisor came to the counter and typed their password,
    the password counted, and the write it approved was refused all the same."""
    with app.reading() as s:
        clock_guard.check(s, app.now())


def grant(
    app: App,
    approval: Approval | None,
    action: str,
    *,
    reason: str = "",
    target: str = "",
    service_code: str = "",
) -> Granted:
    """Verifies a supervisor's approval of ``action`` requested by the signed-in operator
    (``service_code``: the case's, when known, for the approver's scope: an approval checked
    before something leaves the counter, a reprint, is refused before, not once it is out).

    Cheap checks first (missing, self-approval, reason), then the password (which counts towards
    the approver's lockout when wrong), then the supervisor role; before all of them, the write's
    own guards (:func:`writable`). Opens its own short transactions (the guards, the password
    check): call it before the use case's transaction."""
    if action not in APPROVAL_ACTIONS:
        raise ValueError(f"unknown approval action {action!r}")
    writable(app)
    if approval is None or not approval.account.strip():
        raise approval_required(action)
    requester = app.actor.clerk
    account = approval.account.strip()
    if account_key(account) == requester:
        _approver(app, account, approval.password, action)  # raises auth.self_approval
    why = (approval.reason or reason).strip()
    if not why:
        raise DomainError(
            "approval.reason_required",
            "主管核准須填寫理由",
            "An approval needs a reason",
            "reason",
        )
    why = _reason_text(why)
    approver = _approver(app, account, approval.password, action)
    _out_of_scope(app, approver.account, approver.departments, service_code)
    log.info("%s approved by %s for %s", action, approver.account, requester)
    return Granted(
        action=action,
        requested_by=requester,
        approved_by=approver.account,
        approver_name=approver.name,
        reason=why,
        target=target,
    )


def demo_granted(app: App, action: str, *, reason: str, target: str = "") -> Granted:
    """Demo seeding's approval of ``action`` by the demo supervisor (``operators
    .DEMO_SUPERVISOR``, created when missing), for the signed-in operator's request. The seeder is
    trusted code: the supervisor's password is not asked."""
    if action not in APPROVAL_ACTIONS:
        raise ValueError(f"unknown approval action {action!r}")
    approver = operators.ensure_demo_supervisor(app)
    requester = app.actor.clerk
    if requester == approver.account:
        raise AuthError(
            "auth.self_approval",
            "示範主管不能核准自己的申請",
            "The demo supervisor cannot approve their own request",
        )
    return Granted(
        action=action,
        requested_by=requester,
        approved_by=approver.account,
        approver_name=approver.name,
        reason=reason,
        target=target,
    )


def approval_event(app: App, granted: Granted, event: Event) -> Event:
    """The ``case.approval_granted`` event of ``granted`` for ``event`` (same case, same time,
    stamped with the requesting operator; the payload names the approver)."""
    if granted.requested_by != event.clerk:
        raise AuthError(
            "auth.forbidden",
            "核准只適用於提出申請的承辦人",
            "An approval only covers the operator who asked for it",
        )
    return app.actor.event(event.case_id, ev.APPROVAL_GRANTED, event.at, granted.payload(event))


def append_approved(
    app: App, session: Session, state: CaseState | None, event: Event, granted: Granted | None
) -> CaseState:
    """Appends ``event`` (through ``services.ingest``), preceded by its approval when there is
    one, in the caller's transaction."""
    if granted is not None and state is not None:
        _still_approver(app, session, granted, state)
        state = ingest(app, session, approval_event(app, granted, event), state)
    return ingest(app, session, event, state)


def append_approval_after(
    app: App, session: Session, state: CaseState, event: Event, granted: Granted
) -> CaseState:
    """Appends the approval of an event already appended (an intake: nothing can precede a
    case's ``case.received``)."""
    _still_approver(app, session, granted, state)
    return ingest(app, session, approval_event(app, granted, event), state)
