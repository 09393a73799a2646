"""The case rules of ``case.applicant_corrected``: what the clerk typed about the applicant at
intake, corrected afterwards (a misspelt name, a rare character typed as a look-alike, a wrong
address field, a wrong e-mail address; the mobile number has its own ``case.phone_changed``),
with the reason (docs/architecture.md, "Correcting the applicant").

Apart from ``case_rules`` (which dispatches to them), like the phone's rule: a correction is of
use while the case is still worked on or waits at the pickup desk (open, closed, ready: the
documents are made out and handed over in the applicant's name). Once collected, withdrawn or
rejected the case is a finished record: what was handed over is what it says, and a correction
then would rewrite history rather than fix a typing slip.

The ID number is not among what may be corrected, nor the applicant kind that follows from it:
it identifies the person, keys the pickup (the desk's look-up by ID card, the code's owner) and
the applicant's other cases. A wrong ID number is another applicant's application: the case is
withdrawn (撤件) and taken in again.
"""

from __future__ import annotations

from datetime import datetime

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import CANCELLED, PICKED_UP, REJECTED, CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.state_copy import replace

_ENDED: dict[str, tuple[str, str]] = {
    PICKED_UP: ("本案已領件", "The case was already picked up"),
    CANCELLED: ("本案已撤件", "The case was cancelled"),
    REJECTED: ("本案已駁回", "The case was rejected"),
}

#: The keys of the name and the e-mail address in ``CaseState.corrected`` (a field's key is
#: ``fields.`` and its own).
NAME, EMAIL = "name", "email"


def check_applicant_corrected(state: CaseState, p: pl.ApplicantCorrected, _t: str) -> None:
    ended = _ENDED.get(state.lifecycle)
    if ended is not None:
        zh, en = ended
        raise DomainError(
            "case.not_open",
            zh + "，無法再更正申請人資料",
            en + "; its applicant's details cannot be corrected",
        )
    if p.name is None and not p.fields and p.email is None:
        raise DomainError(
            "correction.empty",
            "請輸入要更正的申請人資料（姓名、地址或電子郵件）",
            "Enter what to correct (the name, an address or the e-mail address)",
            "applicant_name",
        )


def fold_applicant_corrected(s: CaseState, p: pl.ApplicantCorrected, e: ev.Event) -> CaseState:
    """Each corrected value is the one of the latest correction of it by its time (then its
    event id), not of the correction folded last: two counters that each corrected the name
    offline would otherwise each show the other's for good (as ``phone_rule`` has it)."""
    key = (e.at, e.event_id)
    held = {item: (at, event_id) for item, at, event_id in s.corrected}
    name, fields, email = s.applicant_name, dict(s.fields), s.email
    if p.name is not None and _later(held.get(NAME), key):
        name, held[NAME] = p.name, key
    if p.email is not None and _later(held.get(EMAIL), key):
        email, held[EMAIL] = p.email, key
    for field, value in (p.fields or {}).items():
        if _later(held.get("fields." + field), key):
            fields[field], held["fields." + field] = value, key
    corrected = tuple(sorted((item, at, event_id) for item, (at, event_id) in held.items()))
    if corrected == s.corrected:
        return s  # every value is of a later correction already
    return replace(s, applicant_name=name, fields=fields, email=email, corrected=corrected)


def _later(held: tuple[datetime, str] | None, key: tuple[datetime, str]) -> bool:
    return held is None or key > held
