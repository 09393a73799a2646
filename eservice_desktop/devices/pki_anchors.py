"""The trust anchors IT installed for the MOICA check (seed appendix 25): the pinned GRCA roots
and MOICA intermediates of the configured directory, and why a directory is unusable.

Trust anchors come only from the IT-configured directory and only when their SHA-256 fingerprint
is listed in ``pins.sha256`` there (one hex fingerprint per line, anything after it is a comment):
dropping a certificate into the folder is not enough to make it trusted. Apart from
``devices/pki.py`` (which re-exports these) because loading the folder and naming its faults, in
both languages, reads on its own beside path validation.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

log = logging.getLogger("eservice.pki")

PIN_FILE = "pins.sha256"
CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


class TrustError(Exception):
    """The trust anchor configuration itself is unusable (IT must fix it). ``str()`` is the
    English reason; ``zh`` the same reason in Chinese, for the clerk and the doctor (they
    appended the English to their Chinese)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


def _load_cert_bytes(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _certificates_in(path: Path) -> list[x509.Certificate]:
    """The certificates of one file of the trust anchor directory; a file that is none is
    IT's to fix like the rest (it escaped the loader as the parser's ValueError)."""
    try:
        return _load_cert_bytes(path.read_bytes())
    except (ValueError, OSError) as e:
        raise TrustError(
            f"{path.name} is not a readable certificate", f"憑證檔 {path.name} 不是可讀的憑證"
        ) from e


def _pin_text(pin_file: Path) -> str:
    """The pin file's text as Windows' Notepad may have saved it: UTF-8 with or without a BOM,
    or UTF-16 with its BOM ("Unicode"); anything else is said as such (it ended doctor and the
    MOICA check in a UnicodeDecodeError traceback)."""
    data = pin_file.read_bytes()
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TrustError(
            f"{PIN_FILE} is not text in UTF-8 or UTF-16", f"{PIN_FILE} 不是 UTF-8 或 UTF-16 文字"
        ) from None


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()


def is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, Exception):
        return False
    return True


@dataclass(frozen=True)
class TrustStore:
    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    ignored: tuple[str, ...] = ()  # files present but not pinned (reported, never trusted)

    @property
    def all(self) -> tuple[x509.Certificate, ...]:
        return self.roots + self.intermediates

    @classmethod
    def load(cls, directory: str | Path) -> TrustStore:
        d = Path(directory)
        if not str(directory) or not d.is_dir():
            raise TrustError("The trust anchor directory does not exist", "找不到信任錨目錄")
        pin_file = d / PIN_FILE
        if not pin_file.exists():
            raise TrustError(
                f"{PIN_FILE} is missing from the trust anchor directory",
                f"信任錨目錄缺少 {PIN_FILE}",
            )
        pins = set()
        for line in _pin_text(pin_file).splitlines():
            token = line.split("#", 1)[0].strip().split(" ", 1)[0].replace(":", "").upper()
            if token:
                pins.add(token)
        roots: list[x509.Certificate] = []
        inters: list[x509.Certificate] = []
        ignored: list[str] = []
        found: set[str] = set()
        for path in sorted(d.iterdir()):
            if path.suffix.lower() not in CERT_SUFFIXES:
                continue
            for cert in _certificates_in(path):
                fp = fingerprint(cert)
                if fp not in pins:
                    ignored.append(path.name)
                    log.warning("trust anchor %s is not pinned; ignored", path.name)
                    continue
                found.add(fp)
                (roots if is_self_signed(cert) else inters).append(cert)
        missing = pins - found
        if missing:
            raise TrustError(
                f"{len(missing)} certificate(s) pinned in {PIN_FILE} have no certificate file",
                f"{PIN_FILE} 所列的憑證中，有 {len(missing)} 個憑證找不到憑證檔",
            )
        if not roots:
            raise TrustError(
                "No pinned root certificate is in the trust anchor directory",
                "信任錨目錄中沒有釘選的根憑證",
            )
        return cls(tuple(roots), tuple(inters), tuple(ignored))

    def issuer_of(self, cert: x509.Certificate) -> x509.Certificate | None:
        for ca in self.all:
            if ca.subject == cert.issuer:
                try:
                    cert.verify_directly_issued_by(ca)
                except Exception:
                    continue
                return ca
        return None
