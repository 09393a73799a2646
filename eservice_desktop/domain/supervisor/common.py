"""What every supervisor report shares: the status groups, the table titles, rates and the
catalogue's names of a service or department (an unknown code is shown as it is)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from eservice_desktop.domain.catalogue import Catalogue, Department
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.values import (
    ONLINE_CHANNELS,
)

#: Statuses of a finished case (辦結) and of an open one.
FINISHED_STATUSES: Final = ("closed", "ready_for_pickup", "picked_up", "rejected")
CLOSED_STATUSES: Final = ("closed", "ready_for_pickup", "picked_up")
OPEN_STATUSES: Final = ("received", "payment_due", "supplement_requested")

TARGET_METRICS: Final = ("cases", "online")

#: Titles of the tables (tests and the GUI find a table by its title).
T_DEPARTMENTS: Final = "各單位依限辦結 On time per department"
T_SERVICES: Final = "各項目依限辦結 On time per service"
T_OVERDUE: Final = "逾期未結案件 Overdue open cases"
T_USAGE_SERVICES: Final = "各項目使用情形 Usage per service"
T_USAGE_MONTHS: Final = "每月使用情形 Usage per month"
T_SAVINGS: Final = "免書證節省效益 Savings per service and document"
T_SAVINGS_TOTAL: Final = "節省合計 Savings total"
T_TARGETS: Final = "每月目標達成 Monthly targets"
T_SCORES: Final = "目標達成評分 Target scoring (appendix 18)"


def rate_pct(part: int, whole: int) -> float | None:
    """``part / whole`` in percent with two decimals rounded half up (四捨五入, as the county
    rounds its figures by hand), or None over nothing.

    Exact decimal arithmetic: ``round`` on a float rounds an exact half to even, so 1 of 32
    (3.125 %) printed 3.12 and 29 of 32 (90.625 %) 90.62."""
    if whole == 0:
        return None
    exact = Decimal(100 * part) / Decimal(whole)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def department_label(department: Department) -> str:
    """A department as the reports name it where it is the row (per department tables and
    charts), Chinese then English like their titles and statuses (``戶政事務所 Household
    Registration Offices``): in Chinese only, an English reader could not tell the rows
    apart. A service's row keeps the short Chinese name beside the service's code."""
    return f"{department.name} {department.name_en}".strip()


def service_names(catalogue: Catalogue, code: str) -> tuple[str, str]:
    """(department name, service name) of a service code; unknown codes are kept as they are
    (a case synced from a newer catalogue still counts)."""
    if catalogue.has_service(code):
        svc = catalogue.service(code)
        return catalogue.department(svc.department).name, svc.name
    return "（其他）", code


def department_of(catalogue: Catalogue, code: str) -> str:
    return catalogue.service(code).department if catalogue.has_service(code) else "other"


def department_name(catalogue: Catalogue, dept: str) -> str:
    try:
        return department_label(catalogue.department(dept))
    except DomainError:  # an unknown code is shown as it is
        return "（其他）" if dept == "other" else dept


def is_online(channel: str) -> bool:
    return channel in ONLINE_CHANNELS
