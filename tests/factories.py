"""Shared test data: a household transcript application that the counter accepts."""

from __future__ import annotations

from eservice_desktop.services.intake import IntakeRequest

#: The fields the household transcript (HR-TRANSCRIPT) asks for, filled validly.
FIELDS = {
    "registered_address": "桃園市桃園區中正路1號",
    "transcript_kind": "現戶",
    "record_detail": "省略記事",
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
