"""The service catalogue: what can be applied for, at which kind of office, for what fee, how fast.

The data lives in ``resources/catalogue/services.json`` and ``offices.json`` (see the README
next to them); this module only receives the already-parsed JSON, checks it thoroughly and turns
it into frozen value objects. A catalogue that fails a check is refused as a whole with a
:class:`~eservice_desktop.domain.errors.DomainError` naming the offending entry, so a bad data
file stops the application at start-up instead of producing wrong fees at the counter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from types import MappingProxyType
from typing import Any, Final, Literal, Protocol, TypeVar, cast

from eservice_desktop.domain.errors import DomainError

OfficeKind = Literal["household", "land", "county_department"]
ServiceOfficeKind = Literal["household", "land", "county"]
ServiceMode = Literal["counter", "reservation"]
FieldType = Literal["text", "int", "date", "choice", "land_parcel", "address"]
PickupOption = Literal["counter", "mail", "other_office"]
KioskKind = Literal["service", "fee", "fine"]

#: The nine kinds of record a clerk may look up instead of asking for paper (免書證免謄本).
DOCUMENT_FREE_KINDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "household_transcript": "戶籍謄本",
        "land_transcript": "土地登記簿謄本",
        "building_transcript": "建物登記簿謄本",
        "cadastral_map": "地籍圖",
        "building_survey_plan": "建物測量成果圖",
        "business_registration": "商業登記資料",
        "factory_registration": "工廠登記資料",
        "use_permit_stub": "使用執照存根",
        "land_use_zoning": "土地使用分區證明",
    }
)

DOCUMENT_FREE_KINDS_EN: Final[Mapping[str, str]] = MappingProxyType(
    {
        "household_transcript": "Household registration transcript",
        "land_transcript": "Land register transcript",
        "building_transcript": "Building register transcript",
        "cadastral_map": "Cadastral map",
        "building_survey_plan": "Building survey plan",
        "business_registration": "Business registration record",
        "factory_registration": "Factory registration record",
        "use_permit_stub": "Use permit stub",
        "land_use_zoning": "Land-use zoning certificate",
    }
)

#: Pickup options with their (zh-TW, English) labels.
PICKUP_LABELS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "counter": ("臨櫃領件", "At the counter"),
        "mail": ("郵寄", "By mail"),
        "other_office": ("他地領件", "At another office"),
    }
)

OFFICE_KINDS: Final[frozenset[str]] = frozenset({"household", "land", "county_department"})
#: The first letter of an office code for each kind of office.
OFFICE_CODE_LETTER: Final[Mapping[str, str]] = MappingProxyType(
    {"household": "H", "land": "L", "county_department": "D"}
)
SERVICE_OFFICE_KINDS: Final[frozenset[str]] = frozenset({"household", "land", "county"})
SERVICE_MODES: Final[frozenset[str]] = frozenset({"counter", "reservation"})
FIELD_TYPES: Final[frozenset[str]] = frozenset(
    {"text", "int", "date", "choice", "land_parcel", "address"}
)
KIOSK_KINDS: Final[frozenset[str]] = frozenset({"service", "fee", "fine"})
#: Keys a service field may not use: these are attributes of every case (the number of copies
#: drives :func:`fee_total`; applicant and pickup come from the intake form itself).
RESERVED_FIELD_KEYS: Final[frozenset[str]] = frozenset(
    {"copies", "applicant_id", "applicant_name", "phone", "email", "pickup_method", "pickup_office"}
)

_SERVICE_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
_OFFICE_CODE = re.compile(r"^[HLD][0-9]{2}$")
_DEPARTMENT_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


# ---------------------------------------------------------------------------------------------
# Value objects
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeItem:
    """One fee (規費) line of a service, charged per ``unit`` (份, 張, 筆, 建號 …).

    ``additional_unit_price``, when set, is what each copy after the first costs in the same
    application (e.g. an English household transcript: NT$100, then NT$15 per extra copy).
    """

    code: str
    name: str
    name_en: str
    unit_price: int
    unit: str
    additional_unit_price: int | None = None
    #: The unit in English ("sheet", "parcel" ...).
    unit_en: str = ""

    def unit_label(self, lang: str) -> str:
        return self.unit_en if lang.startswith("en") and self.unit_en else self.unit

    def amount(self, copies: int) -> int:
        """Fee for ``copies`` units (``copies`` ≥ 1, checked by :func:`fee_total`)."""
        if self.additional_unit_price is None:
            return self.unit_price * copies
        return self.unit_price + self.additional_unit_price * (copies - 1)


@dataclass(frozen=True)
class FieldSpec:
    """An intake field specific to one service (e.g. 地段地號 for a land transcript)."""

    key: str
    label: str
    label_en: str
    type: FieldType
    required: bool
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    #: English labels of ``choices``, same order. The value stored on a case is the zh-TW
    #: choice: it is what the county and the printed forms use.
    choices_en: tuple[str, ...] = ()

    def choice_label(self, value: str, lang: str) -> str:
        """The label of a stored choice in the window's language (the value itself if unknown)."""
        if lang.startswith("en") and value in self.choices:
            return self.choices_en[self.choices.index(value)]
        return value


@dataclass(frozen=True)
class Department:
    """A county department (處/局) or one of the two kinds of district office under it."""

    code: str
    name: str
    name_en: str
    parent: str | None = None
    #: False for units that appear only in the kiosk channel (tax bureau, police, finance).
    online_services: bool = True
    #: Share of cases closed within the time limit, 96.08–98.12 (seed appendix 11), if known.
    on_time_rate_pct: float | None = None


@dataclass(frozen=True)
class SavingsItem:
    """What one document-free look-up spares the citizen (seed appendix 4, 6, 10): the
    transcript fee or copy charge (NTD), the time to apply for the document (minutes) and
    the paper (sheets)."""

    kind: str
    #: The document as the seed names it (全戶戶籍謄本, 個人戶籍謄本 ...).
    document: str
    ntd: int
    minutes: int
    sheets: int


@dataclass(frozen=True)
class Savings:
    """A service's unit figures for the savings report: one closed case with the citizen's
    consent counts once with these, whatever number of look-ups the clerk made."""

    documents: tuple[SavingsItem, ...]
    #: Where the figures come from (appendix and row), or why they are inferred.
    source: str
    #: The appendices' case count for the service, 96.08–98.12 (None: not a row there).
    seed_cases: int | None = None

    @property
    def ntd(self) -> int:
        return sum(d.ntd for d in self.documents)

    @property
    def minutes(self) -> int:
        return sum(d.minutes for d in self.documents)

    @property
    def sheets(self) -> int:
        return sum(d.sheets for d in self.documents)


@dataclass(frozen=True)
class Service:
    """One online service (申辦項目) of seed appendix 1."""

    code: str
    name: str
    name_en: str
    department: str
    office_kind: ServiceOfficeKind
    time_limit_working_days: int
    fee_items: tuple[FeeItem, ...]
    requires_moica: bool
    mode: ServiceMode
    document_free_lookups: frozenset[str]
    required_documents: tuple[str, ...]
    pickup_options: tuple[PickupOption, ...]
    mms_pickup: bool
    usage_share: float
    fields: tuple[FieldSpec, ...]
    #: English names of ``required_documents``, same order (empty when not translated).
    required_documents_en: tuple[str, ...] = ()
    #: Unit figures of the savings report; None for a service without document-free look-ups.
    savings: Savings | None = None

    def document_name(self, doc: str, lang: str = "zh_TW") -> str:
        """A required document's name in the language asked (zh-TW when not translated)."""
        if lang.lower().startswith("zh") or doc not in self.required_documents:
            return doc
        i = self.required_documents.index(doc)
        return self.required_documents_en[i] if i < len(self.required_documents_en) else doc

    @property
    def at_counter(self) -> bool:
        """Taken at the district offices (household or land); a county service is taken in only
        at its department's desk (:meth:`Catalogue.takes_in`)."""
        return self.office_kind != "county"

    @property
    def has_fee(self) -> bool:
        return bool(self.fee_items)

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise DomainError(
            "catalogue.unknown_field",
            f"申辦項目「{self.name}」沒有欄位：{key}",
            f"Service {self.code} has no field {key!r}",
            key,
        )


@dataclass(frozen=True)
class Office:
    """An office where cases are filed and collected: a household or land district office, or a
    county department's desk (kind ``county_department``, which takes in that department's
    services only)."""

    code: str
    kind: OfficeKind
    name: str
    name_en: str
    mms_pickup: bool
    opens: time
    closes: time
    name_2010: str = ""
    district: str = ""
    address: str | None = None
    phone: str | None = None
    #: For a county department's desk: the ``departments[].code`` whose services it takes in.
    department: str | None = None

    def is_open_at(self, moment: time) -> bool:
        """Within office hours (opening time included, closing time excluded)."""
        return self.opens <= moment < self.closes


@dataclass(frozen=True)
class KioskItem:
    """What a citizen can do at a convenience-store kiosk (seed appendix 2, 29, 30)."""

    code: str
    name: str
    name_en: str
    department: str
    kind: KioskKind
    existing_online: bool
    service_code: str | None = None
    #: Highest fine payable at the kiosk (NT$20,000 per the seed); ``None`` if not a fine.
    fine_limit: int | None = None
    note: str = ""

    def accepts_amount(self, amount: int) -> bool:
        """Whether a fine of ``amount`` may be paid here (anything goes for non-fine items)."""
        return self.fine_limit is None or 0 <= amount <= self.fine_limit


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def _unknown(code: str, zh_what: str, en_what: str, value: str, field: str | None) -> DomainError:
    return DomainError(
        code, f"查無此{zh_what}代碼：{value}", f"Unknown {en_what} code: {value}", field
    )


class Catalogue:
    """The checked, read-only catalogue of departments, services, offices and kiosk items."""

    def __init__(
        self,
        *,
        version: str,
        departments: Iterable[Department],
        services: Iterable[Service],
        offices: Iterable[Office] = (),
        kiosk: Iterable[KioskItem] = (),
    ) -> None:
        self._version = version
        self._departments = _index(departments, "departments", "部門")
        self._services = _index(services, "services", "申辦項目")
        self._offices = _index(offices, "offices", "事務所")
        self._kiosk = _index(kiosk, "kiosk", "超商服務")
        self._check_departments()
        self._check_offices()
        self._check_kiosk()

    def _check_departments(self) -> None:
        """Every department's parent, and every service's department, is in the catalogue."""
        for i, dept in enumerate(self._departments.values()):
            if dept.parent is not None and dept.parent not in self._departments:
                raise _unknown(
                    "catalogue.unknown_department",
                    "部門",
                    "department",
                    dept.parent,
                    f"departments[{i}].parent",
                )
        for i, svc in enumerate(self._services.values()):
            if svc.department not in self._departments:
                raise _unknown(
                    "catalogue.unknown_department",
                    "部門",
                    "department",
                    svc.department,
                    f"services[{i}].department",
                )

    def _check_offices(self) -> None:
        """A county department's office names a known department that takes services in."""
        for i, office in enumerate(self._offices.values()):
            if office.department is None:
                continue
            if office.department not in self._departments:
                raise _unknown(
                    "catalogue.unknown_department",
                    "部門",
                    "department",
                    office.department,
                    f"offices[{i}].department",
                )
            if not self.services_at(office):
                raise _invalid(
                    f"offices[{i}].department",
                    f"{office.department} 沒有由縣府局處受理的申辦項目",
                    f"{office.department} has no services handled by a county department",
                )

    def _check_kiosk(self) -> None:
        for i, item in enumerate(self._kiosk.values()):
            if item.department not in self._departments:
                raise _unknown(
                    "catalogue.unknown_department",
                    "部門",
                    "department",
                    item.department,
                    f"kiosk[{i}].department",
                )
            if item.service_code is not None and item.service_code not in self._services:
                raise _unknown(
                    "catalogue.unknown_service",
                    "申辦項目",
                    "service",
                    item.service_code,
                    f"kiosk[{i}].service_code",
                )

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], offices: Mapping[str, Any] | None = None
    ) -> Catalogue:
        """Build and check a catalogue from parsed ``services.json`` (and ``offices.json``).

        ``offices`` is the parsed ``offices.json`` (a mapping with an ``"offices"`` list). When it
        is omitted, an ``"offices"`` list inside ``data`` is used if present, else the catalogue
        has no offices.
        """
        if not isinstance(data, Mapping):
            raise _invalid("catalogue", "應為物件", "must be an object")
        version = _str(data, "version", "catalogue")
        departments = [
            _department(d, f"departments[{i}]")
            for i, d in enumerate(_list(data, "departments", "catalogue"))
        ]
        services = [
            _service(s, f"services[{i}]")
            for i, s in enumerate(_list(data, "services", "catalogue"))
        ]
        kiosk = [_kiosk(k, f"kiosk[{i}]") for i, k in enumerate(_list(data, "kiosk", "catalogue"))]
        office_source: Mapping[str, Any] | None = offices
        if office_source is None and "offices" in data:
            office_source = data
        office_list: list[Office] = []
        if office_source is not None:
            if not isinstance(office_source, Mapping):
                raise _invalid("offices", "應為物件", "must be an object")
            office_list = [
                _office(o, f"offices[{i}]")
                for i, o in enumerate(_list(office_source, "offices", "offices"))
            ]
        return cls(
            version=version,
            departments=departments,
            services=services,
            offices=office_list,
            kiosk=kiosk,
        )

    # -- queries -------------------------------------------------------------------------------

    @property
    def version(self) -> str:
        return self._version

    @property
    def departments(self) -> tuple[Department, ...]:
        return tuple(self._departments.values())

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(self._services.values())

    @property
    def offices(self) -> tuple[Office, ...]:
        return tuple(self._offices.values())

    @property
    def kiosk(self) -> tuple[KioskItem, ...]:
        return tuple(self._kiosk.values())

    def department(self, code: str) -> Department:
        try:
            return self._departments[code]
        except KeyError:
            raise _unknown(
                "catalogue.unknown_department", "部門", "department", code, None
            ) from None

    def service(self, code: str) -> Service:
        try:
            return self._services[code]
        except KeyError:
            raise _unknown(
                "catalogue.unknown_service", "申辦項目", "service", code, "service_code"
            ) from None

    def service_name(self, code: str) -> str:
        """The service's name, or its code for a case received under an older catalogue that
        no longer lists it: a case on screen or on paper must never fail over its label."""
        service = self._services.get(code)
        return service.name if service is not None else code

    def has_service(self, code: str) -> bool:
        return code in self._services

    def services_for(self, office_kind: str) -> list[Service]:
        """Services of one office kind (``household``, ``land`` or ``county``), catalogue order."""
        if office_kind not in SERVICE_OFFICE_KINDS:
            raise DomainError(
                "catalogue.unknown_office_kind",
                f"不明的機關類別：{office_kind}",
                f"Unknown office kind: {office_kind}",
                "office_kind",
            )
        return [s for s in self._services.values() if s.office_kind == office_kind]

    def services_at(self, office: Office) -> list[Service]:
        """The services an office takes in, catalogue order: a household or land office all the
        services of its kind (the vertical integration); a county department's desk exactly its
        department's services handled by the county (``office_kind == "county"``)."""
        if office.kind == "county_department":
            return [
                s
                for s in self._services.values()
                if s.office_kind == "county" and s.department == office.department
            ]
        return self.services_for(office.kind)

    def takes_in(self, office: Office, service: Service) -> bool:
        """Whether ``office`` may take in a case of ``service``, i.e. ``service`` is one of
        :meth:`services_at`: a county department's desk only its own department's county
        services; a household or land office the services of its kind, never a county one."""
        if office.kind == "county_department":
            return service.office_kind == "county" and service.department == office.department
        return service.office_kind == office.kind

    def office(self, code: str) -> Office:
        try:
            return self._offices[code]
        except KeyError:
            raise _unknown("catalogue.unknown_office", "事務所", "office", code, "office") from None

    def offices_of_kind(self, kind: str) -> list[Office]:
        return [o for o in self._offices.values() if o.kind == kind]

    def kiosk_item(self, code: str) -> KioskItem:
        try:
            return self._kiosk[code]
        except KeyError:
            raise _unknown(
                "catalogue.unknown_kiosk_item", "超商服務", "kiosk item", code, None
            ) from None


def fee_total(service: Service, copies: int) -> int:
    """Total fee in NTD for ``copies`` units (copies, parcels, building numbers …) of a service."""
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise DomainError(
            "catalogue.invalid_copies",
            "份數須為 1 以上的整數",
            "The number of copies must be a whole number of at least 1",
            "copies",
        )
    return sum(item.amount(copies) for item in service.fee_items)


# ---------------------------------------------------------------------------------------------
# Parsing and checking
# ---------------------------------------------------------------------------------------------


def _invalid(where: str, zh: str, en: str) -> DomainError:
    return DomainError(
        "catalogue.invalid",
        f"申辦項目目錄資料有誤（{where}）：{zh}",
        f"Catalogue: {where} {en}",
        where,
    )


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


_T = TypeVar("_T", bound=_Coded)


def _index(items: Iterable[_T], section: str, zh_what: str) -> dict[str, _T]:
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


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(where, "應為物件", "must be an object")
    return value


def _get(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise _invalid(f"{where}.{key}", "缺少此欄位", "is missing")
    return obj[key]


def _str(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = _get(obj, key, where)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"{where}.{key}", "應為非空白字串", "must be a non-empty string")
    return value


def _opt_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    if obj.get(key) is None:
        return None
    return _str(obj, key, where)


def _bool(obj: Mapping[str, Any], key: str, where: str) -> bool:
    value = _get(obj, key, where)
    if not isinstance(value, bool):
        raise _invalid(f"{where}.{key}", "應為 true 或 false", "must be true or false")
    return value


def _int(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = _get(obj, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(f"{where}.{key}", "應為整數", "must be an integer")
    return value


def _opt_int(obj: Mapping[str, Any], key: str, where: str) -> int | None:
    if obj.get(key) is None:
        return None
    return _int(obj, key, where)


def _price(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = _int(obj, key, where)
    if value < 0:
        raise DomainError(
            "catalogue.negative_price",
            f"規費金額不可為負數（{where}.{key}）：{value}",
            f"Catalogue: {where}.{key} is a negative price: {value}",
            f"{where}.{key}",
        )
    return value


def _list(obj: Mapping[str, Any], key: str, where: str) -> Sequence[Any]:
    value = _get(obj, key, where)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _invalid(f"{where}.{key}", "應為陣列", "must be a list")
    return value


def _str_list(obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, value in enumerate(_list(obj, key, where)):
        if not isinstance(value, str) or not value.strip():
            raise _invalid(f"{where}.{key}[{i}]", "應為非空白字串", "must be a non-empty string")
        if value in out:
            raise _invalid(f"{where}.{key}[{i}]", f"重複的值：{value}", f"repeats {value!r}")
        out.append(value)
    return tuple(out)


def _parallel(obj: Mapping[str, Any], key: str, where: str, zh: tuple[str, ...]) -> tuple[str, ...]:
    """The English list that goes with a zh-TW list: one entry for each, in the same order."""
    en = _str_list(obj, key, where)
    if len(en) != len(zh):
        raise _invalid(
            f"{where}.{key}",
            f"英文項目數（{len(en)}）與中文（{len(zh)}）不符",
            f"has {len(en)} entries for {len(zh)} in zh-TW",
        )
    return en


def _one_of(obj: Mapping[str, Any], key: str, where: str, allowed: frozenset[str]) -> str:
    value = _str(obj, key, where)
    if value not in allowed:
        options = ", ".join(sorted(allowed))
        raise _invalid(
            f"{where}.{key}",
            f"不明的值「{value}」（可用：{options}）",
            f"{value!r} not in {options}",
        )
    return value


def _code(obj: Mapping[str, Any], where: str, pattern: re.Pattern[str]) -> str:
    value = _str(obj, "code", where)
    if not pattern.fullmatch(value):
        raise _invalid(f"{where}.code", f"代碼格式不符：{value}", f"has a malformed code {value!r}")
    return value


def _department(raw: Any, where: str) -> Department:
    obj = _mapping(raw, where)
    online = obj.get("online_services", True)
    if not isinstance(online, bool):
        raise _invalid(f"{where}.online_services", "應為 true 或 false", "must be true or false")
    rate = obj.get("on_time_rate_pct")
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 100
    ):
        raise _invalid(f"{where}.on_time_rate_pct", "應為 0 至 100 的數字", "must be within 0..100")
    return Department(
        code=_code(obj, where, _DEPARTMENT_CODE),
        name=_str(obj, "name", where),
        name_en=_str(obj, "name_en", where),
        parent=_opt_str(obj, "parent", where),
        online_services=online,
        on_time_rate_pct=None if rate is None else float(rate),
    )


def _fee_item(raw: Any, where: str) -> FeeItem:
    obj = _mapping(raw, where)
    additional = obj.get("additional_unit_price")
    return FeeItem(
        code=_code(obj, where, _SERVICE_CODE),
        name=_str(obj, "name", where),
        name_en=_str(obj, "name_en", where),
        unit_price=_price(obj, "unit_price", where),
        unit=_str(obj, "unit", where),
        additional_unit_price=None
        if additional is None
        else _price(obj, "additional_unit_price", where),
        unit_en=_str(obj, "unit_en", where),
    )


def _field_spec(raw: Any, where: str) -> FieldSpec:
    obj = _mapping(raw, where)
    key = _str(obj, "key", where)
    if not _FIELD_KEY.fullmatch(key):
        raise _invalid(f"{where}.key", f"欄位代碼格式不符：{key}", f"has a malformed key {key!r}")
    if key in RESERVED_FIELD_KEYS:
        raise _invalid(
            f"{where}.key",
            f"「{key}」是案件本身的欄位，不可列為申辦項目欄位",
            f"{key!r} belongs to the case itself, not to a service's fields",
        )
    ftype = _one_of(obj, "type", where, FIELD_TYPES)
    choices = _str_list(obj, "choices", where) if obj.get("choices") is not None else ()
    if ftype == "choice" and not choices:
        raise _invalid(f"{where}.choices", "選項欄位須列出選項", "must list the choices")
    if ftype != "choice" and choices:
        raise _invalid(
            f"{where}.choices", "只有選項欄位可有選項", "only choice fields have choices"
        )
    choices_en = _parallel(obj, "choices_en", where, choices) if choices else ()
    max_length = _opt_int(obj, "max_length", where)
    if max_length is not None and max_length < 1:
        raise _invalid(f"{where}.max_length", "應為正整數", "must be positive")
    return FieldSpec(
        key=key,
        label=_str(obj, "label", where),
        label_en=_str(obj, "label_en", where),
        type=cast(FieldType, ftype),
        required=_bool(obj, "required", where),
        choices=choices,
        max_length=max_length,
        choices_en=choices_en,
    )


def _service(raw: Any, where: str) -> Service:
    obj = _mapping(raw, where)
    code = _code(obj, where, _SERVICE_CODE)

    time_limit = _int(obj, "time_limit_working_days", where)
    if time_limit < 0:
        raise _invalid(f"{where}.time_limit_working_days", "不可為負數", "must not be negative")

    fee_items = _service_fee_items(obj, where, code)
    lookups = _service_lookups(obj, where)
    pickup, mms = _service_pickup(obj, where)
    share_raw = _service_usage_share(obj, where)
    fields = tuple(
        _field_spec(f, f"{where}.fields[{i}]") for i, f in enumerate(_list(obj, "fields", where))
    )
    documents, documents_en = _service_documents(obj, where)
    if len({f.key for f in fields}) != len(fields):
        raise _invalid(f"{where}.fields", "欄位代碼重複", "repeat a field key")
    savings = _savings(obj.get("savings"), f"{where}.savings", frozenset(lookups))

    return Service(
        code=code,
        name=_str(obj, "name", where),
        name_en=_str(obj, "name_en", where),
        department=_str(obj, "department", where),
        office_kind=cast(
            ServiceOfficeKind, _one_of(obj, "office_kind", where, SERVICE_OFFICE_KINDS)
        ),
        time_limit_working_days=time_limit,
        fee_items=fee_items,
        requires_moica=_bool(obj, "requires_moica", where),
        mode=cast(ServiceMode, _one_of(obj, "mode", where, SERVICE_MODES)),
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
        for i, f in enumerate(_list(obj, "fee_items", where))
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
    lookups = _str_list(obj, "document_free_lookups", where)
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
    pickup = _str_list(obj, "pickup_options", where)
    if not pickup:
        raise _invalid(f"{where}.pickup_options", "至少須有一種領件方式", "must not be empty")
    for i, option in enumerate(pickup):
        if option not in PICKUP_LABELS:
            raise _invalid(
                f"{where}.pickup_options[{i}]", f"不明的領件方式：{option}", f"{option!r} unknown"
            )
    mms = _bool(obj, "mms_pickup", where)
    if mms and "other_office" not in pickup:
        raise _invalid(
            f"{where}.mms_pickup",
            "多媒體簡訊領件須可他地領件",
            "requires the other_office pickup option",
        )
    return pickup, mms


def _service_usage_share(obj: Mapping[str, Any], where: str) -> float:
    share_raw = _get(obj, "usage_share", where)
    if (
        isinstance(share_raw, bool)
        or not isinstance(share_raw, int | float)
        or not math.isfinite(share_raw)
        or not 0 < share_raw <= 1
    ):
        raise _invalid(f"{where}.usage_share", "應為大於 0、至多 1 的數字", "must be in (0, 1]")
    return float(share_raw)


def _service_documents(
    obj: Mapping[str, Any], where: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The required documents and their English names (none, or one for each)."""
    documents = _str_list(obj, "required_documents", where)
    documents_en: tuple[str, ...] = ()
    if "required_documents_en" in obj:
        documents_en = _str_list(obj, "required_documents_en", where)
        if len(documents_en) != len(documents):
            raise _invalid(
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
    obj = _mapping(raw, where)
    items = []
    for i, doc in enumerate(_list(obj, "documents", where)):
        at = f"{where}.documents[{i}]"
        d = _mapping(doc, at)
        kind = _str(d, "kind", at)
        if kind not in lookups:
            raise DomainError(
                "catalogue.unknown_lookup_kind",
                f"節省效益的書證種類 {kind} 不在本項目的免書證查詢之列",
                f"Savings document kind {kind} is not one of the service's look-ups",
                f"{at}.kind",
            )
        figures = {key: _int(d, key, at) for key in ("ntd", "minutes", "sheets")}
        for key, value in figures.items():
            if value < 0:
                raise _invalid(f"{at}.{key}", "不可為負數", "must not be negative")
        items.append(SavingsItem(kind=kind, document=_str(d, "document", at), **figures))
    if not items:
        raise _invalid(f"{where}.documents", "至少須有一種書證", "must not be empty")
    seed_cases = _opt_int(obj, "seed_cases", where)
    return Savings(documents=tuple(items), source=_str(obj, "source", where), seed_cases=seed_cases)


def _hhmm(obj: Mapping[str, Any], key: str, where: str) -> time:
    value = _str(obj, key, where)
    if not _HHMM.fullmatch(value):
        raise _invalid(f"{where}.{key}", f"時間格式應為 HH:MM：{value}", f"{value!r} is not HH:MM")
    return time.fromisoformat(value)


def _office(raw: Any, where: str) -> Office:
    obj = _mapping(raw, where)
    hours = _mapping(_get(obj, "hours", where), f"{where}.hours")
    opens = _hhmm(hours, "opens", f"{where}.hours")
    closes = _hhmm(hours, "closes", f"{where}.hours")
    if opens >= closes:
        raise _invalid(f"{where}.hours", "開門時間須早於下班時間", "must open before it closes")
    code = _code(obj, where, _OFFICE_CODE)
    kind = _one_of(obj, "kind", where, OFFICE_KINDS)
    if code[0] != OFFICE_CODE_LETTER[kind]:
        raise _invalid(
            f"{where}.code", f"代碼 {code} 與類別 {kind} 不符", f"{code} does not match kind {kind}"
        )
    department = _opt_str(obj, "department", where)
    if (kind == "county_department") != (department is not None):
        raise _invalid(
            f"{where}.department",
            "縣府局處櫃檯須指定所屬局處，其他事務所不可指定",
            "is required for a county department's desk and not allowed for other offices",
        )
    return Office(
        code=code,
        kind=cast(OfficeKind, kind),
        name=_str(obj, "name", where),
        name_en=_str(obj, "name_en", where),
        mms_pickup=_bool(obj, "mms_pickup", where),
        opens=opens,
        closes=closes,
        name_2010=_opt_str(obj, "name_2010", where) or "",
        district=_opt_str(obj, "district", where) or "",
        address=_opt_str(obj, "address", where),
        phone=_opt_str(obj, "phone", where),
        department=department,
    )


def _kiosk(raw: Any, where: str) -> KioskItem:
    obj = _mapping(raw, where)
    kind = _one_of(obj, "kind", where, KIOSK_KINDS)
    fine_limit = _opt_int(obj, "fine_limit", where)
    if fine_limit is not None and (kind != "fine" or fine_limit < 0):
        raise _invalid(
            f"{where}.fine_limit", "只有罰鍰項目可設上限且不可為負", "only fines have a limit >= 0"
        )
    note = obj.get("note") or ""
    if not isinstance(note, str):
        raise _invalid(f"{where}.note", "應為字串", "must be a string")
    return KioskItem(
        code=_code(obj, where, _SERVICE_CODE),
        name=_str(obj, "name", where),
        name_en=_str(obj, "name_en", where),
        department=_str(obj, "department", where),
        kind=cast(KioskKind, kind),
        existing_online=_bool(obj, "existing_online", where),
        service_code=_opt_str(obj, "service_code", where),
        fine_limit=fine_limit,
        note=note,
    )
