"""Path validation outcomes mapped onto the appendix 25 checks (pyhanko-certvalidator, offline)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "cards"))

import cards_pki as cp

from eservice_desktop.devices import crl as crlmod
from eservice_desktop.devices import pki


@pytest.fixture(scope="module")
def tpki() -> cp.TestPki:
    return cp.shared_pki()[0]


@pytest.fixture
def store(tpki: cp.TestPki, tmp_path: Path) -> pki.TrustStore:
    return pki.TrustStore.load(tpki.write_anchors(tmp_path / "anchors"))


POLICY = pki.PkiPolicy.from_settings(cp.LEVEL3, "production", "refuse")


def run(cert: x509.Certificate, store: pki.TrustStore, arls: list[bytes]) -> pki.ValidationReport:
    report = pki.ValidationReport()
    pki.validate_path(cert, store=store, policy=POLICY, moment=cp.NOW, arls=arls, report=report)
    return report


def test_valid_path_passes_every_path_check(tpki: cp.TestPki, store: pki.TrustStore) -> None:
    report = run(tpki.certs["valid"], store, [tpki.arl()])
    for name in ("trusted_root", "policy", "chain_signatures", "ca_flags_key_usage", "validity"):
        assert report.status(name) == "passed"
    assert report.status("revocation_ca") == "passed"
    assert report.policies == [cp.LEVEL3]


def test_forged_signature_is_a_chain_signature_failure(
    tpki: cp.TestPki, store: pki.TrustStore
) -> None:
    forger = cp.Ca(tpki.intermediate.cert, tpki.other_intermediate.key)
    forged, _ = cp.make_citizen(forger)
    report = run(forged, store, [tpki.arl()])
    assert report.failed == ["chain_signatures"]


def test_intermediate_without_ca_flag(tpki: cp.TestPki, tmp_path: Path) -> None:
    key = cp._key()
    not_ca = (
        x509.CertificateBuilder()
        .subject_name(cp._name("Not a CA"))
        .issuer_name(tpki.root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(cp.NOW - timedelta(days=10))
        .not_valid_after(cp.NOW + timedelta(days=100))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier("2.5.29.32.0"), None)]
            ),
            critical=False,
        )
        .sign(tpki.root.key, hashes.SHA256())
    )
    ca = cp.Ca(not_ca, key)
    d = tpki.write_anchors(tmp_path / "a")
    (d / "notca.pem").write_bytes(ca.pem)
    pins = (d / "pins.sha256").read_text(encoding="utf-8")
    (d / "pins.sha256").write_text(pins + cp.fingerprint(not_ca) + "\n", encoding="utf-8")
    ee, _ = cp.make_citizen(ca)
    report = run(ee, pki.TrustStore.load(d), [tpki.arl()])
    assert report.failed == ["ca_flags_key_usage"]


def test_missing_arl_is_unknown_not_good(tpki: cp.TestPki, store: pki.TrustStore) -> None:
    report = run(tpki.certs["valid"], store, [])
    assert report.failed == [] and report.unknown == ["revocation_ca"]


def test_policy_not_configured_refuses(tpki: cp.TestPki, store: pki.TrustStore) -> None:
    report = pki.ValidationReport()
    empty = pki.PkiPolicy.from_settings(cp.TEST_LEVEL, "production", "refuse")  # stripped
    assert empty.required_policies == frozenset()
    pki.validate_path(
        tpki.certs["valid"], store=store, policy=empty, moment=cp.NOW, arls=[], report=report
    )
    assert report.failed == ["policy"]


def test_crl_verify_refuses_forgery_and_reports_kind(
    tpki: cp.TestPki, store: pki.TrustStore
) -> None:
    info, _, serials = crlmod.verify(tpki.crl(), store)
    assert info.kind == "crl" and serials == {tpki.certs["revoked"].serial_number}
    assert crlmod.verify(tpki.arl(), store)[0].kind == "arl"
    forged = cp.make_crl(tpki.intermediate, [], signer=tpki.other_intermediate.key)
    with pytest.raises(crlmod.CrlRejected) as e:
        crlmod.verify(forged, store)
    assert e.value.code == "signature"


def test_big_crl_round_trip(tpki: cp.TestPki, store: pki.TrustStore, tmp_path: Path) -> None:
    serials = list(range(10**30, 10**30 + 5000))
    der = cp.big_crl(tpki.intermediate, serials, cp.NOW, cp.NOW + timedelta(days=1))
    info, canon, parsed = crlmod.verify(der, store)
    assert parsed == frozenset(serials) and info.revoked_count == 5000
    crlmod.store_files(tmp_path, info, canon, parsed)
    crlmod._SETS._sets.clear()
    assert crlmod.is_revoked(tmp_path, info, 10**30 + 4999)
    assert not crlmod.is_revoked(tmp_path, info, 10**30 + 5000)
