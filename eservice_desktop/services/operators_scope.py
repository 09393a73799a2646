"""An operator's scope (業務範圍): the department or service codes whose services the account may
take in and look up for (``Operator.can``; empty: every service this office takes in).

A service of another kind of office is never taken in here (``Operator.can`` refuses it before
the scope), so a scope naming only such codes (``household`` or ``HR-TRANSCRIPT`` at a land
office) left a clerk refused at every intake with 您的角色或業務範圍不允許這項作業 while the
operators page had taken it without a word. The office admin is told so when typing it; a scope
the county provisions is kept as the county sent it (``operators_county``).
"""

from __future__ import annotations

from collections.abc import Iterable

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import App


def check_departments(app: App, departments: Iterable[str], *, here: bool = True) -> str:
    """The scope as stored (codes space-separated, sorted); ``here``: each code must name
    services this office takes in."""
    codes: list[str] = []
    for raw in departments:
        for code in str(raw).replace(",", " ").split():
            known = code in {d.code for d in app.catalogue.departments}
            if not known and not app.catalogue.has_service(code):
                shown = values.printable(code, 30)
                raise DomainError(
                    "operator.department",
                    f"不明的業務範圍（單位或申辦項目代碼）：{shown}",
                    f"Unknown scope (department or service code): {shown}",
                    "departments",
                )
            if here:
                _refuse_elsewhere(app, code)
            codes.append(code)
    return " ".join(sorted(set(codes)))


def _refuse_elsewhere(app: App, code: str) -> None:
    office = app.office
    services = app.catalogue.services_at(office)
    if any(code in (s.code, s.department) for s in services):
        return
    ours = "、".join(sorted({s.department for s in services})) or "—"
    raise DomainError(
        "operator.department_elsewhere",
        f"業務範圍 {code} 不是本所（{office.name}）受理的業務；本所的單位代碼：{ours}",
        f"Scope {code} is no service {office.name_en} takes in; this office's department"
        f" codes: {ours.replace('、', ', ')}",
        "departments",
    )
