"""The pickup number and short code a citizen reads out when the MMS code will not scan.

A short code is a few characters of the signed code, so it is guessable: after a few wrong
ones within a minute the desk accepts only the QR code for a while. ``services.pickup``
re-exports the reason codes and limits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import PICKUP_NUMBER_SQL, READY_STATUS, CaseRow, EventRow

log = logging.getLogger("eservice.pickup")


UNKNOWN_SHORT_CODE = "unknown_short_code"


SHORT_CODE_LOCKED = "short_code_locked"


#: Wrong short codes a desk accepts within SHORT_CODE_WINDOW before it asks for the QR code.
SHORT_CODE_TRIES = 5


SHORT_CODE_WINDOW = timedelta(minutes=1)


def _token_with(app: App, session: Session, number: str, code: str) -> str:
    """Finds the ready case at this office whose code has this short form."""
    # Spelled as ix_cases_ready_pickup_number is (literal status, same expression), so SQLite
    # reads the few ready cases sharing this pickup number instead of every ready case.
    candidates = session.scalars(
        select(CaseRow.case_id).where(
            CaseRow.pickup_office == app.settings.office_code,
            CaseRow.status == literal_column(f"'{READY_STATUS}'"),
            literal_column(PICKUP_NUMBER_SQL) == number,
        )
    ).all()
    # The latest code each candidate was made ready with, in one read of their events.
    latest: dict[str, str] = {}
    for cid, event_payload in session.execute(
        select(EventRow.case_id, EventRow.payload)
        .where(EventRow.case_id.in_(candidates), EventRow.type == ev.READY_FOR_PICKUP)
        .order_by(EventRow.seq)
    ):
        latest[cid] = event_payload.get("token") or ""
    for cid in candidates:
        token = latest.get(cid)
        if token:
            try:
                if pt.short_code(token) == code:
                    return token
            except DomainError:
                continue
    raise pt.PickupRefused(
        UNKNOWN_SHORT_CODE,
        f"本所待領件案件中查無領件號碼 {code}，請再核對，或請民眾出示簡訊條碼。",
        f"No case ready here has the short code {code}; check it or scan the MMS code.",
    )


def _short_code_failures(app: App) -> list[datetime]:
    recent: list[datetime] = app.extras.setdefault("pickup_short_failures", [])
    cutoff = app.now() - SHORT_CODE_WINDOW
    recent[:] = [t for t in recent if t > cutoff]
    return recent


def _short_code_gate(app: App) -> None:
    """After a few wrong short codes in a minute the desk stops guessing games: only the QR
    code (signed, not guessable) or a supervisor helps now."""
    if len(_short_code_failures(app)) >= SHORT_CODE_TRIES:
        log.warning("pickup short codes locked after %d wrong tries", SHORT_CODE_TRIES)
        raise pt.PickupRefused(
            SHORT_CODE_LOCKED,
            "領件號碼輸入錯誤次數過多，請掃描民眾簡訊中的條碼，或請主管協助；一分鐘後可再輸入。",
            "Too many wrong pickup numbers: scan the code in the citizen's MMS or ask a"
            " supervisor; short codes work again in a minute.",
        )


def _short_code_failed(app: App) -> None:
    _short_code_failures(app).append(app.now())


def token_for_short_code(app: App, session: Session, number: str, code: str) -> str:
    """The code of the ready case at this office whose short form is ``number``/``code``;
    after SHORT_CODE_TRIES wrong ones within SHORT_CODE_WINDOW the desk refuses short codes
    for a while (raises PickupRefused)."""
    _short_code_gate(app)
    try:
        return _token_with(app, session, number, code)
    except pt.PickupRefused:
        _short_code_failed(app)
        raise
