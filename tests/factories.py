"""Shared test data: a household transcript application that the counter accepts, the one
helper that makes a case at the counter (every area's tests use it), and the payload such a
case's first event carries."""

from __future__ import annotations

from typing import Any

from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake

#: The fields the household transcript (HR-TRANSCRIPT) asks for, filled validly.
FIELDS = {
    "registered_address": "桃園市桃園區中正路1號",
    "transcript_kind": "現戶",
    "record_detail": "省略記事",
}


def received_payload(case_number: str, name: str = "王小明") -> dict[str, Any]:
    """The payload of a ``case_received`` event of a household transcript, as the counter
    writes it (for tests that build events without the intake)."""
    return {
        "case_number": case_number,
        "service_code": "HR-TRANSCRIPT",
        "time_limit_working_days": 1,
        "applicant": {
            "kind": "person",
            "id_type": "national_id",
            "id": "A123456789",
            "name": name,
        },
        "pickup": {"method": "counter", "office": "H01"},
    }


def request(**kw: object) -> IntakeRequest:
    """A valid household transcript intake; keywords replace any part of it."""
    base: dict[str, object] = {
        "service_code": "HR-TRANSCRIPT",
        "applicant_id": "A123456789",
        "applicant_name": "王小明",
        "fields": dict(FIELDS),
    }
    base.update(kw)
    return IntakeRequest(**base)  # type: ignore[arg-type]


def new_case(
    app: App,
    *,
    service: str = "HR-TRANSCRIPT",
    name: str = "王小明",
    applicant_id: str = "A123456789",
    copies: int = 1,
    **kw: Any,
) -> str:
    """Accepts a valid application at the counter (the household transcript by default: NT$15
    a copy) and returns its case number; keywords go to :func:`request` (phone, pickup, fields).
    Another service gets no fields unless given."""
    kw.setdefault("fields", dict(FIELDS) if service.startswith("HR-TRANSCRIPT") else {})
    req = request(
        service_code=service, applicant_id=applicant_id, applicant_name=name, copies=copies, **kw
    )
    return intake(app, req).case_number
