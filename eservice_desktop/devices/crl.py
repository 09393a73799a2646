"""CRL and ARL: download, verify before accepting, cache atomically, look serials up offline.

A list is *accepted* only after its signature verifies with a pinned CA's key whose subject is the
list's issuer, and only if it is not older than what is cached (a replayed old CRL would un-revoke
certificates). Accepted lists are written under ``DATA_DIR/crl/`` by content hash through a
temporary file and ``os.replace``, so a crash mid-download never leaves a half list; the
database row naming the current list is written after the files (services.identity).

The MOICA CRL is ~20 MB with hundreds of thousands of entries: it is parsed once per update into
a sorted text file of revoked serial numbers (hex), which later processes load into a set in a
fraction of the time a DER parse takes. Lookups are then O(1).

A list is usable until its ``nextUpdate``; after that the status of a certificate it covers is
"unknown", never "good".
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from eservice_desktop.devices.pki import TrustStore, fingerprint, is_self_signed
from eservice_desktop.watched_sockets import WatchedSockets, watched_adapter

log = logging.getLogger("eservice.crl")

CRL_DIR = "crl"
DOWNLOAD_TIMEOUT_S = 60.0
#: The whole download of one list (connect, headers, body): the MOICA CRL (~20 MB) takes a few
#: minutes on a slow office line; a mirror or a proxy dripping bytes is cut off after this (a
#: per-read timeout alone never fires), as long as the window's check interval, so the
#: window's downloads never pile up on its I/O threads (three: printing and the pickup desk's
#: county look-ups queued behind them).
DOWNLOAD_DEADLINE_S = 900.0
MAX_CRL_BYTES = 200 * 1024 * 1024


class CrlRejected(Exception):
    """A downloaded list was not accepted; ``code`` says why (signature, issuer, rollback, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CrlInfo:
    """Metadata of one accepted list (what the cache table stores)."""

    kind: str  # "crl" (end entities) | "arl" (CA certificates, issued by a root)
    issuer: str
    issuer_fingerprint: str
    crl_number: int | None
    this_update: datetime
    next_update: datetime | None
    sha256: str
    revoked_count: int
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["this_update"] = self.this_update.isoformat()
        out["next_update"] = self.next_update.isoformat() if self.next_update else None
        return out

    def fresh_at(self, moment: datetime) -> bool:
        return self.next_update is not None and self.this_update <= moment <= self.next_update


def _load(data: bytes) -> x509.CertificateRevocationList:
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError as e:
        raise CrlRejected("format", "not a CRL") from e


def verify(
    data: bytes, store: TrustStore, url: str = "", cached: Mapping[str, CrlInfo] | None = None
) -> tuple[CrlInfo, bytes, frozenset[int]]:
    """Verifies one list against the pinned CAs; returns its info, DER and revoked serials.

    ``cached`` maps issuer (RFC 4514) to the list currently in use, to refuse rollbacks.
    """
    crl = _load(data)
    issuer_cert = None
    for ca in store.all:
        if ca.subject != crl.issuer:
            continue
        if crl.is_signature_valid(ca.public_key()):  # type: ignore[arg-type]
            issuer_cert = ca
            break
    if issuer_cert is None:
        if any(ca.subject == crl.issuer for ca in store.all):
            raise CrlRejected("signature", "CRL signature does not verify with its issuer's key")
        raise CrlRejected("issuer", "CRL issuer is not a pinned CA")
    try:
        number: int | None = int(
            crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        )
    except x509.ExtensionNotFound:
        number = None
    this_update = crl.last_update_utc
    previous = (cached or {}).get(crl.issuer.rfc4514_string())
    older = previous is not None and (
        this_update < previous.this_update
        or (number is not None and previous.crl_number is not None and number < previous.crl_number)
    )
    if older:
        raise CrlRejected("rollback", "CRL is older than the cached one")
    serials = frozenset(r.serial_number for r in crl)
    der = crl.public_bytes(serialization.Encoding.DER)
    info = CrlInfo(
        kind="arl" if is_self_signed(issuer_cert) else "crl",
        issuer=crl.issuer.rfc4514_string(),
        issuer_fingerprint=fingerprint(issuer_cert),
        crl_number=number,
        this_update=this_update,
        next_update=crl.next_update_utc,
        sha256=hashlib.sha256(der).hexdigest(),
        revoked_count=len(serials),
        url=url,
    )
    return info, der, serials


def _atomic_write(path: Path, data: bytes) -> None:
    """A public list, readable by every account that can reach the data directory: made 0600
    (``mkstemp``'s mode), the list the .deb's sync service took from the county was the
    service's alone, and every clerk's card check in the shared data directory stopped with
    無法存取 …/crl/….serials（沒有權限）."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_dir(data_dir: Path) -> Path:
    return data_dir / CRL_DIR


def store_files(data_dir: Path, info: CrlInfo, der: bytes, serials: frozenset[int]) -> None:
    """Writes the DER and the serial index, each atomically, named by the list's hash."""
    d = cache_dir(data_dir)
    _atomic_write(
        d / f"{info.sha256}.serials", "\n".join(f"{s:x}" for s in sorted(serials)).encode()
    )
    _atomic_write(d / f"{info.sha256}.crl", der)
    _SETS.put(info.sha256, serials)


def read_der(data_dir: Path, sha256: str) -> bytes:
    return (cache_dir(data_dir) / f"{sha256}.crl").read_bytes()


class _SerialSets:
    """Process-wide cache of loaded serial sets, keyed by list hash (immutable content)."""

    def __init__(self) -> None:
        self._sets: dict[str, frozenset[int]] = {}
        self._lock = threading.Lock()

    def put(self, sha256: str, serials: frozenset[int]) -> None:
        with self._lock:
            self._sets = {sha256: serials, **{k: v for k, v in self._sets.items() if k != sha256}}

    def get(self, data_dir: Path, sha256: str) -> frozenset[int]:
        with self._lock:
            hit = self._sets.get(sha256)
        if hit is not None:
            return hit
        path = cache_dir(data_dir) / f"{sha256}.serials"
        text = path.read_text(encoding="ascii")
        serials = frozenset(int(line, 16) for line in text.split())
        self.put(sha256, serials)
        return serials


_SETS = _SerialSets()


def is_revoked(data_dir: Path, info: CrlInfo, serial: int) -> bool:
    return serial in _SETS.get(data_dir, info.sha256)


def download(url: str, timeout: float = DOWNLOAD_TIMEOUT_S) -> bytes:
    """Fetches one list over HTTP(S) within DOWNLOAD_DEADLINE_S; size-capped so a broken mirror
    cannot fill the disk. A watchdog shuts the connection's socket when the deadline passes
    (``CrlRejected("too_slow")``)."""
    import requests

    sockets = WatchedSockets()
    session = requests.Session()
    session.mount("http://", watched_adapter(sockets))
    session.mount("https://", watched_adapter(sockets))
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sockets.cut()

    watchdog = threading.Timer(DOWNLOAD_DEADLINE_S, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        return _fetch(session, url, timeout, expired)
    except requests.RequestException as e:
        if expired.is_set():
            raise _too_slow() from e
        raise
    finally:
        watchdog.cancel()
        session.close()


def _too_slow() -> CrlRejected:
    return CrlRejected("too_slow", f"CRL download took over {DOWNLOAD_DEADLINE_S:.0f} s")


def _fetch(session: Any, url: str, timeout: float, expired: threading.Event) -> bytes:
    with session.get(url, timeout=timeout, stream=True) as resp:
        resp.raise_for_status()
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_content(1 << 20):
            size += len(chunk)
            if size > MAX_CRL_BYTES:
                raise CrlRejected("too_large", "CRL larger than the configured maximum")
            chunks.append(chunk)
    if expired.is_set():  # cut short: what arrived is no whole list
        raise _too_slow()
    return b"".join(chunks)


def prune(data_dir: Path, keep: set[str]) -> None:
    """Removes cached lists no longer current (called after the database points at new ones)."""
    d = cache_dir(data_dir)
    if not d.is_dir():
        return
    for path in d.iterdir():
        if path.suffix in (".crl", ".serials") and path.stem not in keep:
            path.unlink(missing_ok=True)
