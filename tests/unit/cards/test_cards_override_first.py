"""A supervisor's override of an unknown revocation status (``card verify --approver``) is
checked before anything of the proof: no nonce issued or spent, no PIN sent to the card."""

from __future__ import annotations

import pytest
from approvals_support import CLERK, CLERK_PASSWORD, SUPERVISOR, add_accounts
from sqlalchemy import select

from eservice_desktop.devices import moica
from eservice_desktop.domain.errors import AuthError
from eservice_desktop.services import identity
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_identity import IdentityNonceRow

REFUSED = [
    (identity.Override(SUPERVISOR, "ARL mirror down", "wrong-pass-1"), "auth.bad_password"),
    (identity.Override(CLERK, "ARL mirror down", CLERK_PASSWORD), "auth.forbidden"),
    (identity.Override("tester", "ARL mirror down", "whatever-1"), "auth.self_approval"),
]


def _nonces(app: App) -> list[IdentityNonceRow]:
    with app.reading() as s:
        return list(s.scalars(select(IdentityNonceRow)))


def test_a_bad_approver_is_refused_before_the_card_signs(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The citizen typed the PIN, the card signed and the nonce was issued; only then came
    # "only a supervisor can approve".
    def never(*a: object, **k: object) -> None:
        raise AssertionError("the card was asked")

    monkeypatch.setattr(identity, "trust_store", lambda settings: None)
    monkeypatch.setattr(moica, "sign", never)
    add_accounts(app)
    for override, reason in REFUSED:
        with pytest.raises(AuthError) as e:
            identity.verify_moica(app, "123456", override=override)
        assert e.value.reason == reason
    assert _nonces(app) == []


def test_a_bad_approver_leaves_the_nonce_unspent(app: App) -> None:
    add_accounts(app)
    challenge = identity.start_proof(app)
    for override, reason in REFUSED:
        with pytest.raises(AuthError) as e:
            identity.finish_proof(
                app,
                nonce=challenge.nonce,
                signature=b"\0" * 64,
                cert=None,  # type: ignore[arg-type]  # never reached
                applicant=None,
                override=override,
            )
        assert e.value.reason == reason
    assert [n.used_at for n in _nonces(app)] == [None]


def test_an_approver_out_of_the_cases_scope_is_refused_before_the_card_signs(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scope is held at the record (services/approvals.py); checked there only, the
    citizen's PIN went to the card and the nonce was spent for an approval refused after."""
    from factories import request
    from operator_support import chose_own

    from eservice_desktop.domain.operators import Role
    from eservice_desktop.services import intake, operators

    def never(*a: object, **k: object) -> None:
        raise AssertionError("the card was asked")

    monkeypatch.setattr(identity, "trust_store", lambda settings: None)
    monkeypatch.setattr(moica, "sign", never)
    add_accounts(app)
    me = app.operator
    operators.create_operator(
        app, "super05", "張主管", [Role.SUPERVISOR], "super-secret-5", departments=["HR-MOICA-CARD"]
    )
    chose_own(app, "super05")
    app.operator = me
    number = intake.intake(app, request()).case_number  # HR-TRANSCRIPT
    override = identity.Override("super05", "ARL mirror down", "super-secret-5")
    with pytest.raises(AuthError) as e:
        identity.verify_moica(app, "123456", case_number=number, override=override)
    assert (e.value.reason, e.value.extra["service"]) == ("auth.forbidden", "HR-TRANSCRIPT")
    assert _nonces(app) == []
    challenge = identity.start_proof(app)
    with pytest.raises(AuthError):
        identity.finish_proof(
            app,
            nonce=challenge.nonce,
            signature=b"\0" * 64,
            cert=None,  # type: ignore[arg-type]  # never reached
            applicant=None,
            case_number=number,
            override=override,
        )
    assert [n.used_at for n in _nonces(app)] == [None]
