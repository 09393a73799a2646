"""Reopening a case closed by mistake (結案後重新開啟): one wrong Alt+C, or the case of the
citizen before, ended a case for good, its closing notice sent and its clock stopped.

A supervisor approves it, with the clerk's reason, and only while the case is closed and no
further: once it is ready for pickup its pickup code is out, and once handed over its documents
are; a rejected or cancelled case stays ended (a new intake is the way there). Reopened, the case
is open again as before its closing: its clock runs on from receipt as if it had never been
closed (the days it lay closed were the office's, not the citizen's), so the on-time report
judges it by its next closing; the citizen's closing notice, already sent, is not taken back."""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import APPROVE_REOPEN, CLOSED, OPEN, CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.state_copy import replace


def reopen_error(state: CaseState) -> DomainError | None:
    """Why ``state`` cannot be reopened, else None."""
    if state.lifecycle == CLOSED:
        return None
    if state.lifecycle == OPEN:
        return DomainError(
            "case.not_closed", "本案尚未結案，無須重新開啟", "The case is not closed"
        )
    return DomainError(
        "case.reopen_too_late",
        "只有已結案、尚未通知領件的案件可以重新開啟（已通知領件、已領件、駁回或撤件的案件不能）",
        "Only a closed case not yet ready for pickup can be reopened (not one ready for pickup, "
        "picked up, rejected or cancelled)",
    )


def check_reopened(state: CaseState, p: pl.Reopened, _t: str) -> None:
    """The case rule: a closed case, a reason (its approval: :func:`require_approval`)."""
    refusal = reopen_error(state)
    if refusal is not None:
        raise refusal
    if not (p.reason or "").strip():
        raise DomainError(
            "case.reason_required", "請填寫重新開啟的理由", "A reason is required", "reason"
        )


def require_approval(state: CaseState, event_id: str) -> None:
    """A supervisor's approval of this very reopening, appended just before it."""
    if state.approval_for(event_id, APPROVE_REOPEN) is None:
        raise DomainError(
            "auth.approval_required",
            "結案案件重新開啟須經主管核准",
            "Reopening a closed case needs a supervisor's approval",
            "approver",
        )


def fold_reopened(s: CaseState, _p: pl.Reopened, _e: ev.Event) -> CaseState:
    """Open again, as before its closing (its clock runs on from receipt)."""
    return replace(s, lifecycle=OPEN, closed_at=None)
