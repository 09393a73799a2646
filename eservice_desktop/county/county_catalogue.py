"""The catalogue the county goes by: the one it published last (``publish catalogue``), else
the shipped one, cached per database and published version; offices always from the shipped
``offices.json``. Re-exported by ``county.notify``.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import FeedRow, published
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.storage import resources

log = logging.getLogger("eservice.county.notify")


#: The seq of the catalogue published last (built once: every push asks it).
_PUBLISHED_SEQ = select(func.max(FeedRow.seq)).where(*published("catalogue"))

#: (database, seq of the published catalogue) -> the catalogue built from it.
_catalogue_cache: dict[tuple[str, int], Catalogue] = {}


def county_catalogue(session: Session) -> Catalogue:
    """The catalogue the county published last (``publish catalogue``), else the shipped one;
    offices always from the shipped ``offices.json``."""
    memo = session.info.get("county_catalogue")
    if isinstance(memo, Catalogue):
        return memo  # one look-up per transaction (a push of many events)
    seq = session.scalar(_PUBLISHED_SEQ) or 0
    bind = session.get_bind()
    key = (str(bind.engine.url), seq)
    cached = _catalogue_cache.get(key)
    if cached is not None:
        session.info["county_catalogue"] = cached
        return cached
    offices = resources.read_json("catalogue", "offices.json")
    shipped = resources.read_json("catalogue", "services.json")
    catalogue: Catalogue | None = None
    if seq:
        row = session.get(FeedRow, seq)
        try:
            catalogue = Catalogue.from_dict(dict(row.data) if row else {}, offices)
        except (DomainError, KeyError, ValueError, TypeError):
            log.warning("published catalogue %s refused; using the shipped one", seq)
    if catalogue is None:
        catalogue = Catalogue.from_dict(shipped, offices)
    if len(_catalogue_cache) > 8:
        _catalogue_cache.clear()
    _catalogue_cache[key] = catalogue
    session.info["county_catalogue"] = catalogue
    return catalogue


def office_name(catalogue: Catalogue, code: str) -> str:
    """An office's name for a notice; its code when the catalogue does not know it."""
    try:
        return catalogue.office(code).name
    except DomainError:
        return code


def office_phone(catalogue: Catalogue, code: str) -> str:
    """How a notice that sends the citizen to the office says where to call: （電話 03-…）
    when the catalogue has the office's number, else nothing (no number is made up)."""
    try:
        phone = catalogue.office(code).phone
    except DomainError:
        return ""
    return f"（電話 {phone}）" if phone else ""


def sends_mms(catalogue: Catalogue, state: CaseState) -> bool:
    """The ready notice is an MMS with the pickup code only when the catalogue flags both the
    service and the pickup office (seed appendix 21)."""
    if not catalogue.has_service(state.service_code):
        return False
    try:
        office = catalogue.office(state.pickup_office or state.office)
    except DomainError:
        return False
    return catalogue.service(state.service_code).mms_pickup and office.mms_pickup
