"""The case state machine: folds a case's event stream into its current state.

``decide_*`` style checks live in :func:`check` so that a use case can ask "may this event be
appended now?" before writing, and the projection (:func:`project`) stays a plain fold that also
accepts events from other offices which the county has already ordered.

Three modules, one job each, every name importable from here: ``case_state`` (``CaseState``,
payments, lifecycle and labels), ``case_rules`` (:func:`check` and each type's rule) and
``case_fold`` (:func:`apply`, :func:`project` and each type's fold); ``unpaid`` words the
``fees_due`` refusal.
"""

from __future__ import annotations

from eservice_desktop.domain.case_fold import (
    Fold,
    apply,
    project,
)
from eservice_desktop.domain.case_rules import (
    NOT_ACCEPTED,
    PAYMENT_METHODS,
    Rule,
    check,
)
from eservice_desktop.domain.case_state import (
    APPROVAL_ACTIONS,
    APPROVE_CLOSE_WITH_BALANCE,
    APPROVE_FEE_REDUCTION,
    APPROVE_HANDOVER_WITH_BALANCE,
    APPROVE_IDENTITY_REVOCATION_UNKNOWN,
    APPROVE_METHOD_CORRECTION,
    APPROVE_REFUND,
    APPROVE_REOPEN,
    APPROVE_REPRINT,
    APPROVE_STALE_SYNC_INTAKE,
    APPROVE_VOID,
    CANCELLED,
    CLOSED,
    OPEN,
    PICKED_UP,
    READY,
    REJECTED,
    CaseState,
    Payment,
    case_not_found,
    open_pauses,
)
from eservice_desktop.domain.refunds import refund_error, refunded_receipt_error
from eservice_desktop.domain.status_labels import STATUS_LABELS
from eservice_desktop.domain.unpaid import FEES_DUE, FeesDueError, fees_due_error, unpaid_words

__all__ = [
    "APPROVAL_ACTIONS",
    "APPROVE_CLOSE_WITH_BALANCE",
    "APPROVE_FEE_REDUCTION",
    "APPROVE_HANDOVER_WITH_BALANCE",
    "APPROVE_IDENTITY_REVOCATION_UNKNOWN",
    "APPROVE_METHOD_CORRECTION",
    "APPROVE_REFUND",
    "APPROVE_REOPEN",
    "APPROVE_REPRINT",
    "APPROVE_STALE_SYNC_INTAKE",
    "APPROVE_VOID",
    "CANCELLED",
    "CLOSED",
    "FEES_DUE",
    "NOT_ACCEPTED",
    "OPEN",
    "PAYMENT_METHODS",
    "PICKED_UP",
    "READY",
    "REJECTED",
    "STATUS_LABELS",
    "CaseState",
    "FeesDueError",
    "Fold",
    "Payment",
    "Rule",
    "apply",
    "case_not_found",
    "check",
    "fees_due_error",
    "open_pauses",
    "project",
    "refund_error",
    "refunded_receipt_error",
    "unpaid_words",
]
