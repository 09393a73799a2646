"""The field checks of an intake (收件): each returns the errors of its part of the form.

``services.intake.validate`` runs them in the form's order and raises them all at once, so the
clerk sees every wrong field next to the field; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eservice_desktop.domain import values
from eservice_desktop.domain.catalogue import Catalogue, FieldSpec, Office, Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import refuse_time_to_come
from eservice_desktop.services import fees

if TYPE_CHECKING:
    from eservice_desktop.services.intake import IntakeRequest


def _err(code: str, zh: str, en: str, fld: str) -> DomainError:
    return DomainError(code, zh, en, fld)


def _handlers(catalogue: Catalogue, service: Service) -> list[Office]:
    return [o for o in catalogue.offices if catalogue.takes_in(o, service)]


def _handler_zh(catalogue: Catalogue, service: Service) -> str:
    if service.office_kind in ("household", "land"):
        return "戶政事務所" if service.office_kind == "household" else "地政事務所"
    offices = _handlers(catalogue, service)
    return offices[0].name if offices else catalogue.department(service.department).name


def _handler_en(catalogue: Catalogue, service: Service) -> str:
    if service.office_kind in ("household", "land"):
        return f"a {service.office_kind} registration office"
    offices = _handlers(catalogue, service)
    return offices[0].name_en if offices else catalogue.department(service.department).name_en


def not_here(catalogue: Catalogue, office: Office, service: Service) -> DomainError:
    """The refusal of a service this office does not take in, naming who does."""
    return _err(
        "service.not_at_office",
        f"「{service.name}」不由本機關（{office.name}）受理，請洽{_handler_zh(catalogue, service)}",
        f"{service.name_en} ({service.code}) is not taken in at {office.name_en}; it is handled"
        f" by {_handler_en(catalogue, service)}",
        "service",
    )


def received_at_errors(req: IntakeRequest, now: datetime) -> dict[str, DomainError]:
    """A back-dated intake (a paper form typed in later) may not be dated in the future: a day
    ahead was taken, a case received "tomorrow" left out of today's list and the day's counts,
    its fee not payable until then (its payment dated before the case)."""
    if req.received_at is None:
        return {}
    try:
        at = values.check_time(req.received_at, "received_at")
        refuse_time_to_come(at, now, "received_at", ("收件時間", "receipt", "received"))
    except DomainError as e:
        return {"received_at": DomainError(e.code, e.message_zh, e.message_en, "received_at")}
    return {}


def service_errors(
    service: Service, req: IntakeRequest, applicant: dict[str, Any]
) -> dict[str, DomainError]:
    """What the chosen service asks of the application: applicant kind, its own fields,
    lookups, documents and pickup method."""
    errors: dict[str, DomainError] = {}
    if applicant.get("kind") == "business" and service.office_kind == "household":
        errors["applicant_id"] = _err(
            "applicant.business_not_allowed",
            "戶政案件的申請人須為個人（身分證或居留證號）",
            "Household services need a person as applicant",
            "applicant_id",
        )
    for spec in service.fields:
        error = field_error(spec, req.fields.get(spec.key))
        if error is not None:
            errors[spec.key] = error
    errors.update(_choice_errors(service, req))
    return errors


def field_error(spec: FieldSpec, value: object) -> DomainError | None:
    """The first thing wrong with one service field's value, or None."""
    text = "" if value is None else str(value).strip()
    if spec.required and not text and spec.type == "choice":
        return _err(
            "field.required", f"請選擇{spec.label}", spec.required_en("choose one"), spec.key
        )
    if spec.required and not text:
        return _err("field.required", f"請輸入{spec.label}", spec.required_en(), spec.key)
    if text and spec.choices and text not in spec.choices:
        return spec.choice_error()
    if text and (wrong_kind := spec.kind_error(text)) is not None:
        return wrong_kind
    if text and values.bad_char(text, multiline=True) is not None:
        return _err(
            "value.character",
            f"{spec.label}含有不允許的字元",
            f"{spec.label_en} contains a character that is not allowed",
            spec.key,
        )
    if text and len(text) > (most := spec.max_length or values.FIELD_VALUE_MAX):
        return _err(
            "field.too_long",
            f"{spec.label}最多 {most} 字",
            f"{spec.label_en}: at most {most} characters",
            spec.key,
        )
    return None


def _choice_errors(service: Service, req: IntakeRequest) -> dict[str, DomainError]:
    """Names the request picks from the service's lists: fields, lookups, documents, pickup.
    Each refusal names what the service takes, as a field's choices are named: ``case intake
    --document 身分證`` read 不是此申辦項目的應備文件：身分證 alone, and the names the command line
    must spell out (申請人國民身分證正本) were shown nowhere before the case existed."""
    errors: dict[str, DomainError] = {}
    known = {spec.key for spec in service.fields}
    unknown = sorted(str(k) for k in req.fields if k not in known)
    if unknown:
        shown = ", ".join(values.printable(x, 40) for x in unknown[:3])
        zh, en = _takes("此項目的欄位", "its fields", [spec.key for spec in service.fields])
        errors["fields"] = _err(
            "field.unknown",
            f"此申辦項目沒有這些欄位：{shown}；{zh}",
            f"This service has no such fields: {shown}; {en}",
            "fields",
        )
    refused = [k for k in req.consent if k not in service.document_free_lookups]
    if refused:
        shown = ", ".join(values.printable(x, 40) for x in refused[:3])
        zh, en = _takes("此項目可查調", "it looks up", service.document_free_lookups)
        errors["consent"] = _err(
            "consent.not_allowed",
            f"此申辦項目不能查調這些書證謄本：{shown}；{zh}",
            f"This service cannot use these document-free lookups: {shown}; {en}",
            "consent",
        )
    unknown = [d for d in req.documents if d not in service.required_documents]
    if unknown:
        zh, en = _takes("此項目的應備文件", "its required documents", service.required_documents)
        # echoed as the fields' and look-ups' are: a control character in a name typed (or
        # scripted) reached the terminal and the status bar as it was
        named = [values.printable(x, 40) for x in unknown[:3]]
        errors["documents"] = _err(
            "documents.unknown",
            "不是此申辦項目的應備文件：" + "、".join(named) + f"；{zh}",
            "Not a required document of this service: " + ", ".join(named) + f"; {en}",
            "documents",
        )
    if not req.pickup_method.strip():
        errors["pickup_method"] = _err(
            "field.required", "請選擇領件方式", "Choose how to collect", "pickup_method"
        )
    elif req.pickup_method not in service.pickup_options:
        zh, en = _takes("此項目的領件方式", "its pickup options", service.pickup_options)
        errors["pickup_method"] = _err(
            "pickup.not_offered",
            f"此申辦項目不提供這種領件方式；{zh}",
            f"This service does not offer this pickup option; {en}",
            "pickup_method",
        )
    return errors


def fee_errors(service: Service, req: IntakeRequest) -> dict[str, DomainError]:
    """The fee assessment's own refusals (an exemption without reason, a reduction too big)."""
    try:
        fees.compute(
            service,
            req.copies,
            exempt=req.fee_exempt,
            reduction=req.fee_reduction,
            reason=req.fee_reason,
        )
    except DomainError as e:
        fld = e.field or "fee"
        return {fld: DomainError(e.code, e.message_zh, e.message_en, fld)}
    return {}


def pickup_office_errors(
    catalogue: Catalogue, req: IntakeRequest, office: str
) -> dict[str, DomainError]:
    """Pickup at another office names a household or land office the catalogue knows (or the
    receiving ``office`` itself)."""
    if req.pickup_method == "other_office" and not req.pickup_office.strip():
        return {
            "pickup_office": _err(
                "field.required", "請選擇領件機關", "Choose the pickup office", "pickup_office"
            )
        }
    refusal = (
        catalogue.pickup_office_refusal(req.pickup_office, office) if req.pickup_office else None
    )
    return {} if refusal is None else {"pickup_office": refusal}


def _takes(zh: str, en: str, names: Iterable[str]) -> tuple[str, str]:
    """What the service takes, in (zh-TW, English): 此項目的欄位：A、B / its fields: A, B."""
    listed = list(names)
    return (
        f"{zh}：" + ("、".join(listed) or "（無）"),
        f"{en}: " + (", ".join(listed) or "(none)"),
    )
