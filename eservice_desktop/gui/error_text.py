"""What the window says of a failed task, in one place: a refusal its own text, a failure of
the machine (a full disk, a database another program holds) the line the command line prints
for it, and anything else one plain sentence, its traceback in the log. The exception's own
text (SQLAlchemy's "(sqlcipher3.dbapi2.OperationalError) database or disk is full
(Background on this error at: https://sqlalche.me/…)") is never shown to the clerk."""

from __future__ import annotations

import logging

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
