"""The catalogue's records: departments, services (fields, fees, savings), offices, kiosk items.

Frozen value objects with the few questions a record can answer about itself (a fee for so many
copies, a field by its key, whether an office is open at a time). ``domain.catalogue`` builds
them from the JSON (``catalogue_parse``) and re-exports them: import them from there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from types import MappingProxyType
from typing import Final, Literal

from eservice_desktop.domain.calendar import OfficeHours
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.land_parcel import EXAMPLE as PARCEL_EXAMPLE
from eservice_desktop.domain.land_parcel import is_land_parcel
from eservice_desktop.domain.values import LATEST

OfficeKind = Literal["household", "land", "county_department"]
ServiceOfficeKind = Literal["household", "land", "county"]
ServiceMode = Literal["counter", "reservation"]
FieldType = Literal["text", "int", "date", "choice", "land_parcel", "address"]
#: The days a service's date field may hold: from ROC year 1 (the first day an ROC date can
#: write) to the last day of the window every stored time falls in (``values.LATEST``).
FIELD_DATE_FIRST: Final = date(1912, 1, 1)
FIELD_DATE_LAST: Final = LATEST.date() - timedelta(days=1)
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

    @property
    def names_a_charge(self) -> bool:
        """Whether the item names a charge (鑑界施測費（每5點）, 建物門牌號勘查費, 書狀費)
        rather than the thing handed over for it (戶籍謄本, 人工登記簿謄本): the pickup desk
        and slip listed a land survey's two fees as the documents handed over, 鑑界施測費 2 份."""
        return re.sub(r"（[^（）]*）$", "", self.name).endswith("費")

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

    def required_en(self, what: str = "required") -> str:
        """The English refusal of this field left empty, the label first: a label keeps its
        capitals ("English name (as in passport)"), so it starts the sentence instead of being
        put in the middle of one ("Enter Household registration address")."""
        return f"{self.label_en}: {what}"

    def kind_error(self, text: str) -> DomainError | None:
        """What is wrong with a non-empty value for this field's kind: a date field takes an
        ISO date (the counter's form turns an ROC date into one first), a whole-number field
        digits only. A value of another kind (``--field visit_date=hello`` on the command line,
        a channel's request) was stored as typed, a date no notice or report could read. A date
        outside ``FIELD_DATE_FIRST`` .. ``FIELD_DATE_LAST`` is refused too: 215/03/10 typed for
        115/03/10 was taken as the year 2126. A land parcel names its section and lot number
        (``domain.land_parcel``)."""
        if self.type == "date" and not _iso_date(text):
            return DomainError(
                "field.date",
                f"{self.label}應為日期（西元年-月-日，例如 2026-03-10）",
                f"{self.label_en} must be a date (YYYY-MM-DD, e.g. 2026-03-10)",
                self.key,
            )
        if (
            self.type == "date"
            and not FIELD_DATE_FIRST <= date.fromisoformat(text) <= FIELD_DATE_LAST
        ):
            first, last = FIELD_DATE_FIRST.year, FIELD_DATE_LAST.year
            roc = f"民國 1 到 {last - 1911} 年之間（西元 {first}–{last} 年）"
            return DomainError(
                "field.date_range",
                f"{self.label}超出合理範圍：須在{roc}",
                f"{self.label_en} is out of range: it must fall within {first}..{last}",
                self.key,
            )
        if self.type == "land_parcel" and not is_land_parcel(text):
            return DomainError(
                "field.land_parcel",
                f"{self.label}應為地段及地號（例如 {PARCEL_EXAMPLE}；數筆以、分隔）",
                f"{self.label_en} must be a section and its lot number"
                f" (e.g. {PARCEL_EXAMPLE}; several lots separated by commas)",
                self.key,
            )
        if self.type == "int" and not (text.isascii() and text.isdigit()):
            return DomainError(
                "field.int",
                f"{self.label}應為整數",
                f"{self.label_en} must be a whole number",
                self.key,
            )
        return None

    def choice_error(self) -> DomainError:
        """A value that is none of the choices: the stored zh-TW values are what is typed
        (``--field transcript_kind=全戶``), so both languages name them, English with what
        each means ("全戶 (Whole household)"); it said "must be one of 現戶, 全戶, 個人", words
        an English reader could not tell apart."""
        meant = dict(zip(self.choices, self.choices_en, strict=False))
        en = ", ".join(f"{c} ({meant[c]})" if meant.get(c) else c for c in self.choices)
        return DomainError(
            "field.choice",
            f"{self.label}只能是：{'、'.join(self.choices)}",
            f"{self.label_en} must be one of {en}",
            self.key,
        )

    def choice_label(self, value: str, lang: str) -> str:
        """The label of a stored choice in the window's language (the value itself if unknown)."""
        if lang.startswith("en") and value in self.choices:
            return self.choices_en[self.choices.index(value)]
        return value


_ISO_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(text: str) -> bool:
    """YYYY-MM-DD of a day that exists. Python reads more as ISO (the week date 2026-W11-2,
    ten characters too): it was stored as typed, a value no print or report shows as a day."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return _ISO_DAY.fullmatch(text) is not None


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

    @property
    def hours(self) -> OfficeHours:
        """Its counters' hours, which every due date and deadline is counted by (08:00-17:00
        where the catalogue gives none)."""
        return OfficeHours(opens=self.opens or time(8), closes=self.closes or time(17))


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
