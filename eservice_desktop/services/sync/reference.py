"""Reference data the county publishes (catalogue, calendars, keys, revocations): kept in
``sync_reference`` and applied to this process (a new catalogue is swapped in as a new
``app.reference`` snapshot, see services/core.py)."""

from __future__ import annotations

import base64
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_sync import SyncReferenceRow

if TYPE_CHECKING:
    from eservice_desktop.domain.catalogue import Catalogue

log = logging.getLogger("eservice.sync")


def put_reference(s: Session, name: str, seq: int, data: dict[str, Any], now: datetime) -> None:
    row = s.get(SyncReferenceRow, name)
    if row is None:
        s.add(SyncReferenceRow(name=name, seq=seq, data=data, updated_at=now))
    elif seq >= row.seq:
        row.seq, row.data, row.updated_at = seq, data, now


def parse_catalogue(services_doc: dict[str, Any]) -> Catalogue:
    """The catalogue of the county's services document; raises DomainError, KeyError,
    ValueError or TypeError when this build cannot read it."""
    from eservice_desktop.domain.catalogue import Catalogue
    from eservice_desktop.storage import resources

    return Catalogue.from_dict(services_doc, resources.read_json("catalogue", "offices.json"))


def reload_catalogue(app: App, services_doc: dict[str, Any]) -> None:
    try:
        app.swap_reference(catalogue=parse_catalogue(services_doc))
    except (DomainError, KeyError, ValueError, TypeError):
        log.warning("catalogue from the county refused; keeping the current one", exc_info=True)


def check_receipt_keys(data: dict[str, Any]) -> None:
    """Refuses a ``county_keys`` document that is no list of ``{key_id, public_key}`` texts:
    kept, it replaced the keys held and every check of a receipt or of a look-up's signed
    record raised on it."""
    keys = data.get("keys")
    if (
        not isinstance(keys, list)
        or not keys
        or not all(
            isinstance(k, dict)
            and isinstance(k.get("key_id"), str)
            and isinstance(k.get("public_key"), str)
            for k in keys
        )
    ):
        raise DomainError(
            "county_keys.format",
            "縣府收據公鑰格式錯誤，沿用本所已有的公鑰",
            "The county's receipt keys are malformed; the keys held here stay",
        )


#: ``app.extras`` key: the feed sequence of the county catalogue this process applied.
CATALOGUE_SEQ = "county_catalogue_seq"


def applied_catalogue(app: App, catalogue: Catalogue, seq: int) -> None:
    """The catalogue of the county's feed change ``seq``, swapped in for this process, which
    :func:`refresh_county_reference` then knows to have it."""
    app.swap_reference(catalogue=catalogue)
    app.extras[CATALOGUE_SEQ] = seq


def load_county_reference(app: App) -> bool:
    """Applies the catalogue the county published last (kept in ``sync_reference``) to this
    process; the shipped catalogue stays when there is none. Returns True when applied."""
    with app.reading() as s:
        row = s.get(SyncReferenceRow, "catalogue")
        data = dict(row.data) if row is not None else None
        app.extras[CATALOGUE_SEQ] = row.seq if row is not None else None
    if data is None:
        return False
    before = app.catalogue
    reload_catalogue(app, data)
    return app.catalogue is not before


def refresh_county_reference(app: App) -> bool:
    """Applies the county catalogue another process over this database pulled since this one
    applied its own: the window and the sync service share one pull, so the catalogue the
    service pulled (a new fee from the new year, a service added) never reached a window left
    open, which went on charging and counting by the old one until restarted."""
    with app.reading() as s:
        row = s.get(SyncReferenceRow, "catalogue")
        seq = row.seq if row is not None else None
    if seq is None or seq == app.extras.get(CATALOGUE_SEQ):
        return False
    return load_county_reference(app)


def store_pickup_keys(app: App, s: Session, data: dict[str, Any]) -> None:
    """The county's pickup keys, stored with the pulled page that brought them (a savepoint: a
    document refused leaves the page's other changes standing). They were stored after the
    round: one killed in between had pulled past them for good."""
    from eservice_desktop.services import pickup_keys

    try:
        with s.begin_nested():
            pickup_keys.store_county_keys(app, s, data)
    except DomainError:
        log.warning("pickup keys from the county refused", exc_info=True)


def import_crl(app: App, data: dict[str, Any]) -> None:
    """A CRL/ARL the county distributes goes through the identity area's own verification."""
    try:
        from eservice_desktop.services import identity

        der = base64.b64decode(str(data.get("der_b64", "")))
        update = identity.accept_crl(app, der, source=f"county:{data.get('name', '')}")
    except (ImportError, ValueError, DomainError):
        log.warning("revocation list from the county not imported", exc_info=True)
        return
    if not update.accepted:
        log.warning("revocation list from the county refused: %s", update.code)
