"""Reopening a case closed by mistake (結案後重新開啟, ``domain.reopen_rule``): a supervisor
approves it on this counter, with the clerk's reason; it is one ``case.reopened`` event through
the one ingest path, its approval appended just before it, synced like every event. Refused
(nothing stored, no supervisor asked) for a case not closed, or one gone further (ready for
pickup, handed over, rejected, cancelled), and without a reason."""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import APPROVE_REOPEN
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.reopen_rule import reopen_error
from eservice_desktop.services import cases
from eservice_desktop.services.approvals import Approval, grant
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require


def reopenable(app: App, case_number: str) -> str:
    """The case number as stored when the case may be reopened; else why not, before a reason
    is asked or a supervisor called over."""
    require(app, Action.CLOSE)
    state = cases.load_case(app, case_number)
    refusal = reopen_error(state)
    if refusal is not None:
        raise refusal
    return state.case_number


def reopen_case(
    app: App, case_number: str, reason: str, *, approval: Approval | None = None
) -> cases.CaseView:
    """Opens the closed case ``case_number`` again (``approval``: the supervisor's, recorded
    just before it)."""
    require(app, Action.CLOSE)
    number = reopenable(app, case_number)
    if not reason.strip():
        raise DomainError(
            "case.reason_required", "請填寫重新開啟的理由", "A reason is required", "reason"
        )
    reason = cases.said(reason)
    granted = grant(app, approval, APPROVE_REOPEN, reason=reason, target=number)
    with app.transaction() as s:
        state = cases.record(
            app,
            s,
            cases.resolve_case_id(s, number),
            ev.REOPENED,
            {"reason": reason},
            granted=granted,
        )
    return cases.view_of(app, state)
