"""The queue's rows as the clerk reads them (案件清單): display texts and sort keys, computed
with the query on a worker, so the window's model only indexes lists.

The rows and their labels are ``services.queue_items``'; this module loads them through the
core's queries (``services.cases``).
"""

from __future__ import annotations

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases
from eservice_desktop.services.calendar import judged_on
from eservice_desktop.services.core import App
from eservice_desktop.services.queue_items import (
    QUEUE_CHUNK,
    SEARCH_CHUNK,
    Chunk,
    Labels,
    Member,
    QueueItem,
    move,
)

#: What callers take from here with the loaders (the rest of the rows' module is
#: ``services.queue_items``'s).
__all__ = [
    "QUEUE_CHUNK",
    "SEARCH_CHUNK",
    "QueueItem",
    "load_queue",
    "move",
    "queue_chunk",
    "queue_item",
    "search_chunk",
]


def _labels(app: App, lang: str) -> Labels:
    """The labels of one load: the core's reference snapshot (taken once), its office day and
    the day its deadlines are judged from, both of one reading of the clock, and how long the
    office lets a fee wait unpaid."""
    reference = app.reference
    zh = lang.lower().startswith("zh")
    now = app.now()
    day = now.astimezone(TAIPEI).date()
    judged = judged_on(app, now)
    allowed = app.settings.payment_due_days
    return Labels(
        reference.catalogue, reference.calendar, day, zh, judged, payment_due_days=allowed
    )


def load_queue(app: App, name: str, lang: str, limit: int = QUEUE_CHUNK) -> list[QueueItem]:
    return queue_chunk(app, name, lang, 0, limit).items


def queue_chunk(app: App, name: str, lang: str, offset: int = 0, limit: int = QUEUE_CHUNK) -> Chunk:
    page = cases.queue_page(app, name, limit, offset)
    labels = _labels(app, lang)
    return Chunk(labels.items(page.rows), page.more, as_of=labels.today, judged_on=labels.judged)


def search_chunk(
    app: App, text: str, lang: str, after: int | None = None, limit: int = SEARCH_CHUNK
) -> Chunk:
    page = cases.search_page(app, text, limit, after=after)
    labels = _labels(app, lang)
    return Chunk(
        labels.items(page.rows), page.more, page.after, as_of=labels.today, judged_on=labels.judged
    )


def queue_item(app: App, name: str, lang: str, case_number: str) -> Member:
    """One case's display row if it belongs to queue ``name`` now, else None, and the day it
    was read on: after a write the list shown takes this one row (an index lookup) instead of
    loading its first rows again (:func:`move` says where; a list read on another day is read
    again instead)."""
    row = cases.queue_member(app, name, case_number)
    labels = _labels(app, lang)
    return Member(None if row is None else labels.items([row])[0], labels.today, labels.judged)
