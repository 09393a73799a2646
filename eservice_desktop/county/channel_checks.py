"""What a channel's application must satisfy before it becomes a case (docs/channels.md).

The counter's rules (catalogue service, fields, applicant ID, name, phone, e-mail, copies),
plus the channel's own: the service is open to this kind of channel, the handling office takes
that kind of service in, and a reservation falls within the office's hours of the next 60 days.
``channels.submit`` calls :func:`validate` before it writes anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from eservice_desktop.domain import values
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.catalogue import Catalogue, Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc

if TYPE_CHECKING:
    from eservice_desktop.county.channels import Application

#: The offices at which documents may be collected elsewhere (他地領件).
#: How far ahead a reservation may be made.
RESERVATION_AHEAD = timedelta(days=60)


class Refused(Exception):
    """422: a refused application or payment; ``errors`` maps field -> DomainError."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.message_en)
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {
            "detail": [
                {
                    "field": k,
                    "code": e.code,
                    "message_zh": e.message_zh,
                    "message_en": e.message_en,
                }
                for k, e in self.errors.items()
            ]
        }


def _services_open_to(catalogue: Catalogue, kind: str) -> set[str]:
    """Web: every catalogue service an office takes in; kiosk: those of appendix 2's list."""
    at_office = {s.code for s in catalogue.services if s.at_counter}
    if kind == "web":
        return at_office
    return {
        k.service_code for k in catalogue.kiosk if k.kind == "service" and k.service_code
    } & at_office


def validate(
    catalogue: Catalogue,
    kind: str,
    app: Application,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> tuple[Service, dict[str, Any], str]:
    """The counter's rules; returns the service, the normalised applicant and the office.
    ``calendar``: the working days a reservation may fall on (weekdays without one).

    Every wrong field is reported at once (``Refused``), in the order of the application."""
    errors: dict[str, DomainError] = {}
    svc = _service_open_to(catalogue, kind, app.service_code, errors)
    applicant, applicant_errors = values.check_applicant(
        app.applicant_id, app.applicant_name, app.phone, app.email
    )
    errors.update(applicant_errors)
    if not 1 <= app.copies <= 99:
        errors["copies"] = DomainError(
            "copies.range", "份數須介於 1 到 99", "Copies must be between 1 and 99", "copies"
        )
    office = ""
    if svc is not None:
        if applicant.get("kind") == "business" and svc.office_kind == "household":
            errors["applicant_id"] = DomainError(
                "applicant.business_not_allowed",
                "戶政案件的申請人須為個人（身分證或居留證號）",
                "Household services need a person as applicant",
                "applicant_id",
            )
        errors.update(_field_errors(svc, app.fields or {}))
        if app.pickup_method not in svc.pickup_options:
            errors["pickup_method"] = DomainError(
                "pickup.not_offered",
                "此申辦項目不提供這種領件方式",
                "This service does not offer this pickup option",
                "pickup_method",
            )
        office = app.office or _home_office(catalogue, svc)
        errors.update(_office_errors(catalogue, svc, office, app.pickup_office))
        if app.reservation_at is not None and "office" not in errors:
            cal = calendar or WorkingCalendar()
            _check_reservation(catalogue, office, app.reservation_at, now, errors, calendar=cal)
    if errors:
        raise Refused(errors)
    assert svc is not None
    return svc, applicant, office


def _service_open_to(
    catalogue: Catalogue, kind: str, code: str, errors: dict[str, DomainError]
) -> Service | None:
    """The catalogue's service when this kind of channel may file it; otherwise None and the
    reason in ``errors``."""
    try:
        svc = catalogue.service(code.strip())
    except DomainError as e:
        errors["service_code"] = DomainError(e.code, e.message_zh, e.message_en, "service_code")
        return None
    if svc.code not in _services_open_to(catalogue, kind):
        errors["service_code"] = DomainError(
            "service.not_online",
            "此申辦項目不開放" + ("超商" if kind == "kiosk" else "網路") + "申辦",
            f"This service is not open to the {kind} channel",
            "service_code",
        )
        return None
    return svc


def _field_errors(svc: Service, fields: dict[str, str]) -> dict[str, DomainError]:
    """The service's own fields: required, one of the choices, text the counter accepts; and
    no field the service does not have."""
    errors: dict[str, DomainError] = {}
    for spec in svc.fields:
        value = fields.get(spec.key)
        text = "" if value is None else str(value).strip()
        if spec.required and not text:
            errors[spec.key] = DomainError(
                "field.required", f"請輸入{spec.label}", spec.required_en(), spec.key
            )
        elif text and spec.choices and text not in spec.choices:
            errors[spec.key] = spec.choice_error()
        elif text and (wrong_kind := spec.kind_error(text)) is not None:
            errors[spec.key] = wrong_kind
        elif text:
            try:
                # named as the form names it: "registered_address: 過長" reached the citizen
                values.check_text(
                    text,
                    spec.key,
                    max_len=spec.max_length or values.FIELD_VALUE_MAX,
                    multiline=True,
                    label=(spec.label, spec.label_en),
                )
            except DomainError as e:
                errors[spec.key] = e
    unknown = sorted(str(k) for k in fields if k not in {f.key for f in svc.fields})
    if unknown:
        shown = ", ".join(values.printable(k, 40) for k in unknown[:3])
        errors["fields"] = DomainError(
            "field.unknown",
            f"此申辦項目沒有這些欄位：{shown}",
            f"This service has no such fields: {shown}",
            "fields",
        )
    return errors


def _office_errors(
    catalogue: Catalogue, svc: Service, office: str, pickup_office: str
) -> dict[str, DomainError]:
    """The handling office takes this kind of service in; a pickup office exists."""
    errors: dict[str, DomainError] = {}
    try:
        chosen = catalogue.office(office)
        if chosen.kind != svc.office_kind:
            raise DomainError("office.kind", "", "")
    except DomainError:
        errors["office"] = DomainError(
            "office.not_for_service",
            "此機關不受理這個申辦項目",
            "This office does not take in this service",
            "office",
        )
    refusal = catalogue.pickup_office_refusal(pickup_office, office) if pickup_office else None
    if refusal is not None:
        errors["pickup_office"] = refusal
    return errors


def _home_office(catalogue: Catalogue, svc: Service) -> str:
    """The office a case goes to when the citizen chose none: the first office of the
    service's kind in the catalogue (its home office)."""
    offices = catalogue.offices_of_kind(svc.office_kind)
    return offices[0].code if offices else ""


def _check_reservation(
    catalogue: Catalogue,
    office: str,
    at: datetime,
    now: datetime,
    errors: dict[str, DomainError],
    *,
    calendar: WorkingCalendar,
) -> None:
    if at.tzinfo is None:
        errors["reservation_at"] = DomainError(
            "time.zone",
            "預約時間須含時區",
            "The reservation time needs a UTC offset",
            "reservation_at",
        )
        return
    # the range first: 0001-01-01T00:00+14:00 has no Taipei time (its UTC is in year 0), and
    # turning it into one answered 500
    if not now < at <= now + RESERVATION_AHEAD:
        errors["reservation_at"] = DomainError(
            "reservation.range",
            "預約時間須在現在之後的 60 天內",
            "The reservation must be within the next 60 days",
            "reservation_at",
        )
        return
    local = at.astimezone(TAIPEI)
    day_off = calendar.is_day_off(local.date())
    hours = catalogue.office(office)
    if (day_off and local.weekday() >= 5) or not hours.is_open_at(local.time()):
        errors["reservation_at"] = DomainError(
            "reservation.closed",
            f"預約時間不在辦公時間內（週一至週五 {hours.opens:%H:%M}–{hours.closes:%H:%M}）",
            f"The office is closed then (Mon-Fri {hours.opens:%H:%M}-{hours.closes:%H:%M})",
            "reservation_at",
        )
    elif day_off:
        # a holiday on a weekday (元旦, 國慶日 ...): the office is closed all day; a make-up
        # working Saturday (補行上班) is open
        errors["reservation_at"] = DomainError(
            "reservation.closed",
            f"預約日期{format_roc(local.date(), 'long')}為放假日，請改選上班日",
            f"The office is closed on {local.date().isoformat()} (a day off); choose a working day",
            "reservation_at",
        )
