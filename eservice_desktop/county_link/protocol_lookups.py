"""The wire schemas of the document-free look-ups (免書證免謄本; docs/lookups.md): the request,
and the bytes a signed result's signature covers, built here for both ends. Importable from
county_link/protocol.py as well.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, StrictBool

from eservice_desktop.county_link.wire_base import WireModel
from eservice_desktop.domain import values

#: The format of a signed look-up result, and the prefix of the bytes its signature covers.
LOOKUP_FORMAT = "eservice-lookup/1"
#: The fields of a result its signature covers (everything but the signature itself).
LOOKUP_SIGNED_FIELDS = (
    "format",
    "result_id",
    "issuer",
    "issued_at",
    "office",
    "device",
    "case_number",
    "kind",
    "subject",
    "fields",
    "key_id",
)


class LookupRequest(WireModel):
    """``POST /v1/lookups``: one document for one case, with the citizen's consent.

    ``subject_id`` is the citizen's (or the company's) ID as the registry keys it; the county
    stores it nowhere, and keeps the look-up under a key of its secret (county/lookup_log.py).
    ``consent`` must be true: the office records the consent on the case
    (``case.consent_recorded`` or the intake's) before it asks."""

    case_number: str = Field(min_length=1, max_length=24)
    service_code: str = Field(min_length=1, max_length=values.SERVICE_CODE_MAX)
    kind: str = Field(pattern=r"^[a-z][a-z_]{1,39}$")
    subject_id: str = Field(pattern=r"^[0-9A-Za-z]{8,10}$")
    #: JSON true or false only: "yes" or 1 is no citizen's consent
    consent: StrictBool


def lookup_signed_bytes(result: dict[str, Any]) -> bytes:
    """The bytes a look-up result's signature covers: the format, a newline and the signed
    fields as canonical JSON (sorted keys, no spaces, UTF-8). Both ends build them here."""
    body = {k: result.get(k) for k in LOOKUP_SIGNED_FIELDS}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{LOOKUP_FORMAT}\n{canonical}".encode()
