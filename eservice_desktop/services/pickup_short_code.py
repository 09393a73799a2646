"""The pickup number and short code a citizen reads out when the MMS code will not scan.

A short code is a few characters of the signed code, so it is guessable: after a few wrong
ones within a minute the desk accepts only the QR code for a while. ``services.pickup``
re-exports the reason codes and limits.

A short code of a code this desk was sent but that cannot be handed over (replaced by a
newer notice, its case collected, withdrawn or moved, the code expired) is that code, and
is refused as its QR code is: it was answered "no such short code" and counted as a wrong
guess, and the citizen holding yesterday's MMS was told to check a number she had read out
right, one of the few tries before the desk locked short codes for everyone.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, literal_column, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.pickup_verify import VALID_DAYS
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import PICKUP_NUMBER_SQL, READY_STATUS, CaseRow, EventRow
from eservice_desktop.storage.models_sync import SyncStateRow

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
        if token and _short_of(token) == code:
            return token
    sent = _code_sent(app, session, number, code)
    if sent is not None:
        return sent
    raise pt.PickupRefused(
        UNKNOWN_SHORT_CODE,
        f"本所待領件案件中查無領件號碼 {code}，請再核對，或請民眾出示簡訊條碼。",
        f"No case ready here has the short code {code}; check it or scan the MMS code.",
    )


def _short_of(token: str) -> str:
    try:
        return pt.short_code(token)
    except DomainError:  # a stored code no desk can read
        return ""


#: How far back the codes sent are searched for a short code no ready case has: a code is
#: good through the 30th day after its issue (``pickup_verify.code_expiry``), so an older one
#: is expired whatever it was; two days more, so one just past its date is said expired.
SENT_WITHIN = timedelta(days=VALID_DAYS + 2)


def _code_sent(app: App, session: Session, number: str, code: str) -> str | None:
    """The code, among those the county sent with a ready event in ``SENT_WITHIN`` (any
    case, any office), whose short form is ``number``/``code``; None when there is none. Its
    checks then say what became of it (replaced, collected, ended, moved, expired). One range
    of ``ix_events_type_at``, the pickup number read out of the payloads in it (a wrong short
    code costs a read of the ready events of those days; a right one never gets here)."""
    rows = session.execute(
        select(EventRow.seq, EventRow.payload).where(
            EventRow.type == ev.READY_FOR_PICKUP,
            EventRow.at >= app.now() - SENT_WITHIN,
            # the quoted number in the stored text first (four digits: no LIKE wildcard),
            # half the time of reading every payload's JSON; then the field itself
            cast(EventRow.payload, String).like(f'%"{number}"%'),
            func.json_extract(EventRow.payload, "$.pickup_number") == number,
        )
    ).all()
    for _seq, payload in sorted(rows, key=lambda r: -r[0]):  # the latest first
        token = str(payload.get("token") or "")
        if token and _short_of(token) == code:
            return token
    return None


#: Where the desk keeps the times of its recent wrong short codes (``sync_state``, a JSON list
#: of ISO times): in the database, so a new process (each ``pickup verify`` or ``handover``
#: on the command line, a restarted window) does not start guessing afresh.
FAILURES_STATE = "pickup.short_code_failures"


def _short_code_failures(app: App, session: Session) -> list[datetime]:
    row = session.get(SyncStateRow, FAILURES_STATE)
    try:
        times = [datetime.fromisoformat(str(t)) for t in json.loads(row.value)] if row else []
    except (ValueError, TypeError):  # unreadable: counted as the most a window may hold
        times = [app.now()] * SHORT_CODE_TRIES
    cutoff = app.now() - SHORT_CODE_WINDOW
    return [t for t in times if t.tzinfo is not None and cutoff < t <= app.now()]


def record_short_code_failure(app: App, session: Session) -> None:
    """Counts a wrong short code, in the caller's write transaction (``handover``'s, or one of
    its own after ``verify``'s read)."""
    now = app.now()
    times = [*_short_code_failures(app, session), now][-SHORT_CODE_TRIES:]
    value = json.dumps([t.isoformat() for t in times])
    row = session.get(SyncStateRow, FAILURES_STATE)
    if row is None:
        session.add(SyncStateRow(name=FAILURES_STATE, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now


def _short_code_gate(app: App, session: Session) -> None:
    """After a few wrong short codes in a minute the desk stops guessing games: only the QR
    code (signed, not guessable) or a supervisor helps now."""
    if len(_short_code_failures(app, session)) >= SHORT_CODE_TRIES:
        log.warning("pickup short codes locked after %d wrong tries", SHORT_CODE_TRIES)
        raise pt.PickupRefused(
            SHORT_CODE_LOCKED,
            "領件號碼輸入錯誤次數過多，請掃描民眾簡訊中的條碼，或請主管協助；一分鐘後可再輸入。",
            "Too many wrong pickup numbers: scan the code in the citizen's MMS or ask a"
            " supervisor; short codes work again in a minute.",
        )


def token_for_short_code(app: App, session: Session, number: str, code: str) -> str:
    """The code of the ready case at this office whose short form is ``number``/``code``;
    after SHORT_CODE_TRIES wrong ones within SHORT_CODE_WINDOW the desk refuses short codes
    for a while (raises PickupRefused). A wrong one raises ``unknown_short_code``, which the
    caller counts (:func:`record_short_code_failure`)."""
    _short_code_gate(app, session)
    return _token_with(app, session, number, code)
