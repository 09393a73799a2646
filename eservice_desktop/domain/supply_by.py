"""A supplement request's date to supply by (補件期限) and the documents it asks for.

``case.supplement_requested`` carries an optional ``supply_by`` (an ISO day, ``2026-12-18``)
and ``items`` (the documents to bring, by the names the catalogue gave them at intake). Both are
optional payload keys: an office or county of an earlier version keeps a key its payload class
does not name in ``extra`` and hashes the payload as it came (``payloads/base.py``), so events
with and without them pass everywhere.

The rule here is what every office and the county must accept: a real day with an ROC year. It
says nothing of the clock: a request made offline on Monday for Wednesday is pushed on Thursday,
and the county must not refuse it then. "Not in the past" and "a working day" are the counter's
checks when the clerk asks (``services.supplement``)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import ROC_OFFSET
from eservice_desktop.domain.state_copy import replace
from eservice_desktop.domain.text_values import check_text

if TYPE_CHECKING:  # the payload classes read this module's rules
    from eservice_desktop.domain.case_state import CaseState
    from eservice_desktop.domain.events import Event
    from eservice_desktop.domain.payloads.case import SupplementRequested

#: At most this many documents named in one request, each one line of at most ITEM_MAX.
ITEMS_MAX: Final = 30
ITEM_MAX: Final = 100

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _bad_day(field: str) -> DomainError:
    return DomainError(
        "supply_by.format",
        "補件期限應為日期（例如 2026-12-18）",
        "The date to supply by must be a day such as 2026-12-18",
        field,
    )


def check_supply_by(value: Any, field: str = "supply_by") -> str:
    """An ISO day (``YYYY-MM-DD``, ASCII digits) that exists and has an ROC year."""
    text = check_text(value, field, max_len=10)
    if not _ISO_DAY.fullmatch(text):
        raise _bad_day(field)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _bad_day(field) from None
    if day.year - ROC_OFFSET < 1:
        raise _bad_day(field)
    return text


def check_items(value: Any, field: str = "items") -> list[str]:
    """The documents asked for: a list of one-line names, none empty, none twice."""
    if not isinstance(value, list):
        raise DomainError("value.type", f"{field} 格式錯誤", f"{field} must be a list", field)
    if len(value) > ITEMS_MAX:
        raise DomainError(
            "supply_items.count",
            f"補正文件最多 {ITEMS_MAX} 項",
            f"At most {ITEMS_MAX} documents may be asked for",
            field,
        )
    seen: set[str] = set()
    for item in value:
        name = check_text(item, field, max_len=ITEM_MAX, min_len=1)
        if name in seen:
            raise DomainError(
                "supply_items.twice",
                f"補正文件重複：{name}",
                f"A document is named twice: {name}",
                field,
            )
        seen.add(name)
    return value


def supply_by_day(text: str) -> date | None:
    """The day of a stored ``supply_by`` ("" or absent: None)."""
    return date.fromisoformat(text) if text else None


def supply_by_passed(supply_by: date | None, today: date) -> bool:
    """The day to supply by is over (today is still in time)."""
    return supply_by is not None and today > supply_by


def fold_supplement_requested(s: CaseState, p: SupplementRequested, e: Event) -> CaseState:
    """The case waits for the supplement from ``e``; its reason, day and documents are the
    request's (a request without them, of an earlier version, leaves none)."""
    return replace(
        s,
        supplement_since=e.at,
        supplement_reason=str(p.reason or ""),
        supplement_by=str(p.supply_by or ""),
        supplement_items=tuple(str(i) for i in (p.items or ())),
    )


def supplement_fields(state: CaseState, today: date) -> dict[str, Any]:
    """A case view's ``supplement_reason``, ``supplement_by``, ``supplement_overdue`` and
    ``supplement_items``: the awaited request's, none once the supplement is brought (the
    stored ones stay its record)."""
    if state.supplement_since is None:
        return {
            "supplement_reason": "",
            "supplement_by": None,
            "supplement_overdue": False,
            "supplement_items": [],
        }
    by = supply_by_day(state.supplement_by)
    return {
        "supplement_reason": state.supplement_reason,
        "supplement_by": state.supplement_by or None,
        "supplement_overdue": supply_by_passed(by, today),
        "supplement_items": list(state.supplement_items),
    }
