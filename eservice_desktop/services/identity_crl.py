"""Certificate revocation lists (CRL, and the ARL of the authorities) as this office holds
them: accepted after their signature checks out against the trust anchors, cached with their
freshness, and reported to ``doctor`` and the status bar. Re-exported by ``services.identity``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from eservice_desktop.config import Settings
from eservice_desktop.devices import crl as crlmod
from eservice_desktop.devices import pki
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import App
from eservice_desktop.services.input_files import read_regular
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_identity import CrlCacheRow

log = logging.getLogger("eservice.identity")


def trust_store(settings: Settings) -> pki.TrustStore:
    """The trust anchors IT installed; a DomainError for the clerk when they are unusable.
    None set at all is said as such, in the clerk's language: it read "…請洽資訊人員：trust
    anchor directory not found: ''" (the path's English words, about an empty path)."""
    if not settings.trust_anchor_dir:
        raise DomainError(
            "pki.trust_config",
            "未設定信任錨目錄，無法驗證自然人憑證，請洽資訊人員",
            "No trust anchor directory is set: MOICA cards cannot be verified; call IT",
        )
    try:
        return pki.TrustStore.load(settings.trust_anchor_dir)
    except pki.TrustError as e:  # each fault in its own words, in each language
        raise DomainError(
            "pki.trust_config",
            f"{e.zh}，無法驗證自然人憑證，請洽資訊人員",
            f"{e.en}: MOICA cards cannot be verified; call IT",
        ) from e


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else repo.aware(value)


def _info(row: CrlCacheRow) -> crlmod.CrlInfo:
    this_update = _aware(row.this_update)
    assert this_update is not None
    return crlmod.CrlInfo(
        kind=row.kind,
        issuer=row.issuer,
        issuer_fingerprint=row.issuer_fingerprint,
        crl_number=row.crl_number,
        this_update=this_update,
        next_update=_aware(row.next_update),
        sha256=row.sha256,
        revoked_count=row.revoked_count,
        url=row.url,
    )


def cached_lists(app: App) -> list[tuple[crlmod.CrlInfo, datetime]]:
    with app.reading() as s:
        rows = list(s.scalars(select(CrlCacheRow).order_by(CrlCacheRow.issuer)))
    out: list[tuple[crlmod.CrlInfo, datetime]] = []
    for r in rows:
        fetched = _aware(r.fetched_at)
        assert fetched is not None
        out.append((_info(r), fetched))
    return out


def cached_arls(app: App) -> list[bytes]:
    """The cached ARLs' DER; one whose file is gone or unreadable is left out (the CA
    certificates' revocation is then unknown, and ``crl update`` writes it again)."""
    out: list[bytes] = []
    for info, _ in cached_lists(app):
        if info.kind != "arl":
            continue
        try:
            out.append(crlmod.read_der(app.settings.data_dir, info.sha256))
        except OSError as e:
            log.warning("cached ARL %s unreadable: %s", info.sha256[:12], type(e).__name__)
    return out


@dataclass(frozen=True)
class CrlUpdate:
    source: str
    accepted: bool
    code: str = ""  # why not accepted
    info: crlmod.CrlInfo | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "accepted": self.accepted,
            "code": self.code,
            "info": self.info.to_json() if self.info else None,
        }


def accept_crl(app: App, data: bytes, source: str = "") -> CrlUpdate:
    """Verifies one downloaded (or imported) list and makes it current for its issuer."""
    store = trust_store(app.settings)
    previous = {info.issuer: info for info, _ in cached_lists(app)}
    try:
        info, der, serials = crlmod.verify(data, store, source, previous)
    except crlmod.CrlRejected as e:
        log.warning("CRL from %s rejected: %s", source or "file", e.code)
        return CrlUpdate(source, False, e.code)
    crlmod.store_files(app.settings.data_dir, info, der, serials)
    with app.transaction() as s:
        row = s.get(CrlCacheRow, info.issuer)
        if row is None:
            row = CrlCacheRow(issuer=info.issuer)
            s.add(row)
        row.kind = info.kind
        row.issuer_fingerprint = info.issuer_fingerprint
        row.crl_number = info.crl_number
        row.this_update = info.this_update
        row.next_update = info.next_update
        row.sha256 = info.sha256
        row.revoked_count = info.revoked_count
        row.url = source
        row.fetched_at = app.now()
    crlmod.prune(app.settings.data_dir, {i.sha256 for i, _ in cached_lists(app)})
    return CrlUpdate(source, True, "", info)


def update_crls(
    app: App, fetch: Callable[[str], bytes] = crlmod.download, files: list[Path] | None = None
) -> list[CrlUpdate]:
    """Downloads every configured list (settings.crl_urls) and/or imports files."""
    results: list[CrlUpdate] = []
    for url in app.settings.crl_urls.split():
        try:
            data = fetch(url)
        except Exception as e:  # network errors of any kind: report, keep the cached list
            log.warning("CRL download failed from %s: %s", url, type(e).__name__)
            results.append(CrlUpdate(url, False, "download"))
            continue
        results.append(accept_crl(app, data, url))
    for path in files or []:
        # size-capped like a download; a pipe or a device is refused unread
        data = read_regular(path, crlmod.MAX_CRL_BYTES + 1)
        if len(data) > crlmod.MAX_CRL_BYTES:
            results.append(CrlUpdate(str(path), False, "too_large"))
            continue
        results.append(accept_crl(app, data, str(path)))
    return results


def download_lists(
    settings: Settings, fetch: Callable[[str], bytes] | None = None
) -> Callable[[str], bytes]:
    """Downloads every configured list now, with no database work (a slow or hostile mirror
    holds only the caller's thread), and returns what :func:`update_crls` takes as its
    ``fetch``: each list's bytes, or its download's error raised again."""
    fetch = fetch or crlmod.download
    got: dict[str, bytes | Exception] = {}
    for url in settings.crl_urls.split():
        try:
            got[url] = fetch(url)
        except Exception as e:  # reported by update_crls as a failed download
            got[url] = e

    def fetched(url: str) -> bytes:
        value = got.get(url)
        if value is None:
            raise LookupError("not downloaded")
        if isinstance(value, Exception):
            raise value
        return value

    return fetched


def crl_update_due(app: App) -> bool:
    """The schedule: due when a list is missing, older than the interval, or expiring; or
    fetched later than now, by a clock that ran ahead and was set back since: it counted its
    interval from the clock's old time, and a list fetched 12 hours ahead was not fetched
    again for 18 hours rather than 6, a revocation published meanwhile unseen."""
    if not app.settings.crl_urls.split():
        return False
    lists = cached_lists(app)
    if not lists:
        return True
    now = app.now()
    interval = timedelta(hours=app.settings.crl_update_interval_h)
    for info, fetched in lists:
        if now - fetched >= interval or fetched > now:
            return True
        if info.next_update is not None and info.next_update - now < interval:
            return True
    return False


def crl_status(app: App) -> list[dict[str, Any]]:
    now = app.now()
    out = []
    for info, fetched in cached_lists(app):
        d = info.to_json()
        d["fetched_at"] = fetched.isoformat()
        d["fresh"] = info.fresh_at(now)
        d["age_s"] = int((now - info.this_update).total_seconds())
        out.append(d)
    return out
