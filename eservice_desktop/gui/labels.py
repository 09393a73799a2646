"""Catalogue and status labels in the window's language, for pages that get zh-TW from the
services (a case view's ``service_name`` and ``status_label``, a fee line's ``unit``).

The services keep answering in zh-TW (receipts, the county and the CLI's JSON rely on it); a
page that shows such a value calls one of these instead of showing it as is.
"""

from __future__ import annotations

from functools import lru_cache

from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.operators import Operator
from eservice_desktop.domain.status_labels import STATUS_LABELS
from eservice_desktop.gui.context import GuiContext


def service_name(ctx: GuiContext, code: str) -> str:
    """The service's name in the window's language; its code when the catalogue lost it."""
    catalogue = ctx.app.catalogue
    if not catalogue.has_service(code):
        return code
    service = catalogue.service(code)
    return ctx.pick(service.name, service.name_en)


def document_name(ctx: GuiContext, service_code: str, name: str) -> str:
    """A document handed over (a fee item's name, or the service's) in the window's language."""
    catalogue = ctx.app.catalogue
    if ctx.is_zh or not catalogue.has_service(service_code):
        return name
    service = catalogue.service(service_code)
    for item in service.fee_items:
        if item.name == name:
            return item.name_en
    return service.name_en if name == service.name else name


def status_label(ctx: GuiContext, status: str) -> str:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return ctx.pick(zh, en)


@lru_cache(maxsize=8)
def _units(catalogue: Catalogue) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """English units: by the Chinese unit (the first fee item's), and by (fee item, unit): 張
    is a sheet of a transcript but a card of the MOICA IC card."""
    by_unit: dict[str, str] = {}
    by_item: dict[tuple[str, str], str] = {}
    for kind in ("household", "land", "county"):
        for service in catalogue.services_for(kind):
            for item in service.fee_items:
                by_unit.setdefault(item.unit, item.unit_en)
                if item.unit_en:
                    by_item.setdefault((item.code, item.unit), item.unit_en)
    return by_unit, by_item


def unit_label(ctx: GuiContext, unit: str, item_code: str = "") -> str:
    """A fee unit (張, 筆, 建號 ...) in the window's language; ``item_code`` (the fee item's
    code) picks that item's own English unit."""
    if ctx.is_zh:
        return unit
    by_unit, by_item = _units(ctx.app.catalogue)
    return by_item.get((item_code, unit)) or by_unit.get(unit, unit)


def fee_unit(ctx: GuiContext, service_code: str) -> str:
    """The unit a service's fee counts and so its copies count (張, 筆, 建號 …) in the window's
    language: a boundary survey's 2 are parcels (筆), not copies (份). 份 (copy) for a service
    without a fee, one whose items count differently, or one the catalogue no longer lists."""
    catalogue = ctx.app.catalogue
    items = catalogue.service(service_code).fee_items if catalogue.has_service(service_code) else ()
    units = {(item.unit, item.code) for item in items}
    if len({unit for unit, _ in units}) != 1:
        return ctx.pick("份", "copy")
    unit, code = sorted(units)[0]
    return unit_label(ctx, unit, code)


def quantity(ctx: GuiContext, n: int, unit: str, item_code: str = "") -> str:
    """``3張`` in Chinese, ``3 × sheet`` in English (no plural to get wrong; ``2 × card`` for
    the MOICA IC card, by its ``item_code``)."""
    if ctx.is_zh:
        return f"{n}{unit}"
    return f"{n} × {unit_label(ctx, unit, item_code)}"


def display_name(operator: Operator, zh: bool = True) -> str:
    """``王承辦（clerk01）``; in English ``王承辦 (clerk01)`` (the name as the office typed it)."""
    if not operator.name:
        return operator.account
    return (
        f"{operator.name}（{operator.account}）" if zh else f"{operator.name} ({operator.account})"
    )
