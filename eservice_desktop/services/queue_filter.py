"""How many cases of a queue the window's filter (篩選目前清單) leaves, counted in the database.

The filter is the window's: any cell of a row as shown that holds the text, case ignored
(``QSortFilterProxyModel`` over ``gui/queue_model.py``). It filters the rows loaded, and the table
loads more while the filter leaves it short of rows: a filter that matched nothing read the
whole list, chunk by chunk, before it said so (2,000 chunks of a queue of a million cases).
With this total the window stops as soon as every case the filter leaves is loaded.

Counted only where the database reads each cell as the window shows it: the case number, the
applicant, the masked ID, the service, the status and the channel. A text that could be in a
date, a time or the days left (digits, ``/``, ``:``, the deadline's words) is not counted
(None): the window reads on as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_

from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.status_labels import STATUS_LABELS
from eservice_desktop.services.case_queues import queue_count_where
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.queue_items import CHANNEL_LABELS, PROVISIONAL
from eservice_desktop.storage.models import CaseRow

#: The characters of the cells the database does not read as shown: dates and times in either
#: language (115/03/05 10:05, 2026-03-05 10:05), a due date's mark, the days left and "—".
_COMPUTED = set("0123456789/-: —" + "".join(PROVISIONAL).lower())


def _could_be_computed(needle: str, words: Sequence[str]) -> bool:
    """``needle`` (lower case) may be in a date, a time or the days left: every character of
    it is one those cells are written with (the deadline's ``words`` as the window shows them)."""
    alphabet = _COMPUTED | set("".join(words).lower())
    return set(needle) <= alphabet


def _cased_beyond_ascii(needle: str) -> bool:
    """A letter beyond ASCII with a case: SQLite's LIKE ignores the case of ASCII only."""
    return any(not c.isascii() and c.lower() != c.upper() for c in needle)


def _like(column: Any, needle: str) -> ColumnElement[bool]:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")  # type: ignore[no-any-return]


def _labelled(
    column: Any, labels: Mapping[str, str], needle: str, default: str | None = None
) -> ColumnElement[bool]:
    """The rows whose code's label holds ``needle``; a code without a label shows itself."""
    hits = [code for code, label in labels.items() if needle in label.lower()]
    cond = or_(column.in_(hits), and_(column.not_in(list(labels)), _like(column, needle)))
    if default is not None and needle in labels.get(default, default).lower():
        cond = or_(cond, column.is_(None))
    return cond


def _masked_id() -> Any:
    """``domain.ids.mask_id`` in SQL: the last four characters as ``*``."""
    value = func.trim(CaseRow.applicant_id)
    keep = func.max(func.length(value) - 4, 0)
    mask = func.substr(literal("****"), 1, func.length(value) - keep)
    return func.substr(value, 1, keep).op("||")(mask)


def filter_total(
    app: App, name: str, lang: str, text: str, keys: Sequence[str], *, words: Sequence[str] = ()
) -> int | None:
    """How many cases of queue ``name`` hold ``text`` in one of the cells ``keys`` (the
    columns shown, ``gui/queue_model.COLUMNS``' keys) as the window in ``lang`` shows them;
    None when the text could be in a cell the database does not read as shown."""
    require(app, Action.VIEW_CASE)
    needle = text.lower()
    if not needle or _cased_beyond_ascii(needle) or _could_be_computed(needle, words):
        return None
    zh = lang.lower().startswith("zh")
    pick = 0 if zh else 1
    cells: dict[str, ColumnElement[bool]] = {
        "case_number": _like(CaseRow.case_number, needle),
        "applicant_name": _like(CaseRow.applicant_name, needle),
        "applicant_id_masked": _like(_masked_id(), needle),
    }
    catalogue = app.reference.catalogue
    services = {s.code: s.name if zh else (s.name_en or s.name) for s in catalogue.services}
    cells["service_name"] = _labelled(CaseRow.service_code, services, needle)
    statuses = {code: label[pick] for code, label in STATUS_LABELS.items()}
    cells["status_label"] = _labelled(CaseRow.status, statuses, needle)
    channels = {code: label[pick] for code, label in CHANNEL_LABELS.items()}
    cells["channel_text"] = _labelled(CaseRow.channel, channels, needle, default="counter")
    shown = [cells[key] for key in keys if key in cells]
    return queue_count_where(app, name, or_(*shown)) if shown else 0
