"""The checks of a MOICA proof that ``services.identity`` assembles into one report: the
nonce's signature, the PC clock against the newest signed time, the card's revocation from the
cached lists, and the holder against the applicant. Nothing here writes.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from eservice_desktop.config import Settings
from eservice_desktop.devices import cert_holder, pki
from eservice_desktop.devices import crl as crlmod
from eservice_desktop.services.core import App
from eservice_desktop.services.identity_crl import cached_lists

if TYPE_CHECKING:
    from eservice_desktop.services.identity_record import Applicant

log = logging.getLogger("eservice.identity")


def verify_signature(cert: x509.Certificate, nonce: bytes, signature: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, nonce, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, nonce, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def ee_revocation(
    app: App, cert: x509.Certificate, store: pki.TrustStore, now: datetime
) -> pki.Revocation:
    issuer = store.issuer_of(cert)
    issuer_dn = cert.issuer.rfc4514_string()
    for info, _ in cached_lists(app):
        if info.kind != "crl" or info.issuer != issuer_dn:
            continue
        if issuer is None or info.issuer_fingerprint != pki.fingerprint(issuer):
            continue
        base = pki.Revocation(
            status="unknown",
            source=info.url or "cache",
            crl_number=info.crl_number,
            this_update=info.this_update,
            next_update=info.next_update,
        )
        if not info.fresh_at(now):
            base.detail = "CRL past nextUpdate" if info.next_update else "CRL without nextUpdate"
            return base
        try:
            revoked = crlmod.is_revoked(app.settings.data_dir, info, cert.serial_number)
        except FileNotFoundError:
            # Another process replaced this list between our read of the index row and now.
            base.detail = "CRL was being replaced; verify again"
            return base
        except (OSError, ValueError) as e:  # the cached serial index damaged on disk
            log.warning("cached CRL %s unreadable: %s", info.sha256[:12], type(e).__name__)
            base.detail = "cached CRL unreadable; run crl update"
            return base
        base.status = "revoked" if revoked else "good"
        return base
    return pki.Revocation(status="unknown", detail="no CRL for this issuer")


def policy_of(st: Settings) -> pki.PkiPolicy:
    """The office's certificate policy (OIDs, mode, what to do when revocation is unknown)."""
    return pki.PkiPolicy.from_settings(
        st.pki_policy_oids, st.pki_mode, st.revocation_unknown_policy
    )


def check_time(
    app: App, policy: pki.PkiPolicy, report: pki.ValidationReport, now: datetime
) -> None:
    """The PC clock against the newest signed time this office holds (its newest CRL)."""
    newest = max((info.this_update for info, _ in cached_lists(app)), default=None)
    if newest is None:
        report.set("trusted_time", "unknown", "no signed time reference (no CRL cached)")
    elif now < newest - policy.clock_tolerance:
        report.set("trusted_time", "failed", "the PC clock is earlier than the newest CRL")
    else:
        report.set("trusted_time", "passed")


def check_holder(
    cert: x509.Certificate, applicant: Applicant | None, report: pki.ValidationReport
) -> dict[str, Any]:
    """The card holder's name and ID tail against the applicant's, when there is one."""
    holder_name = cert_holder.holder_name(cert)
    last4 = cert_holder.id_last4(cert)
    holder: dict[str, Any] = {"name": holder_name, "id_last4": last4 or ""}
    if applicant is None:
        report.set("holder", "not_checked", "no applicant to compare with")
        return holder
    name_ok = norm(holder_name) == norm(applicant.name)
    id_ok = last4 is not None and norm(applicant.national_id)[-4:] == last4
    holder["matches"] = name_ok and id_ok
    if name_ok and id_ok:
        report.set("holder", "passed")
    else:
        what = [w for w, ok in (("name", name_ok), ("ID last 4", id_ok)) if not ok]
        report.set("holder", "failed", "mismatch: " + ", ".join(what))
    return holder


def revocation_facts(rev: pki.Revocation, now: datetime) -> dict[str, Any]:
    return {
        "status": rev.status,
        "source": rev.source,
        "crl_number": rev.crl_number,
        "this_update": rev.this_update.isoformat() if rev.this_update else None,
        "next_update": rev.next_update.isoformat() if rev.next_update else None,
        "age_s": int((now - rev.this_update).total_seconds()) if rev.this_update else None,
        "detail": rev.detail,
    }
