"""Reading the catalogue's JSON: every record checked, a refusal naming the entry and field.

``Catalogue.from_dict`` calls :func:`sections`; each ``_<record>`` reader turns one JSON object
into its frozen record (``catalogue_records``) or raises ``catalogue.invalid`` with where it is
(``services[3].fee_items[0].unit_price``), so a bad data file stops the start-up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Protocol, TypeVar, cast

from eservice_desktop.domain import catalogue_json as js
from eservice_desktop.domain.catalogue_json import invalid
from eservice_desktop.domain.catalogue_records import (
    DOCUMENT_FREE_KINDS,
    FIELD_TYPES,
    KIOSK_KINDS,
    OFFICE_CODE_LETTER,
    OFFICE_KINDS,
    PICKUP_LABELS,
    RESERVED_FIELD_KEYS,
    SERVICE_MODES,
    SERVICE_OFFICE_KINDS,
    Department,
    FeeItem,
    FieldSpec,
    FieldType,
    KioskItem,
    KioskKind,
    Office,
    OfficeKind,
    PickupOption,
    Savings,
    SavingsItem,
    Service,
    ServiceMode,
    ServiceOfficeKind,
)
from eservice_desktop.domain.errors import DomainError

_SERVICE_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
_OFFICE_CODE = re.compile(r"^[HLD][0-9]{2}$")
_DEPARTMENT_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Sections(NamedTuple):
    """The checked records of each section of the catalogue's JSON."""

    version: str
    departments: list[Department]
    services: list[Service]
    offices: list[Office]
    kiosk: list[KioskItem]


def sections(data: Mapping[str, Any], offices: Mapping[str, Any] | None) -> Sections:
    """Every record of parsed ``services.json`` (and ``offices.json``), each checked, in order.

    The catalogue checks what spans sections (a service's department exists) itself."""
    if not isinstance(data, Mapping):
        raise invalid("catalogue", "應為物件", "must be an object")
    version = js.text(data, "version", "catalogue")
    departments = [
        _department(d, f"departments[{i}]")
        for i, d in enumerate(js.array(data, "departments", "catalogue"))
    ]
    services = [
        _service(s, f"services[{i}]") for i, s in enumerate(js.array(data, "services", "catalogue"))
    ]
    kiosk = [_kiosk(k, f"kiosk[{i}]") for i, k in enumerate(js.array(data, "kiosk", "catalogue"))]
    office_source: Mapping[str, Any] | None = offices
    if office_source is None and "offices" in data:
        office_source = data
    office_list: list[Office] = []
    if office_source is not None:
        if not isinstance(office_source, Mapping):
            raise invalid("offices", "應為物件", "must be an object")
        office_list = [
            _office(o, f"offices[{i}]")
            for i, o in enumerate(js.array(office_source, "offices", "offices"))
        ]
    return Sections(version, departments, services, office_list, kiosk)


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


_T = TypeVar("_T", bound=_Coded)


def index_by_code(items: Iterable[_T], section: str, zh_what: str) -> dict[str, _T]:
    out: dict[str, _T] = {}
    for i, item in enumerate(items):
        if item.code in out:
            raise DomainError(
                "catalogue.duplicate_code",
                f"{zh_what}代碼重複：{item.code}",
                f"Duplicate {section} code: {item.code}",
                f"{section}[{i}].code",
            )
        out[item.code] = item
    return out


def _department(raw: Any, where: str) -> Department:
    obj = js.mapping(raw, where)
    online = obj.get("online_services", True)
    if not isinstance(online, bool):
        raise invalid(f"{where}.online_services", "應為 true 或 false", "must be true or false")
    rate = obj.get("on_time_rate_pct")
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 100
    ):
        raise invalid(f"{where}.on_time_rate_pct", "應為 0 至 100 的數字", "must be within 0..100")
    return Department(
        code=js.code(obj, where, _DEPARTMENT_CODE),
        name=js.text(obj, "name", where),
        name_en=js.text(obj, "name_en", where),
        parent=js.opt_text(obj, "parent", where),
        online_services=online,
        on_time_rate_pct=None if rate is None else float(rate),
    )


def _fee_item(raw: Any, where: str) -> FeeItem:
    obj = js.mapping(raw, where)
    additional = obj.get("additional_unit_price")
    return FeeItem(
        code=js.code(obj, where, _SERVICE_CODE),
        name=js.text(obj, "name", where),
        name_en=js.text(obj, "name_en", where),
        unit_price=js.price(obj, "unit_price", where),
        unit=js.text(obj, "unit", where),
        additional_unit_price=None
        if additional is None
        else js.price(obj, "additional_unit_price", where),
        unit_en=js.text(obj, "unit_en", where),
    )


def _field_spec(raw: Any, where: str) -> FieldSpec:
    obj = js.mapping(raw, where)
    key = js.text(obj, "key", where)
    if not _FIELD_KEY.fullmatch(key):
        raise invalid(f"{where}.key", f"欄位代碼格式不符：{key}", f"has a malformed key {key!r}")
    if key in RESERVED_FIELD_KEYS:
        raise invalid(
            f"{where}.key",
            f"「{key}」是案件本身的欄位，不可列為申辦項目欄位",
            f"{key!r} belongs to the case itself, not to a service's fields",
        )
    ftype = js.one_of(obj, "type", where, FIELD_TYPES)
    choices = js.text_list(obj, "choices", where) if obj.get("choices") is not None else ()
    if ftype == "choice" and not choices:
        raise invalid(f"{where}.choices", "選項欄位須列出選項", "must list the choices")
    if ftype != "choice" and choices:
        raise invalid(f"{where}.choices", "只有選項欄位可有選項", "only choice fields have choices")
    choices_en = js.parallel(obj, "choices_en", where, choices) if choices else ()
    max_length = js.opt_integer(obj, "max_length", where)
    if max_length is not None and max_length < 1:
        raise invalid(f"{where}.max_length", "應為正整數", "must be positive")
    return FieldSpec(
        key=key,
        label=js.text(obj, "label", where),
        label_en=js.text(obj, "label_en", where),
        type=cast(FieldType, ftype),
        required=js.boolean(obj, "required", where),
        choices=choices,
        max_length=max_length,
        choices_en=choices_en,
    )


def _service(raw: Any, where: str) -> Service:
    obj = js.mapping(raw, where)
    code = js.code(obj, where, _SERVICE_CODE)

    time_limit = js.integer(obj, "time_limit_working_days", where)
    if time_limit < 0:
        raise invalid(f"{where}.time_limit_working_days", "不可為負數", "must not be negative")

    fee_items = _service_fee_items(obj, where, code)
    lookups = _service_lookups(obj, where)
    pickup, mms = _service_pickup(obj, where)
    share_raw = _service_usage_share(obj, where)
    fields = tuple(
        _field_spec(f, f"{where}.fields[{i}]") for i, f in enumerate(js.array(obj, "fields", where))
    )
    documents, documents_en = _service_documents(obj, where)
    if len({f.key for f in fields}) != len(fields):
        raise invalid(f"{where}.fields", "欄位代碼重複", "repeat a field key")
    savings = _savings(obj.get("savings"), f"{where}.savings", frozenset(lookups))

    return Service(
        code=code,
        name=js.text(obj, "name", where),
        name_en=js.text(obj, "name_en", where),
        department=js.text(obj, "department", where),
        office_kind=cast(
            ServiceOfficeKind, js.one_of(obj, "office_kind", where, SERVICE_OFFICE_KINDS)
        ),
        time_limit_working_days=time_limit,
        fee_items=fee_items,
        requires_moica=js.boolean(obj, "requires_moica", where),
        mode=cast(ServiceMode, js.one_of(obj, "mode", where, SERVICE_MODES)),
        document_free_lookups=frozenset(lookups),
        required_documents=documents,
        required_documents_en=documents_en,
        pickup_options=cast(tuple[PickupOption, ...], pickup),
        mms_pickup=mms,
        usage_share=share_raw,
        fields=fields,
        savings=savings,
    )


def _service_fee_items(obj: Mapping[str, Any], where: str, code: str) -> tuple[FeeItem, ...]:
    fee_items = tuple(
        _fee_item(f, f"{where}.fee_items[{i}]")
        for i, f in enumerate(js.array(obj, "fee_items", where))
    )
    if len({f.code for f in fee_items}) != len(fee_items):
        raise DomainError(
            "catalogue.duplicate_code",
            f"申辦項目 {code} 的規費代碼重複",
            f"Service {code} repeats a fee item code",
            f"{where}.fee_items",
        )
    return fee_items


def _service_lookups(obj: Mapping[str, Any], where: str) -> tuple[str, ...]:
    lookups = js.text_list(obj, "document_free_lookups", where)
    for i, kind in enumerate(lookups):
        if kind not in DOCUMENT_FREE_KINDS:
            raise DomainError(
                "catalogue.unknown_lookup_kind",
                f"不明的免書證查詢種類：{kind}",
                f"Unknown document-free lookup kind: {kind}",
                f"{where}.document_free_lookups[{i}]",
            )
    return lookups


def _service_pickup(obj: Mapping[str, Any], where: str) -> tuple[tuple[str, ...], bool]:
    """The pickup options (at least one known) and whether MMS pickup is offered."""
    pickup = js.text_list(obj, "pickup_options", where)
    if not pickup:
        raise invalid(f"{where}.pickup_options", "至少須有一種領件方式", "must not be empty")
    for i, option in enumerate(pickup):
        if option not in PICKUP_LABELS:
            raise invalid(
                f"{where}.pickup_options[{i}]", f"不明的領件方式：{option}", f"{option!r} unknown"
            )
    mms = js.boolean(obj, "mms_pickup", where)
    if mms and "other_office" not in pickup:
        raise invalid(
            f"{where}.mms_pickup",
            "多媒體簡訊領件須可他地領件",
            "requires the other_office pickup option",
        )
    return pickup, mms


def _service_usage_share(obj: Mapping[str, Any], where: str) -> float:
    share_raw = js.get(obj, "usage_share", where)
    if (
        isinstance(share_raw, bool)
        or not isinstance(share_raw, int | float)
        or not math.isfinite(share_raw)
        or not 0 < share_raw <= 1
    ):
        raise invalid(f"{where}.usage_share", "應為大於 0、至多 1 的數字", "must be in (0, 1]")
    return float(share_raw)


def _service_documents(
    obj: Mapping[str, Any], where: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The required documents and their English names (none, or one for each)."""
    documents = js.text_list(obj, "required_documents", where)
    documents_en: tuple[str, ...] = ()
    if "required_documents_en" in obj:
        documents_en = js.text_list(obj, "required_documents_en", where)
        if len(documents_en) != len(documents):
            raise invalid(
                f"{where}.required_documents_en",
                "須與 required_documents 一一對應",
                "must match required_documents one to one",
            )
    return documents, documents_en


def _savings(raw: Any, where: str, lookups: frozenset[str]) -> Savings | None:
    """``savings``: ``{"documents": [{kind, document, ntd, minutes, sheets}], "source",
    "seed_cases"}``; each kind must be one of the service's document-free look-ups."""
    if raw is None:
        return None
    obj = js.mapping(raw, where)
    items = []
    for i, doc in enumerate(js.array(obj, "documents", where)):
        at = f"{where}.documents[{i}]"
        d = js.mapping(doc, at)
        kind = js.text(d, "kind", at)
        if kind not in lookups:
            raise DomainError(
                "catalogue.unknown_lookup_kind",
                f"節省效益的書證種類 {kind} 不在本項目的免書證查詢之列",
                f"Savings document kind {kind} is not one of the service's look-ups",
                f"{at}.kind",
            )
        figures = {key: js.integer(d, key, at) for key in ("ntd", "minutes", "sheets")}
        for key, value in figures.items():
            if value < 0:
                raise invalid(f"{at}.{key}", "不可為負數", "must not be negative")
        items.append(SavingsItem(kind=kind, document=js.text(d, "document", at), **figures))
    if not items:
        raise invalid(f"{where}.documents", "至少須有一種書證", "must not be empty")
    seed_cases = js.opt_integer(obj, "seed_cases", where)
    return Savings(
        documents=tuple(items), source=js.text(obj, "source", where), seed_cases=seed_cases
    )


def _office(raw: Any, where: str) -> Office:
    obj = js.mapping(raw, where)
    hours = js.mapping(js.get(obj, "hours", where), f"{where}.hours")
    opens = js.hhmm(hours, "opens", f"{where}.hours")
    closes = js.hhmm(hours, "closes", f"{where}.hours")
    if opens >= closes:
        raise invalid(f"{where}.hours", "開門時間須早於下班時間", "must open before it closes")
    code = js.code(obj, where, _OFFICE_CODE)
    kind = js.one_of(obj, "kind", where, OFFICE_KINDS)
    if code[0] != OFFICE_CODE_LETTER[kind]:
        raise invalid(
            f"{where}.code", f"代碼 {code} 與類別 {kind} 不符", f"{code} does not match kind {kind}"
        )
    department = js.opt_text(obj, "department", where)
    if (kind == "county_department") != (department is not None):
        raise invalid(
            f"{where}.department",
            "縣府局處櫃檯須指定所屬局處，其他事務所不可指定",
            "is required for a county department's desk and not allowed for other offices",
        )
    return Office(
        code=code,
        kind=cast(OfficeKind, kind),
        name=js.text(obj, "name", where),
        name_en=js.text(obj, "name_en", where),
        mms_pickup=js.boolean(obj, "mms_pickup", where),
        opens=opens,
        closes=closes,
        name_2010=js.opt_text(obj, "name_2010", where) or "",
        district=js.opt_text(obj, "district", where) or "",
        address=js.opt_text(obj, "address", where),
        phone=js.opt_text(obj, "phone", where),
        department=department,
    )


def _kiosk(raw: Any, where: str) -> KioskItem:
    obj = js.mapping(raw, where)
    kind = js.one_of(obj, "kind", where, KIOSK_KINDS)
    fine_limit = js.opt_integer(obj, "fine_limit", where)
    if fine_limit is not None and (kind != "fine" or fine_limit < 0):
        raise invalid(
            f"{where}.fine_limit", "只有罰鍰項目可設上限且不可為負", "only fines have a limit >= 0"
        )
    note = obj.get("note") or ""
    if not isinstance(note, str):
        raise invalid(f"{where}.note", "應為字串", "must be a string")
    return KioskItem(
        code=js.code(obj, where, _SERVICE_CODE),
        name=js.text(obj, "name", where),
        name_en=js.text(obj, "name_en", where),
        department=js.text(obj, "department", where),
        kind=cast(KioskKind, kind),
        existing_online=js.boolean(obj, "existing_online", where),
        service_code=js.opt_text(obj, "service_code", where),
        fine_limit=fine_limit,
        note=note,
    )
