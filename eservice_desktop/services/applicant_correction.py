"""Correcting what the clerk typed about the applicant at intake (docs/architecture.md,
"Correcting the applicant"): a misspelt name (a rare character typed as a look-alike), a wrong
address of the service's form, a wrong e-mail address (the county sends notices to it; the
mobile number has its own change, ``services.case_contact``).

Before, the only way was to withdraw the case (撤件) and take it in again: a case number burnt,
a second receipt number or a void, and a citizen holding a slip of a case that no longer
counted. A correction is the event ``case.applicant_corrected`` through the one ingest path,
so it works offline, waits in the outbox, reaches the other counters and the county, and shows
on the case's timeline who corrected what, when and why (the reason is required). It carries the
corrected values only; the case shows them everywhere from then on (queue, search, case view,
reports), the events before it keep what was typed then.

Each value is checked exactly as intake checks it (``values.check_applicant``'s reading for
the name and the e-mail address, ``intake_checks.field_error`` for a field of the service's
form), and refused before anything is stored. Only the service's address fields may be
corrected here: its other fields are the application itself, not the applicant. The ID
number, and the applicant kind that follows from it, is not correctable at all
(``domain.applicant_rule``). A receipt already printed is never changed: a receipt is the
record of a payment by the payer as named when paid, and its reprint is made of the case as it
stood at that payment (``payments_receipts.state_at_payment``), old name and all; a payment
after the correction gets a receipt with the corrected name, and the case's timeline says what
was corrected, when and why.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import CaseState, case_not_found
from eservice_desktop.domain.catalogue import FieldSpec
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import cases
from eservice_desktop.services import intake_checks as checks
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeErrors
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo


@dataclass(frozen=True)
class AddressField:
    """An address field of the case's service as the faces offer it for correction."""

    key: str
    label: str
    label_en: str
    value: str
    required: bool
    max_length: int


def _address_specs(app: App, state: CaseState) -> list[FieldSpec]:
    if not app.catalogue.has_service(state.service_code):
        return []  # a service the catalogue no longer has: its form is unknown
    service = app.catalogue.service(state.service_code)
    return [spec for spec in service.fields if spec.type == "address"]


@dataclass(frozen=True)
class ApplicantForm:
    """What a correction starts from: the case's name, e-mail address and address fields."""

    case_number: str
    name: str
    email: str
    addresses: list[AddressField]


def applicant_form(app: App, case_number: str) -> ApplicantForm:
    """The applicant's details of the case as a correction's form shows them."""
    require(app, Action.VIEW_CASE)
    state = cases.load_case(app, case_number)
    return ApplicantForm(
        state.case_number, state.applicant_name, state.email, _address_fields(app, state)
    )


def address_fields(app: App, case_number: str) -> list[AddressField]:
    """The address fields of the case's service, each with the value the case holds now."""
    require(app, Action.VIEW_CASE)
    return _address_fields(app, cases.load_case(app, case_number))


def _address_fields(app: App, state: CaseState) -> list[AddressField]:
    return [
        AddressField(
            spec.key,
            spec.label,
            spec.label_en,
            str(state.fields.get(spec.key) or ""),
            spec.required,
            spec.max_length or values.FIELD_VALUE_MAX,
        )
        for spec in _address_specs(app, state)
    ]


def correct_applicant(
    app: App,
    case_number: str,
    reason: str,
    *,
    name: str | None = None,
    addresses: Mapping[str, str] | None = None,
    email: str | None = None,
) -> cases.CaseView:
    """Records the corrected name, address fields and e-mail address of the case; the case as
    it is now.

    ``None`` (or a field left out) leaves a value as it is. Every value is refused as intake
    refuses it, all at once (``IntakeErrors``, by field); a reason is required
    (``field.required``); a value the case holds already is ``correction.unchanged``, nothing
    to correct ``correction.empty``, a field that is no address of the service
    ``correction.not_address``, a case collected, withdrawn or rejected ``case.not_open``."""
    require(app, Action.PROCESS)
    said = cases.said(reason)
    if not said:
        raise DomainError(
            "field.required", "請輸入更正理由", "Enter the reason for the correction", "reason"
        )
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        if state is None:
            raise case_not_found()
        payload = _corrections(app, state, _Wanted(name, email), addresses or {})
        after = cases.record(app, s, case_id, ev.APPLICANT_CORRECTED, {**payload, "reason": said})
        if after.corrected == state.corrected:
            raise _corrected_later()  # nothing stored: the transaction rolls back
    return cases.view_of(app, after)


def _corrections(
    app: App, state: CaseState, wanted: _Wanted, addresses: Mapping[str, str]
) -> dict[str, Any]:
    """The payload's corrected values, each as intake would store it; every refusal at once."""
    errors: dict[str, DomainError] = {}
    payload = _person(state, wanted, errors)
    specs = {spec.key: spec for spec in _address_specs(app, state)}
    fields: dict[str, str] = {}
    for key, value in addresses.items():
        spec = specs.get(key)
        if spec is None:
            errors[key] = _not_address(key, specs)
        elif (error := checks.field_error(spec, value)) is not None:
            errors[key] = error
        elif value.strip() != str(state.fields.get(key) or "").strip():
            fields[key] = value.strip()
    if errors:
        raise IntakeErrors(errors)
    if fields:
        payload["fields"] = fields
    if not payload:
        raise _unchanged(wanted != _Wanted(None, None) or bool(addresses))
    return payload


@dataclass(frozen=True)
class _Wanted:
    """The name and e-mail address typed for the correction (None: left as it is)."""

    name: str | None
    email: str | None


def _person(state: CaseState, wanted: _Wanted, errors: dict[str, DomainError]) -> dict[str, Any]:
    """The name and e-mail address that change, read as ``values.check_applicant`` reads them
    at intake (the name's spaces collapsed and composed, the address NFKC-folded); a refusal
    goes to ``errors`` by the intake form's field name."""
    out: dict[str, Any] = {}
    if wanted.name is not None:
        blank = DomainError(
            "field.required", "請輸入申請人姓名", "Enter the applicant's name", "applicant_name"
        )
        applicant, found = values.check_applicant(
            state.applicant_id, wanted.name, "", "", blank_name=blank
        )
        if "applicant_name" in found:
            errors["applicant_name"] = found["applicant_name"]
        elif applicant["name"] != state.applicant_name:
            out["name"] = applicant["name"]
    if wanted.email is not None:
        email = unicodedata.normalize("NFKC", wanted.email).strip()
        try:
            values.check_email(email, label=values.EMAIL)
        except DomainError as e:
            errors["email"] = DomainError(e.code, e.message_zh, e.message_en, "email")
        else:
            if email != state.email:
                out["email"] = email
    return out


def _not_address(key: str, specs: Mapping[str, FieldSpec]) -> DomainError:
    shown = values.printable(key, 40)
    named = "、".join(specs) or "（無）"
    return DomainError(
        "correction.not_address",
        f"「{shown}」不是此申辦項目的地址欄位；可更正的地址欄位：{named}",
        f"{shown} is no address field of this service; its address fields: "
        + (", ".join(specs) or "(none)"),
        key,
    )


def _corrected_later() -> DomainError:
    """A correction older than one pulled from another counter (a clock behind) changes
    nothing (the later correction holds everywhere: ``applicant_rule``): refused, not said as
    done."""
    return DomainError(
        "correction.corrected_later",
        "其他櫃台已於較晚時間更正本案申請人資料（以較晚的更正為準）；請先請資訊人員校正電腦時鐘",
        "Another counter corrected the applicant's details later than this computer's time "
        "(the later correction holds); have IT set the clock right",
        "applicant_name",
    )


def _unchanged(given: bool) -> DomainError:
    if not given:
        return DomainError(
            "correction.empty",
            "請輸入要更正的申請人資料（姓名、地址或電子郵件）",
            "Enter what to correct (the name, an address or the e-mail address)",
            "applicant_name",
        )
    return DomainError(
        "correction.unchanged",
        "輸入的資料與案件現有資料相同，沒有要更正的內容",
        "What was entered is what the case holds already; nothing to correct",
        "applicant_name",
    )
