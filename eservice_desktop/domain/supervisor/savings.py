"""The savings report (appendices 4, 6, 10): what document-free look-ups saved the citizens,
per service and document kind, in NTD, minutes and sheets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from eservice_desktop.domain.catalogue import Catalogue, SavingsItem, Service
from eservice_desktop.domain.report_model import (
    Cell,
    ChartSpec,
    Report,
    ReportTable,
)
from eservice_desktop.domain.supervisor.common import (
    T_SAVINGS,
    T_SAVINGS_TOTAL,
)


def minutes_to_hours(minutes: int) -> int:
    """Whole hours, half up (the seed: 1,780,710 minutes = 29,679 hours)."""
    return (minutes + 30) // 60


def minutes_to_days(minutes: int) -> int:
    """Whole 24-hour days, half up (the seed: 1,780,710 minutes = 1,237 days)."""
    return (minutes + 720) // 1440


SAVINGS_COLUMNS: Final = (
    "單位 Department",
    "代碼 Code",
    "項目 Service",
    "免檢附書證 Document",
    "案件量 Cases",
    "規費(元) Fee NTD",
    "節省金額(元) NTD saved",
    "申請時間(分) Minutes",
    "節省時間(分) Minutes saved",
    "紙張數 Sheets",
    "節省紙張 Sheets saved",
)


def _document_row(dept: str, svc: Service, item: SavingsItem, n: int) -> tuple[Cell, ...]:
    """One document kind of one service: its unit figures and their products with ``n``."""
    return (
        dept,
        svc.code,
        svc.name,
        item.document,
        n,
        item.ntd,
        n * item.ntd,
        item.minutes,
        n * item.minutes,
        item.sheets,
        n * item.sheets,
    )


def _savings_chart(by_service: Mapping[str, int]) -> ChartSpec:
    names = tuple(by_service)
    return ChartSpec(
        kind="bar",
        title="各項目節省金額 NTD saved per service",
        categories=names,
        series=(("節省金額 NTD", tuple(float(by_service[n]) for n in names)),),
        unit="NTD",
    )


@dataclass(frozen=True)
class LookupCounts:
    """The closed cases with consent that recorded document-free look-ups at this system:
    ``cases[code]`` of them per service, and ``by_kind[(code, kind)]`` of those that looked
    up that document kind."""

    cases: Mapping[str, int]
    by_kind: Mapping[tuple[str, str], int]


NO_LOOKUPS: Final = LookupCounts({}, {})


def savings_per_document(
    svc: Service, n: int, lookups: LookupCounts
) -> list[tuple[SavingsItem, int]]:
    """Each document of the service with the cases it counts for: a case that recorded
    look-ups (``case.lookup_done``) counts for exactly the kinds it looked up; a case with
    consent and none recorded counts for every document of the service (the seed's rule: the
    office obtained them by its own means)."""
    if svc.savings is None:
        return []
    without = n - lookups.cases.get(svc.code, 0)
    return [
        (d, without + lookups.by_kind.get((svc.code, d.kind), 0)) for d in svc.savings.documents
    ]


@dataclass
class _Saved:
    """What the counted cases saved, summed over every service and document."""

    cases: int = 0
    ntd: int = 0
    minutes: int = 0
    sheets: int = 0

    def totals(self) -> dict[str, int]:
        hours, days = minutes_to_hours(self.minutes), minutes_to_days(self.minutes)
        return {
            "cases": self.cases,
            "ntd": self.ntd,
            "minutes": self.minutes,
            "hours": hours,
            "days": days,
            "sheets": self.sheets,
        }


def build_savings(
    catalogue: Catalogue,
    consented_closed: Mapping[str, int],
    *,
    period_from: date,
    period_to: date,
    office: str,
    lookups: LookupCounts = NO_LOOKUPS,
) -> Report:
    """Appendices 4, 6 and 10 in one: per service and document kind the cases, the unit
    figures and the products; ``consented_closed`` maps a service code to its closed cases
    with consent, ``lookups`` says which of them recorded which look-ups
    (:func:`savings_per_document`). Services without unit figures are not counted."""
    rows, saved, by_service = _savings_rows(catalogue, consented_closed, lookups)
    totals = saved.totals()
    return Report(
        kind="savings",
        title="免書證免謄本節省效益 Savings from document-free look-ups",
        period_from=period_from,
        period_to=period_to,
        office=office,
        tables=(
            ReportTable(T_SAVINGS, SAVINGS_COLUMNS, tuple(rows)),
            ReportTable(
                T_SAVINGS_TOTAL,
                ("項目 Item", "數值 Value"),
                (
                    ("案件量 Cases", totals["cases"]),
                    ("節省金額(元) NTD", totals["ntd"]),
                    ("節省時間(分) Minutes", totals["minutes"]),
                    ("節省時間(時) Hours", totals["hours"]),
                    ("節省時間(日) Days", totals["days"]),
                    ("節省紙張 Sheets", totals["sheets"]),
                ),
            ),
        ),
        charts=(_savings_chart(by_service),),
        totals=totals,
    )


def _savings_rows(
    catalogue: Catalogue, consented_closed: Mapping[str, int], lookups: LookupCounts
) -> tuple[list[tuple[Cell, ...]], _Saved, dict[str, int]]:
    """One row per service and document kind, the sums, and the NTD saved per service name."""
    rows: list[tuple[Cell, ...]] = []
    saved = _Saved()
    by_service: dict[str, int] = {}
    for code, n in sorted(consented_closed.items()):
        if n <= 0 or not catalogue.has_service(code):
            continue
        svc: Service = catalogue.service(code)
        if svc.savings is None:
            continue
        saved.cases += n
        dept = catalogue.department(svc.department).name
        ntd = 0
        for item, k in savings_per_document(svc, n, lookups):
            rows.append(_document_row(dept, svc, item, k))
            saved.ntd += k * item.ntd
            saved.minutes += k * item.minutes
            saved.sheets += k * item.sheets
            ntd += k * item.ntd
        by_service[svc.name] = ntd
    return rows, saved, by_service
