"""The service catalogue: what can be applied for, at which kind of office, for what fee, how fast.

The data lives in ``resources/catalogue/services.json`` and ``offices.json`` (see the README
next to them); this module only receives the already-parsed JSON, checks it thoroughly and turns
it into frozen value objects. A catalogue that fails a check is refused as a whole with a
:class:`~eservice_desktop.domain.errors.DomainError` naming the offending entry, so a bad data
file stops the application at start-up instead of producing wrong fees at the counter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eservice_desktop.domain.catalogue_json import invalid
from eservice_desktop.domain.catalogue_parse import index_by_code, sections
from eservice_desktop.domain.catalogue_records import (
    DOCUMENT_FREE_KINDS,
    DOCUMENT_FREE_KINDS_EN,
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

#: The records live in ``catalogue_records`` and the JSON reading in ``catalogue_parse``; every
#: name is importable from here.
__all__ = [
    "DOCUMENT_FREE_KINDS",
    "DOCUMENT_FREE_KINDS_EN",
    "FIELD_TYPES",
    "KIOSK_KINDS",
    "OFFICE_CODE_LETTER",
    "OFFICE_KINDS",
    "PICKUP_LABELS",
    "PICKUP_OFFICE_KINDS",
    "RESERVED_FIELD_KEYS",
    "SERVICE_MODES",
    "SERVICE_OFFICE_KINDS",
    "Catalogue",
    "Department",
    "FeeItem",
    "FieldSpec",
    "FieldType",
    "KioskItem",
    "KioskKind",
    "Office",
    "OfficeKind",
    "PickupOption",
    "Savings",
    "SavingsItem",
    "Service",
    "ServiceMode",
    "ServiceOfficeKind",
    "fee_total",
]

#: The offices documents are collected at when not at the receiving one (他地領件).
PICKUP_OFFICE_KINDS = ("household", "land")


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
        self._departments = index_by_code(departments, "departments", "部門")
        self._services = index_by_code(services, "services", "申辦項目")
        self._offices = index_by_code(offices, "offices", "事務所")
        self._kiosk = index_by_code(kiosk, "kiosk", "超商服務")
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
                raise invalid(
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
        version, departments, services, office_list, kiosk = sections(data, offices)
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

    def pickup_office_refusal(self, code: str, receiving: str) -> DomainError | None:
        """Why documents cannot be collected at office ``code`` for a case received at
        ``receiving``, or None. 他地領件 is at a household or land office (catalogue README);
        a county department's desk (D01) is for its own cases only: taken, the ready notice
        sent the citizen there for a household book."""
        try:
            where = self.office(code)
        except DomainError:
            return DomainError(
                "office.unknown", "查無此領件機關", "Unknown pickup office", "pickup_office"
            )
        if where.kind in PICKUP_OFFICE_KINDS or where.code == receiving:
            return None
        return DomainError(
            "office.not_for_pickup",
            "領件機關須為戶政或地政事務所",
            "The pickup office must be a household or land office",
            "pickup_office",
        )

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
