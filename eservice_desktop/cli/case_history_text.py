"""``case show``'s history in its text form: one ``event:`` line per event of the case, oldest
first, with its time in Taipei with the ROC year to the second, the office and counter that
recorded it (``H01-02``; ``H01-CTY`` the county), the account, the event in words (the
timeline's, domain/event_labels.py) and what an auditor reads it for: the receipt, amount and
method, the reason, the supervisor who approved, the pickup number, who collected.

The text form left the history out: at the command line a case's void, second payment,
reprints and handover at another counter were only in ``--json``, as type codes with UTC times,
so the auditor reconstructing a citizen's story could not read it without converting each time.
The JSON form is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from eservice_desktop.domain.event_labels import EVENT_LABELS
from eservice_desktop.domain.events import APPLICANT_CORRECTED
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.rocdate import roc_second, roc_text
from eservice_desktop.domain.text_values import printable

#: The payload keys a history line shows, in this order (others stay in the JSON form).
_SHOWN = (
    "receipt_number",
    "amount",
    "method",
    "from_method",
    "to_method",
    "action",
    "approved_by",
    "reason",
    "name",
    "pickup_number",
    "phone",
    "via",
)


def history_lines(events: Iterable[Mapping[str, Any]], lang: str) -> list[str]:
    """The ``event:`` lines of ``events`` as ``CaseView.events`` holds them."""
    return [_line(e, lang) for e in events]


def _line(e: Mapping[str, Any], lang: str) -> str:
    zh, en = EVENT_LABELS.get(str(e["type"]), (str(e["type"]), str(e["type"])))
    when = roc_second(datetime.fromisoformat(str(e["at"])))
    where = printable(f"{e['office']}-{e['device']}", 16)
    head = f"event: {when} {where} {printable(str(e['clerk']), 64)} {en if lang == 'en' else zh}"
    parts = _details(e.get("payload") or {})
    fields = (e.get("payload") or {}).get("fields")
    if e["type"] == APPLICANT_CORRECTED and isinstance(fields, Mapping):  # the addresses set
        parts += [f"{printable(str(k), 40)} {printable(str(v), 80)}" for k, v in fields.items()]
    if e["type"] == APPLICANT_CORRECTED and "email" in (e.get("payload") or {}):
        parts.append(f"email {printable(str(e['payload']['email']), 120)}".rstrip())
    return f"{head} ({'; '.join(parts)})" if parts else head


def _details(payload: Mapping[str, Any]) -> list[str]:
    parts = [
        f"{key} {printable(str(payload[key]), 80)}"
        for key in _SHOWN
        if payload.get(key) not in (None, "")
    ]
    if payload.get("supply_by"):  # a supplement's day to bring it by, and what to bring
        parts.append(f"supply_by {roc_text(printable(str(payload['supply_by']), 10))}")
    items = payload.get("items")
    if isinstance(items, list) and items and all(isinstance(i, str) for i in items):
        parts.append(f"items {printable('、'.join(items), 400)}")
    by = payload.get("by")
    if isinstance(by, Mapping):
        if by.get("self"):
            parts.append("by the applicant")
        elif by.get("name") or by.get("id"):
            who = printable(str(by.get("name") or ""), 40)
            parts.append(f"by {who} {mask_id(str(by.get('id') or ''))}".rstrip())
    return parts
