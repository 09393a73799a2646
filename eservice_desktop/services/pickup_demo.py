"""Demo pickup codes: in demo mode this device plays the county and signs the codes itself
(real codes come from the county with the ready-for-pickup event). Re-exported by
``services.pickup``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from eservice_desktop.county_link import pickup_crypto
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import (
    READY,
    CaseState,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.pickup_verify import code_expiry
from eservice_desktop.services.cases import record, resolve_case_id
from eservice_desktop.services.core import App
from eservice_desktop.services.pickup_views import office_name, ready_token
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow
from eservice_desktop.storage.models_pickup import CountyKeyRow

#: How long a demo code stays valid: through the end of this many days after it is issued.
DEMO_VALID_DAYS = 30


def _require_demo(app: App) -> None:
    if not app.settings.demo:
        raise DomainError(
            "pickup.demo_only",
            "僅示範模式可在本機簽發領件條碼（正式條碼由縣府簽發）",
            "Codes can be issued here only in demo mode; real codes come from the county",
        )


def ensure_demo_key(app: App) -> pt.CountyKey:
    """The demo county key (private half in DATA_DIR/demo-county-key.pem), public half imported
    as a demo key. Only ever called for demo data."""
    private = pickup_crypto.demo_key(app.settings.data_dir)
    public = pickup_crypto.public_bytes(private)
    key = pt.CountyKey(
        kid=pt.key_id(public),
        public_key=public,
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        demo=True,
    )
    with app.transaction() as s:
        if s.get(CountyKeyRow, key.kid) is None:
            s.add(
                CountyKeyRow(
                    kid=key.kid,
                    alg="Ed25519",
                    public_key=public,
                    not_before=key.not_before,
                    demo=True,
                    imported_at=app.now(),
                )
            )
    return key


def _sign_for(app: App, state: CaseState, pickup_number: str, office: str) -> str:
    return DemoCodes(app).token(state.case_id, state.case_number, office, pickup_number, app.now())


class DemoCodes:
    """The demo county's signer: its key made (and imported as a demo key) once, then a code
    per ready case, issued at the moment it was made ready and valid through the end of the
    DEMO_VALID_DAYS-th day after (``pickup_verify.code_expiry``), as the county issues one with
    its ready-for-pickup event. The demo seed signs every ready
    case's code with it, so each can be scanned or told by its short code at the desk."""

    def __init__(self, app: App) -> None:
        self.kid = ensure_demo_key(app).kid
        self.sign = pickup_crypto.demo_key(app.settings.data_dir).sign

    def token(
        self, case_id: str, case_number: str, office: str, pickup_number: str, at: datetime
    ) -> str:
        issued = at.astimezone(UTC).replace(microsecond=0)
        claims = pt.PickupClaims(
            kid=self.kid,
            case_id=case_id,
            case_number=case_number,
            office=office,
            pickup_number=pickup_number,
            issued_at=issued,
            expires_at=code_expiry(issued, DEMO_VALID_DAYS),
        )
        return pt.encode_token(claims, self.sign)


def issue_demo(app: App, case_number: str, rng: random.Random | None = None) -> dict[str, Any]:
    """Demo county: signs a code for a ready case (or makes a closed case ready with one, at
    the office the applicant chose, as the county does: ``county.push_rows._ready_event``)."""
    _require_demo(app)
    return _issue(app, case_number, rng or random.Random())


def _issue(app: App, case_number: str, rng: random.Random) -> dict[str, Any]:
    with app.reading() as s:
        case_id = resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        stored = ready_token(s, case_id)
    assert state is not None
    if state.lifecycle == READY and stored:
        token = stored
    elif state.lifecycle == READY:
        token = _sign_for(app, state, state.pickup_number or "0000", state.pickup_office)
    else:
        number = f"{rng.randint(0, 9999):04d}"
        # where the applicant collects it (this office made a case for H02 ready here)
        office = state.pickup_office or state.office
        token = _sign_for(app, state, number, office)
        with app.transaction() as s:
            record(
                app,
                s,
                case_id,
                ev.READY_FOR_PICKUP,
                {"office": office, "pickup_number": number, "token": token},
            )
    claims = pt.parse_claims(pt.token_bytes(token))
    return {
        "case_number": state.case_number,
        "payload": token,
        "short_code": pt.short_code(token),
        "office": claims.office,
        "office_name": office_name(app, claims.office),
        "pickup_number": claims.pickup_number,
        "issued_at": claims.issued_at.isoformat(),
        "expires_at": claims.expires_at.isoformat(),
        "kid": claims.kid,
        "demo": True,
    }


def seed_pickup_demo(app: App, count: int, seed: int | None = None) -> int:
    """Makes up to ``count`` closed cases of this office to be collected here ready for pickup
    with demo codes (one the applicant collects at another office is that office's to hand over)."""
    if count <= 0:
        return 0
    rng = random.Random(seed)
    with app.reading() as s:
        numbers = s.scalars(
            select(CaseRow.case_number)
            .where(
                CaseRow.status == "closed",
                CaseRow.office == app.settings.office_code,
                CaseRow.pickup_office == app.settings.office_code,
            )
            .order_by(CaseRow.closed_at.desc())
            .limit(count)
        ).all()
    for number in numbers:
        _issue(app, number, rng)
    return len(numbers)
