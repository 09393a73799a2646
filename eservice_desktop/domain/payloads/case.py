"""The payloads of a case's life outside money: received (with its applicant and pickup),
accepted, consent, identity, supplements, the endings, pickup, conflicts, notices, approvals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values as v
from eservice_desktop.domain.case_number import CaseNumber, parse_case_number
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import validate_mobile
from eservice_desktop.domain.payloads.base import (
    EventPayload,
    Fields,
    as_dict,
    as_list,
    dflt,
    opt,
    req,
    text_rule,
)
from eservice_desktop.domain.supply_by import check_items, check_supply_by

PICKUP_METHODS = ("counter", "mail", "other_office")


# --- case.received ---------------------------------------------------------------------------


def check_case_number(value: Any) -> CaseNumber:
    """The case number's rule (the receiving office's match is ``event_values``')."""
    if type(value) is str:
        return _parsed(value)
    return parse_case_number(v.check_text(value, "case_number", max_len=24))


@lru_cache(maxsize=4)
def _parsed(value: str) -> CaseNumber:
    # a received event's check reads its number twice (the office's match, then the payload's
    # rules): the second reading is the first one's (a CaseNumber is frozen); a refusal raises
    # each time (exceptions are not cached)
    return parse_case_number(v.check_text(value, "case_number", max_len=24))


def _case_number(value: Any) -> str:
    check_case_number(value)
    return str(value)


@dataclass(frozen=True, kw_only=True)
class Applicant(Fields):
    """The applicant of a new case. The name takes the counter's name rule
    (``values.check_name``), not only the text rule: a pushed name with a zero-width space,
    a BOM or a soft hyphen was stored and routed, though no counter would take it in."""

    kind: str = req(text_rule("kind", 12, 1))
    id_type: str = req(text_rule("id_type", 12, 1))
    id: str = req(text_rule("applicant_id", 16, 1))
    name: str = req(v.check_name, after_json=lambda x: x if v.plain_name(x) else v.check_name(x))


def _pickup_method(value: Any) -> Any:
    if value not in PICKUP_METHODS:
        raise DomainError("pickup.method", "領件方式不正確", "Unknown pickup method", "pickup")
    return value


@dataclass(frozen=True, kw_only=True)
class Pickup(Fields):
    method: str | None = dflt(_pickup_method)
    office: str | None = dflt(lambda x: v.check_office(x, "pickup_office"))


def _fields(value: Any) -> dict[str, Any]:
    for key, item in as_dict(value, "fields").items():
        v.check_text(key, "fields", max_len=v.FIELD_KEY_MAX, min_len=1)
        if isinstance(item, str):
            v.check_text(item, key, max_len=v.FIELD_VALUE_MAX, multiline=True)
    return dict(value)


def _fields_after_json(value: Any) -> dict[str, Any]:
    """:func:`_fields` of a payload that passed ``values.check_json``: its keys are one-line
    text of at most ``FIELD_KEY_MAX`` characters and its texts hold no refused character
    already, so only the blank keys and the lengths are left; any doubt takes the full rule."""
    if type(value) is not dict:
        return _fields(value)
    for key, item in value.items():
        if not key.strip() or (isinstance(item, str) and len(item) > v.FIELD_VALUE_MAX):
            return _fields(value)
    return dict(value)


def _consent(value: Any) -> list[Any]:
    for kind in as_list(value, "consent"):
        v.check_text(kind, "consent", max_len=40, min_len=1)
    return value  # type: ignore[no-any-return]


def _consent_after_json(value: Any) -> list[Any]:
    """:func:`_consent` of a payload that passed ``values.check_json`` (see
    :func:`_fields_after_json`): one-line, not blank, at most 40; any doubt takes the rule."""
    if type(value) is not list:
        return _consent(value)
    for kind in value:
        if type(kind) is not str or not 0 < len(kind) <= 40 or "\n" in kind or "\t" in kind:
            return _consent(value)
        if not kind.strip():
            return _consent(value)
    return value


def _reservation(value: Any) -> Any:
    return v.check_iso_time(value, "reservation_at") if value else value


@dataclass(frozen=True, kw_only=True)
class Received(EventPayload):
    TYPE = ev.RECEIVED
    _NESTED: ClassVar[Mapping[str, type[Fields]]] = {"applicant": Applicant, "pickup": Pickup}

    case_number: str = req(_case_number)
    service_code: str = req(text_rule("service_code", v.SERVICE_CODE_MAX, 1))
    time_limit_working_days: int = req(v.check_working_days)
    applicant: Applicant = req(lambda x: as_dict(x, "applicant"))
    phone: str | None = dflt(text_rule("phone", v.PHONE_MAX))
    email: str | None = dflt(v.check_email)
    copies: int | None = dflt(v.check_copies)
    channel: str | None = dflt(v.check_channel)
    reservation_at: str | None = opt(_reservation)
    fields: dict[str, Any] | None = dflt(_fields, after_json=_fields_after_json)
    consent: list[str] | None = dflt(_consent, after_json=_consent_after_json)
    pickup: Pickup | None = dflt(lambda x: as_dict(x, "pickup"))
    #: The catalogue's required documents and those presented (not checked: advisory).
    documents: Any = opt()


# --- the rest of a case's life ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Accepted(EventPayload):
    TYPE = ev.ACCEPTED
    note: str | None = opt()


@dataclass(frozen=True, kw_only=True)
class ConsentRecorded(EventPayload):
    TYPE = ev.CONSENT_RECORDED
    kinds: list[str] | None = opt()


@dataclass(frozen=True, kw_only=True)
class IdentityVerified(EventPayload):
    """The card's proof (``services.identity.proof_payload``), kept whole in ``extra``."""

    TYPE = ev.IDENTITY_VERIFIED


@dataclass(frozen=True, kw_only=True)
class SupplementRequested(EventPayload):
    """``items``: the documents asked for; ``supply_by``: the ISO day to bring them by
    (``domain/supply_by.py``: both optional, and unknown to earlier versions, which keep them)."""

    TYPE = ev.SUPPLEMENT_REQUESTED
    items: list[Any] | None = opt(check_items)
    supply_by: str | None = opt(check_supply_by)


@dataclass(frozen=True, kw_only=True)
class SupplementReceived(EventPayload):
    TYPE = ev.SUPPLEMENT_RECEIVED
    note: str | None = opt()


@dataclass(frozen=True, kw_only=True)
class Closed(EventPayload):
    TYPE = ev.CLOSED
    note: str | None = opt()


@dataclass(frozen=True, kw_only=True)
class Reopened(EventPayload):
    """A closed case opened again: its ``reason`` (``EventPayload.reason``), required by the
    case rule (``domain.reopen_rule``)."""

    TYPE = ev.REOPENED


@dataclass(frozen=True, kw_only=True)
class Rejected(EventPayload):
    TYPE = ev.REJECTED


@dataclass(frozen=True, kw_only=True)
class Cancelled(EventPayload):
    TYPE = ev.CANCELLED


@dataclass(frozen=True, kw_only=True)
class ReadyForPickup(EventPayload):
    TYPE = ev.READY_FOR_PICKUP
    office: str | None = opt(lambda x: v.check_office(x, "pickup_office"))
    pickup_number: str | None = opt(text_rule("pickup_number", 16))


@dataclass(frozen=True, kw_only=True)
class PickedUp(EventPayload):
    TYPE = ev.PICKED_UP
    #: Who collected the documents (``{"self": True}`` or a proxy's name and ID).
    by: dict[str, Any] | None = opt()


@dataclass(frozen=True, kw_only=True)
class NoticeResendRequested(EventPayload):
    TYPE = ev.NOTICE_RESEND_REQUESTED
    stage: str = req(text_rule("stage", 24, 1))


@dataclass(frozen=True, kw_only=True)
class LookupDone(EventPayload):
    """A document-free look-up answered by the county (docs/lookups.md)."""

    TYPE = ev.LOOKUP_DONE
    kind: str = req(text_rule("kind", 40, 1))
    result_id: str = req(lambda x: v.check_id(x, "result_id"))
    sha256: str = req(text_rule("sha256", 64, 64))


def _stored_mobile(value: Any) -> str:
    """A mobile number in the one form intake stores (``ids.validate_mobile``: 09 and 8
    digits), or "" (the event's number emptied by retention, ``services.retention``)."""
    text = v.check_text(value, "phone", max_len=v.PHONE_MAX)
    if text and validate_mobile(text, "phone") != text:
        raise DomainError(
            "phone.format",
            "手機號碼格式錯誤：應為 09 開頭的 10 位數字（例如 0912345678）",
            "Malformed mobile number: 10 digits starting with 09 (e.g. 0912345678)",
            "phone",
        )
    return text


@dataclass(frozen=True, kw_only=True)
class PhoneChanged(EventPayload):
    """The applicant's new mobile number (docs/pickup.md, "A new mobile number")."""

    TYPE = ev.PHONE_CHANGED
    phone: str = req(_stored_mobile)


def _corrected_fields(value: Any) -> dict[str, Any]:
    """The service fields a correction sets (addresses): a key and its text each, the text as
    a received case's field takes it ("" once retention emptied it)."""
    for key, item in as_dict(value, "fields").items():
        v.check_text(key, "fields", max_len=v.FIELD_KEY_MAX, min_len=1)
        v.check_text(item, key, max_len=v.FIELD_VALUE_MAX, multiline=True)
    return dict(value)


@dataclass(frozen=True, kw_only=True)
class ApplicantCorrected(EventPayload):
    """What the clerk typed about the applicant at intake, corrected: only what changes (the
    name, service fields by key, the e-mail address, "" for none) and why
    (docs/architecture.md, "Correcting the applicant")."""

    TYPE = ev.APPLICANT_CORRECTED
    name: str | None = opt(
        v.check_name, after_json=lambda x: x if v.plain_name(x) else v.check_name(x)
    )
    fields: dict[str, Any] | None = opt(_corrected_fields)
    email: str | None = opt(v.check_email)
    reason: str = req(text_rule("reason", v.REASON_MAX, 1, multiline=True))


@dataclass(frozen=True, kw_only=True)
class CodeReissueRequested(EventPayload):
    """A new pickup code asked of the county (docs/pickup.md, "A new pickup code")."""

    TYPE = ev.CODE_REISSUE_REQUESTED


@dataclass(frozen=True, kw_only=True)
class ConflictRecorded(EventPayload):
    TYPE = ev.CONFLICT_RECORDED
    conflict_id: str = req(text_rule("conflict_id", v.ID_MAX, 1))


@dataclass(frozen=True, kw_only=True)
class ConflictResolved(EventPayload):
    TYPE = ev.CONFLICT_RESOLVED
    conflict_id: str = req(text_rule("conflict_id", v.ID_MAX, 1))


@dataclass(frozen=True, kw_only=True)
class ApprovalGranted(EventPayload):
    TYPE = ev.APPROVAL_GRANTED
    action: str = req(text_rule("action", 40, 1))
    for_event: str = req(lambda x: v.check_id(x, "for_event"))
    for_type: str | None = opt(text_rule("for_type", 40))
    requested_by: str = req(lambda x: v.check_clerk(x, "requested_by"))
    approved_by: str = req(lambda x: v.check_clerk(x, "approved_by"))
