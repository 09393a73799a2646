"""Value checks of a whole case event: the envelope and the payload of each event type.

:func:`check_event` is what the counter runs before appending an event, what the wire schema
runs on the envelope, and what the county runs on every pushed event before accepting it (a
refusal there is a conflict, never a stored event that a receiving office cannot apply). It
checks values only; whether the event may follow the case's state is :func:`domain.case.check`.
"""

from __future__ import annotations

from typing import Any

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values as v
from eservice_desktop.domain.case_number import parse_case_number
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event

PICKUP_METHODS = ("counter", "mail", "other_office")


def _dict(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DomainError("value.type", f"{field} 格式錯誤", f"{field} must be an object", field)
    return value


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise DomainError("value.type", f"{field} 格式錯誤", f"{field} must be a list", field)
    return value


def _opt_text(p: dict[str, Any], key: str, max_len: int, *, multiline: bool = False) -> None:
    if p.get(key) is not None:
        v.check_text(p[key], key, max_len=max_len, multiline=multiline)


def check_envelope(e: Event) -> None:
    v.check_id(e.event_id, "event_id")
    v.check_id(e.case_id, "case_id")
    v.check_office(e.office)
    v.check_device(e.device)
    v.check_clerk(e.clerk)
    v.check_time(e.at)
    if e.type not in ev.ALL_TYPES:
        raise DomainError("event.type", "事件類型不明", f"Unknown event type {e.type[:40]!r}")


def check_received(e: Event) -> None:
    p = e.payload
    number = parse_case_number(v.check_text(p.get("case_number"), "case_number", max_len=24))
    if number.office != e.office:
        raise DomainError(
            "case_number.office",
            "案號不屬於收件機關",
            "The case number does not belong to the receiving office",
            "case_number",
        )
    v.check_text(p.get("service_code"), "service_code", max_len=v.SERVICE_CODE_MAX, min_len=1)
    v.check_working_days(p.get("time_limit_working_days"))
    applicant = _dict(p.get("applicant"), "applicant")
    for key in ("kind", "id_type"):
        v.check_text(applicant.get(key), key, max_len=12, min_len=1)
    v.check_text(applicant.get("id"), "applicant_id", max_len=16, min_len=1)
    v.check_name(applicant.get("name"))
    v.check_text(p.get("phone", ""), "phone", max_len=v.PHONE_MAX)
    v.check_email(p.get("email", ""))
    v.check_copies(p.get("copies", 1))
    v.check_channel(p.get("channel", "counter"))
    if p.get("reservation_at"):
        v.check_iso_time(p["reservation_at"], "reservation_at")
    for key, value in _dict(p.get("fields", {}), "fields").items():
        v.check_text(key, "fields", max_len=v.FIELD_KEY_MAX, min_len=1)
        if isinstance(value, str):
            v.check_text(value, key, max_len=v.FIELD_VALUE_MAX, multiline=True)
    for kind in _list(p.get("consent", []), "consent"):
        v.check_text(kind, "consent", max_len=40, min_len=1)
    pickup = _dict(p.get("pickup", {}), "pickup")
    if pickup.get("method", "counter") not in PICKUP_METHODS:
        raise DomainError("pickup.method", "領件方式不正確", "Unknown pickup method", "pickup")
    v.check_office(pickup.get("office", e.office), "pickup_office")


def _check_payment(p: dict[str, Any]) -> None:
    v.check_text(p.get("payment_id"), "payment_id", max_len=v.PAYMENT_ID_MAX, min_len=1)
    v.check_text(p.get("method"), "method", max_len=12, min_len=1)
    v.check_amount(p.get("amount"), positive=True)
    if p.get("tendered") is not None:
        v.check_amount(p["tendered"], "tendered")
    if p.get("change") is not None:
        v.check_amount(p["change"], "change")
    _opt_text(p, "receipt_number", v.RECEIPT_NUMBER_MAX)
    _opt_text(p, "reference", v.REFERENCE_MAX)
    _opt_text(p, "payment_tool", 24)
    _opt_text(p, "settlement_number", 40)
    if p.get("authorised_at") is not None:
        v.check_iso_time(p["authorised_at"], "authorised_at")
    _opt_text(p, "deposit_date", 10)


def check_payload(e: Event) -> None:
    p = e.payload
    v.check_json(p)
    t = e.type
    if t == ev.RECEIVED:
        check_received(e)
    elif t == ev.FEE_ASSESSED:
        v.check_amount(p.get("total"), "total")
        for item in _list(p.get("items", []), "items"):
            for key, value in _dict(item, "items").items():
                if isinstance(value, int) and not isinstance(value, bool):
                    v.check_amount(abs(value), key)
        _opt_text(p, "exemption_reason", v.REASON_MAX, multiline=True)
    elif t == ev.PAYMENT_RECORDED:
        _check_payment(p)
    elif t == ev.PAYMENT_REFUNDED:
        v.check_text(p.get("payment_id"), "payment_id", max_len=v.PAYMENT_ID_MAX, min_len=1)
        v.check_amount(p.get("amount"), positive=True)
    elif t in (ev.PAYMENT_VOIDED, ev.PAYMENT_SETTLED):
        v.check_text(p.get("payment_id"), "payment_id", max_len=v.PAYMENT_ID_MAX, min_len=1)
        _opt_text(p, "settlement_number", 40)
        _opt_text(p, "deposit_date", 10)
    elif t in (ev.RECEIPT_ISSUED, ev.RECEIPT_REPRINTED, ev.RECEIPT_VOIDED):
        v.check_text(
            p.get("receipt_number"), "receipt_number", max_len=v.RECEIPT_NUMBER_MAX, min_len=1
        )
    elif t == ev.READY_FOR_PICKUP:
        if p.get("office") is not None:
            v.check_office(p["office"], "pickup_office")
        _opt_text(p, "pickup_number", 16)
    elif t == ev.NOTICE_RESEND_REQUESTED:
        v.check_text(p.get("stage"), "stage", max_len=24, min_len=1)
    elif t in (ev.CONFLICT_RECORDED, ev.CONFLICT_RESOLVED):
        v.check_text(p.get("conflict_id"), "conflict_id", max_len=v.ID_MAX, min_len=1)
    elif t == ev.APPROVAL_GRANTED:
        v.check_text(p.get("action"), "action", max_len=40, min_len=1)
        v.check_id(p.get("for_event"), "for_event")
        _opt_text(p, "for_type", 40)
        v.check_clerk(p.get("requested_by"), "requested_by")
        v.check_clerk(p.get("approved_by"), "approved_by")
    for key in ("reason", "supplement_reason"):
        _opt_text(p, key, v.REASON_MAX, multiline=True)


def check_event(e: Event) -> None:
    """Raises DomainError when any value of ``e`` is not one every office can store and apply."""
    check_envelope(e)
    check_payload(e)
