"""Certificate validation for the MOICA proof of identity (seed appendix 25).

Why pyhanko-certvalidator: it is maintained, implements RFC 5280 path validation including the
policy tree (needed for "policy OID of the required assurance level"), basic constraints, key
usage, validity at a given moment, and CRL checking with freshness rules, all offline from data
we hand it. ``cryptography``'s own verifier does no revocation and insists on a SAN the MOICA
citizen certificate does not carry.

One deliberate split: the end entity's revocation is checked here against a serial-number set
(see :mod:`crl`), not by pyhanko. The full MOICA CRL is ~20 MB; handing it to pyhanko would parse
and scan it on every verification. It is verified (signature, issuer, freshness) once when it is
downloaded, reduced to a set, and looked up in O(1). The root's ARL (small) still goes through
pyhanko for the intermediate certificates, so its signature and freshness are checked by the
validator itself.

Trust anchors come only from the IT-configured directory and only when their SHA-256 fingerprint
is listed in ``pins.sha256`` there (one hex fingerprint per line, anything after it is a comment):
dropping a certificate into the folder is not enough to make it trusted. Self-signed pinned
certificates are roots (the GRCA generations); the others are intermediates (the MOICA CAs) offered
to path building; the card only supplies the end-entity certificate.

Time: validity is evaluated at the counter's clock, which is only trusted if it is not earlier
than the newest ``thisUpdate`` of the verified revocation lists (a signed time from the CA): a PC
whose clock was set back would otherwise accept expired certificates.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import x509 as a509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from eservice_desktop.devices.cert_holder import holder_name, id_last4
from eservice_desktop.devices.pki_anchors import (
    CERT_SUFFIXES,
    PIN_FILE,
    TrustError,
    TrustStore,
    fingerprint,
    is_self_signed,
)

#: Re-exported: the holder a certificate names (devices.cert_holder) and the trust anchors
#: (devices.pki_anchors). Only these need listing; what this module defines is importable as ever.
__all__ = [
    "CERT_SUFFIXES",
    "PIN_FILE",
    "TrustError",
    "TrustStore",
    "fingerprint",
    "holder_name",
    "id_last4",
    "is_self_signed",
]

log = logging.getLogger("eservice.pki")

#: GRCA/GPKI certificate policies: id-tw-gpki-certpolicy-{test,class1..4}Assurance.
POLICY_BY_LEVEL = {
    0: "2.16.886.101.0.3.0",
    1: "2.16.886.101.0.3.1",
    2: "2.16.886.101.0.3.2",
    3: "2.16.886.101.0.3.3",
    4: "2.16.886.101.0.3.4",
}
TEST_POLICIES = frozenset({POLICY_BY_LEVEL[0]})

# Check names, in the order appendix 25 lists them; each gets passed / failed / unknown /
# not_checked in a result.
CHECKS = (
    "signature",
    "trusted_root",
    "policy",
    "chain_signatures",
    "ca_flags_key_usage",
    "validity",
    "trusted_time",
    "revocation_ee",
    "revocation_ca",
    "nonce",
    "holder",
)


@dataclass(frozen=True)
class PkiPolicy:
    """What IT configures: the assurance level's policy OIDs, production or test mode, and what
    to do when revocation status is unknown."""

    required_policies: frozenset[str]
    production: bool = True
    revocation_unknown: str = "refuse"  # refuse | override
    key_usage: frozenset[str] = frozenset({"digital_signature"})
    clock_tolerance: timedelta = timedelta(minutes=5)

    @classmethod
    def from_settings(cls, policy_oids: str, pki_mode: str, unknown_policy: str) -> PkiPolicy:
        oids = frozenset(o for o in policy_oids.replace(",", " ").split() if o)
        production = pki_mode.strip().lower() != "test"
        if production:
            oids = oids - TEST_POLICIES
        return cls(oids, production, unknown_policy.strip().lower() or "refuse")


@dataclass
class CheckResult:
    name: str
    status: str = "not_checked"  # passed | failed | unknown | not_checked
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Revocation:
    """EE revocation as looked up in the cached CRL: status good / revoked / unknown."""

    status: str
    source: str = ""  # url or "cache"
    crl_number: int | None = None
    this_update: datetime | None = None
    next_update: datetime | None = None
    detail: str = ""


@dataclass
class ValidationReport:
    checks: dict[str, CheckResult] = field(
        default_factory=lambda: {n: CheckResult(n) for n in CHECKS}
    )
    policies: list[str] = field(default_factory=list)

    def set(self, name: str, status: str, detail: str = "") -> None:
        self.checks[name] = CheckResult(name, status, detail)

    def status(self, name: str) -> str:
        return self.checks[name].status

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks.values() if c.status == "failed"]

    @property
    def unknown(self) -> list[str]:
        return [c.name for c in self.checks.values() if c.status == "unknown"]

    @property
    def passed(self) -> list[str]:
        return [c.name for c in self.checks.values() if c.status == "passed"]

    def to_json(self) -> list[dict[str, str]]:
        return [c.to_json() for c in self.checks.values()]


def certificate_policies(cert: x509.Certificate) -> list[str]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.CertificatePolicies)
    except x509.ExtensionNotFound:
        return []
    return [p.policy_identifier.dotted_string for p in ext.value]


def _classify(error: Exception, report: ValidationReport) -> None:
    """Maps a pyhanko-certvalidator failure onto the appendix 25 checks."""
    from pyhanko_certvalidator import errors as e

    msg = str(error)
    low = msg.lower()
    if isinstance(error, e.PathBuildingError):
        report.set("trusted_root", "failed", "no path to a pinned trust anchor")
    elif isinstance(error, e.ExpiredError):
        report.set("validity", "failed", "certificate expired")
    elif isinstance(error, e.NotYetValidError):
        report.set("validity", "failed", "certificate not yet valid")
    elif isinstance(error, e.RevokedError):
        report.set("revocation_ca", "failed", msg)
    elif isinstance(error, e.InsufficientRevinfoError):
        report.set("revocation_ca", "unknown", msg)
    elif isinstance(error, e.InvalidCertificateError):
        report.set("ca_flags_key_usage", "failed", msg)
    elif "polic" in low:
        report.set("policy", "failed", msg)
    elif "signature" in low:
        report.set("chain_signatures", "failed", msg)
    elif "ca" in low or "basic constraints" in low or "key usage" in low:
        report.set("ca_flags_key_usage", "failed", msg)
    else:
        report.set("chain_signatures", "failed", msg)


def _issuer_named_but_not_signing(cert: x509.Certificate, store: TrustStore) -> bool:
    named = [ca for ca in store.all if ca.subject == cert.issuer]
    return bool(named) and store.issuer_of(cert) is None


_PATH_CHECKS = ("trusted_root", "policy", "chain_signatures", "ca_flags_key_usage", "validity")


def _asn1(c: x509.Certificate) -> Any:
    return a509.Certificate.load(c.public_bytes(serialization.Encoding.DER))


def _validator(
    cert: x509.Certificate,
    store: TrustStore,
    policy: PkiPolicy,
    moment: datetime,
    arls: Iterable[bytes],
    *,
    ca_revocation: bool = True,
) -> Any:
    """pyhanko-certvalidator set up for MOICA: pinned anchors, no fetching, the CA certificates'
    revocation from the ARL(s) (the end entity's is checked separately; ``ca_revocation=False``
    leaves the CAs' out too), explicit policies."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        PKIXValidationParams,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    revinfo = CertRevTrustPolicy(
        RevocationCheckingPolicy(
            ee_certificate_rule=RevocationCheckingRule.NO_CHECK,
            intermediate_ca_cert_rule=RevocationCheckingRule.CRL_REQUIRED
            if ca_revocation
            else RevocationCheckingRule.NO_CHECK,
        )
    )
    ctx = ValidationContext(
        trust_roots=[_asn1(r) for r in store.roots],
        other_certs=[_asn1(i) for i in store.intermediates],
        crls=list(arls),
        moment=moment,
        allow_fetching=False,
        revinfo_policy=revinfo,
        time_tolerance=timedelta(seconds=1),
    )
    params = PKIXValidationParams(
        user_initial_policy_set=frozenset(policy.required_policies), initial_explicit_policy=True
    )
    return CertificateValidator(_asn1(cert), validation_context=ctx, pkix_params=params)


def _report_failure(
    error: Exception, cert: x509.Certificate, store: TrustStore, report: ValidationReport
) -> None:
    """Classifies a pyhanko failure into the report; re-raises anything that is not one."""
    from pyhanko_certvalidator import errors as e

    if not isinstance(error, e.PathBuildingError | e.ValidationError | e.PathError):
        raise error
    _classify(error, report)
    if isinstance(error, e.PathBuildingError) and _issuer_named_but_not_signing(cert, store):
        # A pinned CA has the issuer's name but its key did not sign this certificate:
        # a forged or corrupted certificate, not an unknown root.
        report.set("trusted_root", "not_checked")
        report.set("chain_signatures", "failed", "signature does not verify with the issuer's key")
        return
    # Checks pyhanko performs before the one that failed are reported as passed only when
    # they are known to come earlier in its algorithm (path building first).
    if report.status("trusted_root") == "not_checked" and not isinstance(
        error, e.PathBuildingError
    ):
        report.set("trusted_root", "passed")


def validate_path(
    cert: x509.Certificate,
    *,
    store: TrustStore,
    policy: PkiPolicy,
    moment: datetime,
    arls: Iterable[bytes],
    report: ValidationReport,
) -> None:
    """Runs pyhanko-certvalidator: anchors, chain signatures, CA flags, key usage, validity at
    ``moment``, policy tree, and the CA certificates' revocation against the ARL(s)."""
    report.policies = certificate_policies(cert)
    if policy.production and TEST_POLICIES & set(report.policies):
        report.set("policy", "failed", "test-level certificate refused in production mode")
        return
    if not policy.required_policies:
        report.set("policy", "failed", "no certificate policy configured for this service")
        return
    from pyhanko_certvalidator import errors as e

    validator = _validator(cert, store, policy, moment, arls)
    try:
        asyncio.run(validator.async_validate_usage(key_usage=set(policy.key_usage)))
    except e.InsufficientRevinfoError as error:
        # No usable ARL stops pyhanko before validity, policy and key usage: without this an
        # expired certificate came out "revocation unknown" only, which a supervisor may accept.
        _validate_without_ca_revocation(cert, store, policy, moment, report)
        report.set("revocation_ca", "unknown", str(error))
        return
    except Exception as error:  # pyhanko's hierarchy is wide; classify, never swallow silently
        _report_failure(error, cert, store, report)
        return
    for name in _PATH_CHECKS:
        report.set(name, "passed")
    report.set("revocation_ca", "passed", "ARL")


def _validate_without_ca_revocation(
    cert: x509.Certificate,
    store: TrustStore,
    policy: PkiPolicy,
    moment: datetime,
    report: ValidationReport,
) -> None:
    """The path checks once more with the CA certificates' revocation left out."""
    validator = _validator(cert, store, policy, moment, (), ca_revocation=False)
    try:
        asyncio.run(validator.async_validate_usage(key_usage=set(policy.key_usage)))
    except Exception as error:
        _report_failure(error, cert, store, report)
        return
    for name in _PATH_CHECKS:
        report.set(name, "passed")
