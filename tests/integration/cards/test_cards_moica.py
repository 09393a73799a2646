"""The MOICA proof on a real PKCS#11 token (SoftHSM2) and the appendix 25 checks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import cards_pki as cp
import pytest
from approvals_support import (
    CLERK,
    CLERK_PASSWORD,
    SUPERVISOR,
    SUPERVISOR_PASSWORD,
    add_accounts,
)
from cryptography import x509
from factories import new_case

from eservice_desktop.config import Settings
from eservice_desktop.devices import moica
from eservice_desktop.devices import pki as pkimod
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.services import cases, identity
from eservice_desktop.services.core import App

pytestmark = pytest.mark.softhsm

HOLDER = identity.Applicant(cp.HOLDER_NAME, cp.HOLDER_ID)


def use_token(app: App, label: str) -> None:
    app.settings.pkcs11_token_label = label


def verify(app: App, label: str = "valid", **kw: object) -> identity.ProofResult:
    use_token(app, label)
    kw.setdefault("applicant", HOLDER)
    return identity.verify_moica(app, cp.PIN, **kw)  # type: ignore[arg-type]


def statuses(result: identity.ProofResult) -> dict[str, str]:
    return {c["name"]: c["status"] for c in result.report.to_json()}


def test_valid_card_is_verified_and_recorded(id_app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    number = new_case(id_app, name=cp.HOLDER_NAME, applicant_id=cp.HOLDER_ID)
    result = verify(id_app, case_number=number)
    assert result.verdict == "verified", result.to_json()
    assert all(s == "passed" for s in statuses(result).values())
    assert result.holder == {"name": cp.HOLDER_NAME, "id_last4": "6789", "matches": True}
    view = cases.show_case(id_app, number)
    recorded = [e for e in view.events if e["type"] == ev.IDENTITY_VERIFIED]
    assert len(recorded) == 1 and recorded[0]["event_id"] == result.event_id
    payload = recorded[0]["payload"]
    assert payload["method"] == "moica"
    assert payload["cert_serial"] == f"{cp.shared_pki()[0].certs['valid'].serial_number:X}"
    assert payload["cert_issuer"].startswith("CN=Test MOICA G2")
    assert set(payload["checks_passed"]) == set(pkimod.CHECKS)
    assert payload["revocation"]["status"] == "good"
    assert payload["revocation"]["age_s"] == 6 * 3600
    assert payload["override"] is None
    text = repr(payload) + caplog.text
    assert cp.PIN not in text and "PRIVATE" not in text.upper().replace("PRIVATE_", "")


def test_without_applicant_holder_is_not_checked(id_app: App) -> None:
    use_token(id_app, "valid")
    result = identity.verify_moica(id_app, cp.PIN)
    assert result.verdict == "verified"
    assert statuses(result)["holder"] == "not_checked"


@pytest.mark.parametrize(
    ("label", "check"),
    [
        ("expired", "validity"),
        ("notyet", "validity"),
        ("revoked", "revocation_ee"),
        ("wrongpolicy", "policy"),
        ("testlevel", "policy"),
        ("wrongku", "ca_flags_key_usage"),
        ("untrusted", "trusted_root"),
        ("wrongholder", "holder"),
    ],
)
def test_refusals(id_app: App, label: str, check: str) -> None:
    number = new_case(id_app, name=cp.HOLDER_NAME, applicant_id=cp.HOLDER_ID)
    result = verify(id_app, label, case_number=number)
    assert result.verdict == "refused"
    assert check in result.reasons, result.to_json()
    assert statuses(result)[check] == "failed"
    view = cases.show_case(id_app, number)
    assert not [e for e in view.events if e["type"] == ev.IDENTITY_VERIFIED]


def test_applicant_given_beside_a_case_is_the_cases_or_refused(id_app: App) -> None:
    # The card holder's own name and ID beside another citizen's case: verified against
    # them and recorded on that case, until the case's own applicant became the only one.
    number = new_case(id_app, name="陳大文", applicant_id="B123456780")
    use_token(id_app, "valid")
    with pytest.raises(DomainError) as e:
        identity.verify_moica(id_app, cp.PIN, applicant=HOLDER, case_number=number)
    assert e.value.code == "identity.applicant_not_case"
    assert "陳大文" not in str(e.value) and cp.HOLDER_ID not in str(e.value)
    view = cases.show_case(id_app, number)
    assert not [e for e in view.events if e["type"] == ev.IDENTITY_VERIFIED]
    own = identity.Applicant(" 陳大文", "b123456780")  # the case's own, typed loosely
    assert verify(id_app, case_number=number, applicant=own).reasons == ["holder"]


def test_damaged_crl_cache_is_revocation_unknown(id_app: App) -> None:
    # A serial index damaged on disk: a traceback (exit 1) on the command line; an ARL file
    # gone: "Cannot access …/crl/<hash>.crl" instead of a verdict.
    from eservice_desktop.devices import crl as crlmod

    lists = {info.kind: info for info, _ in identity.cached_lists(id_app)}
    cache = crlmod.cache_dir(id_app.settings.data_dir)
    (cache / f"{lists['crl'].sha256}.serials").write_text("zz-not-hex\n", encoding="ascii")
    (cache / f"{lists['arl'].sha256}.crl").unlink()
    crlmod._SETS._sets.clear()  # as in a new process
    result = verify(id_app)
    assert result.verdict == "refused"
    assert statuses(result)["revocation_ee"] == "unknown"
    assert result.revocation["detail"] == "cached CRL unreadable; run crl update"
    assert statuses(result)["revocation_ca"] == "unknown"


def test_without_a_usable_arl_the_certificate_is_still_checked(
    make_app: Callable[..., App], card_settings: Settings, pki: cp.TestPki
) -> None:
    # No ARL stopped the path validation before validity, policy and key usage: an expired
    # card came out "revocation unknown" only, and a supervisor's override accepted it.
    app = make_app(card_settings)
    assert identity.accept_crl(app, pki.crl(), "test").accepted  # the CRL, but no ARL
    app.settings.revocation_unknown_policy = "override"
    add_accounts(app)
    override = identity.Override(SUPERVISOR, "ARL mirror down", SUPERVISOR_PASSWORD)
    for label, check in (("expired", "validity"), ("wrongpolicy", "policy")):
        refused = verify(app, label, override=override)
        assert refused.verdict == "refused" and check in refused.reasons, refused.to_json()
        assert statuses(refused)["revocation_ca"] == "unknown"
    valid = verify(app, "valid")
    assert valid.verdict == "revocation_unknown" and valid.reasons == ["revocation_ca"]
    path = ("trusted_root", "policy", "chain_signatures", "ca_flags_key_usage", "validity")
    assert all(statuses(valid)[name] == "passed" for name in path)


def test_unusable_trust_anchors_and_a_malformed_pin_are_said_before_the_card(
    id_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The holder typed the PIN, the card signed, and only then came "信任錨設定有誤".
    def never(*a: object, **k: object) -> None:
        raise AssertionError("the card was asked")

    monkeypatch.setattr(moica, "sign", never)
    monkeypatch.setattr(moica, "status", never)
    for pin in ("", "12 34", "x" * 17):  # the card would count each as a wrong PIN
        with pytest.raises(DomainError) as e:
            identity.verify_moica(id_app, pin)
        assert e.value.code == "card.pin_format"
    id_app.settings.trust_anchor_dir = str(Path(id_app.settings.data_dir) / "no-anchors")
    for ask in (
        lambda: identity.verify_moica(id_app, cp.PIN),
        lambda: identity.token_status(id_app),
    ):
        with pytest.raises(DomainError) as e:
            ask()
        assert e.value.code == "pki.trust_config"


def test_test_level_accepted_only_in_test_mode(id_app: App) -> None:
    id_app.settings.pki_mode = "test"
    id_app.settings.pki_policy_oids = f"{cp.LEVEL3} {cp.TEST_LEVEL}"
    assert verify(id_app, "testlevel").verdict == "verified"
    id_app.settings.pki_mode = "production"
    assert verify(id_app, "testlevel").verdict == "refused"


def test_stale_crl_is_revocation_unknown_and_refused(id_app: App, clock: object) -> None:
    clock.set(cp.NOW + timedelta(days=2))  # type: ignore[attr-defined]
    result = verify(id_app)
    assert result.verdict == "refused"
    assert statuses(result)["revocation_ee"] == "unknown"
    assert "revocation_ee" in result.reasons
    assert result.revocation["detail"] == "CRL past nextUpdate"


def test_stale_crl_with_supervisor_override(id_app: App, clock: object) -> None:
    id_app.settings.revocation_unknown_policy = "override"
    number = new_case(id_app, name=cp.HOLDER_NAME, applicant_id=cp.HOLDER_ID)
    clock.set(cp.NOW + timedelta(days=2))  # type: ignore[attr-defined]
    pending = verify(id_app, case_number=number)
    assert pending.verdict == "revocation_unknown" and pending.event_id is None
    add_accounts(id_app)
    refusals = [
        (identity.Override("tester", "offline", "whatever-1"), "auth.self_approval"),
        (identity.Override(SUPERVISOR, "offline", "wrong-pass-1"), "auth.bad_password"),
        (identity.Override(CLERK, "offline", CLERK_PASSWORD), "auth.forbidden"),
        (identity.Override(SUPERVISOR, "offline"), "auth.bad_password"),  # a typed name alone
    ]
    for override, reason in refusals:
        with pytest.raises(AuthError) as e:
            verify(id_app, case_number=number, override=override)
        assert e.value.reason == reason
    result = verify(
        id_app,
        case_number=number,
        override=identity.Override(SUPERVISOR, "county link down", SUPERVISOR_PASSWORD),
    )
    assert result.verdict == "verified_with_override"
    events = cases.show_case(id_app, number).events
    types = [e["type"] for e in events]
    assert types.count(ev.IDENTITY_VERIFIED) == 1 and types.count(ev.APPROVAL_GRANTED) == 1
    approval, verified = events[-2], events[-1]
    assert verified["type"] == ev.IDENTITY_VERIFIED
    assert approval["payload"]["for_event"] == verified["event_id"]
    assert approval["payload"]["action"] == "identity_revocation_unknown"
    assert (approval["payload"]["requested_by"], approval["payload"]["approved_by"]) == (
        "tester",
        SUPERVISOR,
    )
    payload = verified["payload"]
    assert payload["override"] == {
        "supervisor": SUPERVISOR,
        "requested_by": "tester",
        "reason": "county link down",
    }
    assert "revocation_ee" in payload["checks_unknown"]


def test_stale_arl_is_unknown(id_app: App, pki: cp.TestPki, clock: object) -> None:
    # A fresh CRL but an ARL past its nextUpdate: the intermediate's status is unknown.
    clock.set(cp.NOW + timedelta(days=2))  # type: ignore[attr-defined]
    fresh = pki.crl(
        this_update=cp.NOW + timedelta(days=1), next_update=cp.NOW + timedelta(days=3), number=2
    )
    assert identity.accept_crl(id_app, fresh, "t").accepted
    result = verify(id_app)
    assert statuses(result)["revocation_ee"] == "passed"
    assert statuses(result)["revocation_ca"] == "unknown"
    assert result.verdict == "refused"


def test_crl_with_bad_signature_is_not_accepted(id_app: App, pki: cp.TestPki) -> None:
    before = identity.crl_status(id_app)
    forged = cp.make_crl(pki.intermediate, [], number=5, signer=pki.other_root.key)
    update = identity.accept_crl(id_app, forged, "http://mirror.example/moica.crl")
    assert not update.accepted and update.code == "signature"
    assert identity.crl_status(id_app) == before
    # The revoked certificate is still refused: the forged empty list did not un-revoke it.
    assert verify(id_app, "revoked").verdict == "refused"


def test_crl_from_unknown_issuer_and_rollback(id_app: App, pki: cp.TestPki) -> None:
    rogue = cp.make_crl(pki.other_intermediate, [])
    assert identity.accept_crl(id_app, rogue).code == "issuer"
    older = pki.crl(this_update=cp.NOW - timedelta(days=3), number=0)
    assert identity.accept_crl(id_app, older).code == "rollback"
    assert identity.accept_crl(id_app, b"not a crl").code == "format"


def test_no_crl_at_all_is_unknown(make_app: Callable[..., App], card_settings: Settings) -> None:
    app = make_app(card_settings)
    result = verify(app)
    assert result.verdict == "refused"
    assert statuses(result)["revocation_ee"] == "unknown"
    assert statuses(result)["trusted_time"] == "unknown"


def test_clock_set_back_is_untrusted(id_app: App, clock: object) -> None:
    clock.set(cp.NOW - timedelta(days=1))  # type: ignore[attr-defined]
    result = verify(id_app)
    assert statuses(result)["trusted_time"] == "failed"
    assert result.verdict == "refused"


def test_replayed_nonce_is_refused(id_app: App) -> None:
    challenge = identity.start_proof(id_app)
    signature, cert = moica.sign(cp.SOFTHSM_MODULE, "valid", cp.PIN, challenge.nonce)
    kw = {"nonce": challenge.nonce, "signature": signature, "cert": cert, "applicant": HOLDER}
    assert identity.finish_proof(id_app, **kw).verdict == "verified"  # type: ignore[arg-type]
    replay = identity.finish_proof(id_app, **kw)  # type: ignore[arg-type]
    assert replay.verdict == "refused"
    assert statuses(replay)["nonce"] == "failed"
    assert "replay" in replay.report.checks["nonce"].detail


def test_expired_and_foreign_nonces(id_app: App, clock: object) -> None:
    challenge = identity.start_proof(id_app)
    signature, cert = moica.sign(cp.SOFTHSM_MODULE, "valid", cp.PIN, challenge.nonce)
    clock.set(cp.NOW + identity.NONCE_LIFETIME + timedelta(seconds=1))  # type: ignore[attr-defined]
    late = identity.finish_proof(
        id_app, nonce=challenge.nonce, signature=signature, cert=cert, applicant=HOLDER
    )
    assert late.report.checks["nonce"].detail == "nonce expired"
    own = b"\x00" * 32  # never issued by this counter
    sig, _ = moica.sign(cp.SOFTHSM_MODULE, "valid", cp.PIN, own)
    foreign = identity.finish_proof(id_app, nonce=own, signature=sig, cert=cert, applicant=HOLDER)
    assert foreign.report.checks["nonce"].detail == "unknown nonce"


def test_signature_by_another_key_is_refused(id_app: App, pki: cp.TestPki) -> None:
    challenge = identity.start_proof(id_app)
    signature, _ = moica.sign(cp.SOFTHSM_MODULE, "valid", cp.PIN, challenge.nonce)
    other, _ = cp.make_citizen(pki.intermediate)  # same holder data, a different key
    result = identity.finish_proof(
        id_app, nonce=challenge.nonce, signature=signature, cert=other, applicant=HOLDER
    )
    assert statuses(result)["signature"] == "failed" and result.verdict == "refused"


def test_wrong_pin_is_reported_once_with_tries(id_app: App) -> None:
    use_token(id_app, "valid")
    with pytest.raises(identity.PinError) as e:
        identity.verify_moica(id_app, "999999", applicant=HOLDER)
    assert e.value.code == "pin.wrong"
    assert e.value.tries is not None and e.value.tries.state in ("low", "final")
    assert "999999" not in str(e.value) and "999999" not in e.value.message_zh
    status = identity.token_status(id_app)
    assert status.tries.state == "low"
    # The holder types again: a correct PIN works, and the token's counter resets.
    assert identity.verify_moica(id_app, cp.PIN, applicant=HOLDER).verdict == "verified"
    assert identity.token_status(id_app).tries.state == "full"


def test_token_status_reads_certificate_without_pin(id_app: App) -> None:
    status = identity.token_status(id_app)
    assert status.certificate is not None
    assert pkimod.holder_name(status.certificate) == cp.HOLDER_NAME
    assert status.to_json()["pin_tries"] == {"state": "full", "left": 3}


def test_missing_module_and_token(id_app: App) -> None:
    id_app.settings.pkcs11_token_label = "no-such-card"
    with pytest.raises(DomainError) as e:
        identity.verify_moica(id_app, cp.PIN)
    assert e.value.code == "card.absent"
    id_app.settings.pkcs11_module = ""
    with pytest.raises(DomainError) as e:
        identity.token_status(id_app)
    assert e.value.code == "pkcs11.not_configured"


def test_unpinned_anchor_is_not_trusted(pki: cp.TestPki, tmp_path: Path) -> None:
    d = pki.write_anchors(tmp_path / "a")
    (d / "rogue.pem").write_bytes(pki.other_root.pem)
    store = pkimod.TrustStore.load(d)
    assert store.ignored == ("rogue.pem",)
    assert all(c.subject != pki.other_root.cert.subject for c in store.all)
    pins = (d / "pins.sha256").read_text(encoding="utf-8")
    (d / "pins.sha256").write_text(pins + "00" * 32 + " removed cert\n", encoding="utf-8")
    with pytest.raises(pkimod.TrustError):
        pkimod.TrustStore.load(d)


def test_broken_trust_config_is_a_clear_error(id_app: App, tmp_path: Path) -> None:
    id_app.settings.trust_anchor_dir = str(tmp_path / "nothing")
    with pytest.raises(DomainError) as e:
        verify(id_app)
    assert e.value.code == "pki.trust_config"


def test_sda_last4_and_name_parsing(pki: cp.TestPki) -> None:
    cert: x509.Certificate = pki.certs["valid"]
    assert pkimod.id_last4(cert) == "6789"
    assert pkimod.holder_name(cert) == cp.HOLDER_NAME
    assert pkimod.id_last4(pki.intermediate.cert) is None


def test_revoked_intermediate_in_arl(id_app: App, pki: cp.TestPki) -> None:
    arl = cp.make_crl(pki.root, [pki.intermediate.cert.serial_number], number=2)
    assert identity.accept_crl(id_app, arl, "t").accepted
    result = verify(id_app)
    assert result.verdict == "refused"
    assert statuses(result)["revocation_ca"] == "failed"


def test_old_nonces_are_pruned(id_app: App, clock: object) -> None:
    from eservice_desktop.storage.models_identity import IdentityNonceRow

    identity.start_proof(id_app)
    clock.set(cp.NOW + timedelta(days=2))  # type: ignore[attr-defined]
    identity.start_proof(id_app)
    with id_app.reading() as s:
        assert s.query(IdentityNonceRow).count() == 1
