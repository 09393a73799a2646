"""The link pass of a local batch of :func:`services.ingest.ingest_many`: each accepted event
linked into its device's hash chain (domain/chain.py) and turned into its ``events`` row, in
one tight loop; importable from ``services.ingest`` too."""

from __future__ import annotations

from collections import Counter
from typing import Any

from eservice_desktop.domain import chain
from eservice_desktop.domain.events import Event
from eservice_desktop.storage import repo
from eservice_desktop.storage.event_rows import EventRows

__all__ = ["linked_rows"]

Device = tuple[str, str]


def linked_rows(
    accepted: list[Event],
    row: EventRows,
    heads: dict[Device, repo.ChainHead],
    applied: list[Event],
    acked: Device | None = None,
) -> list[tuple[Any, ...]]:
    """The ``events`` rows of a local batch's accepted events, in order, each linked after the
    one before of its device (one sha256 each); the linked events go to ``applied`` and each
    device's head in ``heads`` moves onto its last event of the batch, once. ``acked``: the
    device whose events are stored as acknowledged already (``ingest_many``'s ``own_acked``).

    Each device's last hash is held in the loop instead of its head being moved for every
    event, and a payload's canonical JSON text is made once per payload object of the batch,
    as the batch's value checks are (``services.ingest._checked_values``, on the same
    grounds: nothing changes a payload during the ingest, and the batch holds every payload
    until it is done, so no id is reused meanwhile). A seed's builder gives the batch's
    equal payloads one object (a note, an assessment): about half of its events."""
    rows: list[tuple[Any, ...]] = []
    texts: dict[int, str] = {}
    prevs: dict[Device, str] = {key: head.hash for key, head in heads.items()}
    last: dict[Device, Event] = {}
    counts: Counter[Device] = Counter()
    digest_text, genesis = chain.digest_text, chain.GENESIS
    for e in accepted:
        key = (e.office, e.device)
        prev = prevs.get(key, genesis)
        payload = id(e.payload)
        digest, encoded, _ = digest_text(e, prev, texts.get(payload))
        texts[payload] = encoded
        linked = e.chained(prev, digest)
        prevs[key] = digest
        last[key] = linked
        counts[key] += 1
        rows.append(row(linked, "local", key == acked, encoded))
        applied.append(linked)
    for key, linked in last.items():
        repo.advance_head(heads, linked, counts[key])
    return rows
