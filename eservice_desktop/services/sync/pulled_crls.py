"""The revocation lists (CRL/ARL) the county's feed brings, imported into the identity area.

A list is stored with the pulled page that brought it (``sync_reference`` ``revocation:*``,
services/sync/inbox.py), and imported after the round's last page. It was imported from the
round's memory: a round that stopped after its pages (the program killed, or the county gone
before the round's end) had pulled past the list for good, and the counter went on checking
ID cards against the older list, a certificate revoked since accepted, until IT ran
``crl update``. Each round now imports every stored list no round has imported yet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.reference import import_crl
from eservice_desktop.services.sync.state import get_state, set_state
from eservice_desktop.storage.models_sync import SyncReferenceRow

#: The ``sync_state`` entry: the feed position of the last list imported.
IMPORTED = "crl_imported_seq"


def import_pulled_crls(app: App) -> int:
    """Imports the stored lists newer than the last imported, oldest first (a database of
    a build that kept no position: the newest list of each issuer); returns how many."""
    with app.reading() as s:
        done = get_state(s, IMPORTED)
        query = select(SyncReferenceRow.seq, SyncReferenceRow.data).where(
            SyncReferenceRow.name.startswith("revocation:"),
            SyncReferenceRow.seq > int(done or 0),
        )
        rows = [(int(seq), data) for seq, data in s.execute(query.order_by(SyncReferenceRow.seq))]
    if not rows:
        return 0
    lists = [data for _, data in rows if data.get("kind") == "crl"]
    if done is None:
        lists = _newest_of_each_issuer(lists)
    for data in lists:
        import_crl(app, data)
    with app.transaction() as s:
        set_state(s, IMPORTED, str(rows[-1][0]), app.now())
    return len(lists)


def _newest_of_each_issuer(lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last list of each name, in the feed's order (older ones are refused as stale)."""
    return list({str(data.get("name", "")): data for data in lists}.values())
