"""The county's pickup signing keys at this desk: stored from the key document sync brings,
read back for every verification.

Its own module so that sync can store the keys without importing the pickup desk (which asks
sync for a case online): the two no longer import each other.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_signin import require
from eservice_desktop.storage.models_pickup import CountyKeyRow

log = logging.getLogger("eservice.pickup")


def import_county_keys(app: App, doc: Mapping[str, Any]) -> dict[str, int]:
    """Stores the county key document (format ``eservice-pickup-keys/1``, see docs/pickup.md).

    Idempotent. Keys are added or have their end dates updated; a key absent from the document
    is kept (a retirement is announced with ``retired_at``, never by silence). Demo keys are
    refused unless this desk is in demo mode. The whole document is refused on any flaw.
    Returns counts ``added``, ``updated``, ``unchanged``, ``total``."""
    keys = _checked_keys(app, doc)
    with app.transaction() as s:
        return _store(app, s, keys)


def store_county_keys(app: App, s: Session, doc: Mapping[str, Any]) -> dict[str, int]:
    """:func:`import_county_keys` in the caller's transaction: the pulled page that brings the
    document stores its keys with the page (``services.sync.inbox``). They were stored after
    the round, in a transaction of their own: a counter switched off in between had pulled
    past the document without its keys, and the desk refused every MMS code signed with the
    county's new key until the county published its keys again."""
    return _store(app, s, _checked_keys(app, doc))


def _checked_keys(app: App, doc: Mapping[str, Any]) -> list[pt.CountyKey]:
    keys = pt.parse_key_document(doc)
    if any(k.demo for k in keys) and not app.settings.demo:
        raise DomainError(
            "pickup_keys.demo",
            "金鑰文件含示範用金鑰，正式作業模式不接受",
            "The key document holds a demo key, refused outside demo mode",
        )
    return keys


def _store(app: App, s: Session, keys: list[pt.CountyKey]) -> dict[str, int]:
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    now = app.now()
    for k in keys:
        row = s.get(CountyKeyRow, k.kid)
        if row is None:
            s.add(
                CountyKeyRow(
                    kid=k.kid,
                    alg="Ed25519",
                    public_key=k.public_key,
                    not_before=k.not_before,
                    not_after=k.not_after,
                    retired_at=k.retired_at,
                    demo=k.demo,
                    imported_at=now,
                )
            )
            counts["added"] += 1
            continue
        if bytes(row.public_key) != k.public_key:  # impossible: kid derives from the key
            raise DomainError(
                "pickup_keys.kid", "金鑰代碼衝突", f"Key id {k.kid} names another key"
            )
        old = (_aware(row.not_before), _aware(row.not_after), _aware(row.retired_at), row.demo)
        new = (k.not_before, k.not_after, k.retired_at, k.demo)
        if old == new:
            counts["unchanged"] += 1
            continue
        row.not_before, row.not_after, row.retired_at, row.demo = new
        row.imported_at = now
        counts["updated"] += 1
    counts["total"] = len(s.scalars(select(CountyKeyRow.kid)).all())
    log.info("county pickup keys imported: %s", counts)
    return counts


def import_key_file(app: App, doc: Mapping[str, Any]) -> dict[str, int]:
    """The key document imported by hand (``pickup import-keys FILE``): IT's alone
    (``db_admin``), as the docs always said. It asked for no sign-in at all, so anyone at the
    PC could import a key of their own and sign pickup codes with it: any case ready here was
    then handed over on a code the desk took as the county's, and its timeline showed an
    ordinary MMS pickup. Sync stores the county's document through
    :func:`import_county_keys`, which needs no one signed in."""
    require(app, Action.DB_ADMIN)
    counts = import_county_keys(app, doc)
    log.info("county pickup keys imported by hand by %s", app.actor.clerk)
    return counts


def _aware(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def county_keys(session: Session) -> dict[str, pt.CountyKey]:
    out: dict[str, pt.CountyKey] = {}
    for r in session.scalars(select(CountyKeyRow)):
        not_before = _aware(r.not_before)
        assert not_before is not None
        out[r.kid] = pt.CountyKey(
            kid=r.kid,
            public_key=bytes(r.public_key),
            not_before=not_before,
            not_after=_aware(r.not_after),
            retired_at=_aware(r.retired_at),
            demo=r.demo,
        )
    return out


def key_document(keys: list[pt.CountyKey], issued_at: datetime) -> dict[str, Any]:
    """Builds a key document (county side, demo, tests)."""
    return {
        "format": pt.KEY_DOCUMENT_FORMAT,
        "issuer": "county",
        "issued_at": issued_at.astimezone(UTC).isoformat(),
        "keys": [pt.key_entry(k) for k in keys],
    }
