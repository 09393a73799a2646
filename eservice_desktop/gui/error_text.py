"""What the window says of a failed task, in one place: a refusal its own text, a failure of
the machine (a full disk, a database another program holds) the line the command line prints
for it, and anything else one plain sentence, its traceback in the log. The exception's own
text (SQLAlchemy's "(sqlcipher3.dbapi2.OperationalError) database or disk is full
(Background on this error at: https://sqlalche.me/…)") is never shown to the clerk.

Fees still due (``fees_due``) the window words itself: the domain's text names the command
line's commands, the clerk is told the fees page's keys and boxes instead."""

from __future__ import annotations

import logging

from eservice_desktop.domain.case import FEES_DUE, FeesDueError, unpaid_words
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.machine_errors import environment_error

log = logging.getLogger("eservice.gui")

UNEXPECTED = DomainError(
    "gui.unexpected",
    "這項作業未完成：發生未預期的錯誤，已記入紀錄檔；請通知 IT",
    "This did not finish: an unexpected error, written to the log; tell IT",
)


def refusal_of(error: object) -> DomainError:
    """``error`` as the refusal the window shows (logged here unless it is a refusal)."""
    if isinstance(error, FeesDueError):
        return fees_due_refusal(error.balance, error.event_type)
    if isinstance(error, DomainError):
        return error
    if isinstance(error, str):  # a text already worded for the clerk (an approval's refusal)
        return DomainError("gui.said", error, error)
    exc = error if isinstance(error, BaseException) else None
    machine = environment_error(exc) if exc is not None else None
    if machine is not None:
        log.warning("background task failed: %s (%s)", machine.code, type(exc).__name__)
        return machine
    log.error(
        "background task failed: %s",
        type(error).__name__,
        exc_info=(type(exc), exc, exc.__traceback__) if exc else None,
    )
    return UNEXPECTED


def fees_due_refusal(balance: int, event_type: str, case_number: str = "") -> DomainError:
    """Fees still due, as the window says it: the amount, what it refused (of ``case_number``
    when given), and what to do here: F6, or an exemption approved on the fees page."""
    zh, en = unpaid_words(balance, event_type)
    zh += (
        "請按 F6 到「規費收費」頁收費；經核准免徵者，在該頁勾選「免徵」、填寫原因後按"
        "「核定規費」（Alt+A），由主管核准。"
    )
    en += (
        " Press F6 to take the payment on the Fees and receipts page; for an approved "
        "exemption, tick Exempt there, give the reason and press Assess fee (Alt+A) for a "
        "supervisor's approval."
    )
    if case_number:
        zh, en = f"案件 {case_number}：{zh}", f"Case {case_number}: {en}"
    return DomainError(FEES_DUE, zh, en, "balance", {"amount": balance})
