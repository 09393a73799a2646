"""The MMS pickup desk: verify a scanned code offline and hand the documents over once.

Every check runs against this office's own database and the county keys already synced, so the
desk keeps working with the network down. The handover writes the ``case.picked_up`` event and
the ``pickup_consumed`` row in ONE transaction (SQLite ``BEGIN IMMEDIATE`` queues the second
desk; the UNIQUE constraints stop it if anything else slipped through), so a code hands the
documents over exactly once however many desks scan it.

Refusals come back as a :class:`PickupResult` with ``ok=False``, a stable ``reason`` code and a
zh-TW/English message that says what happened and what to do, never as an exception: the desk
shows them, it does not crash on them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import (
    APPROVE_HANDOVER_WITH_BALANCE,
    CaseState,
    fees_due_error,
)
from eservice_desktop.domain.case import FEES_DUE as _FEES_DUE
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import pickup_views, restore_guard
from eservice_desktop.services.approvals import Approval, Granted, append_approved, grant
from eservice_desktop.services.cases import append
from eservice_desktop.services.core import App, DbStep, run_here
from eservice_desktop.services.operators import require
from eservice_desktop.services.pickup_checks import (
    ALREADY_PICKED_UP,
    CASE_MISMATCH,
    NOT_READY,
    NOT_SYNCED,
    check_code,
    check_collector_for,
    collector_entry,
    validate_collector,
)
from eservice_desktop.services.pickup_demo import (
    DEMO_VALID_DAYS,
    ensure_demo_key,
    issue_demo,
    seed_pickup_demo,
)
from eservice_desktop.services.pickup_prints import (
    mms_png,
    pickup_record,
    slip_fields,
    slip_pdf,
    stored_token,
)
from eservice_desktop.services.pickup_short_code import (
    SHORT_CODE_LOCKED,
    SHORT_CODE_TRIES,
    SHORT_CODE_WINDOW,
    UNKNOWN_SHORT_CODE,
    record_short_code_failure,
    token_for_short_code,
)
from eservice_desktop.services.pickup_views import (
    PickupCaseView,
    ReadyRow,
    also_ready_note,
    case_view,
    office_name,
    ready_cases,
    ready_list,
    ready_token,
    ready_total,
    roc_date,
    roc_datetime,
)
from eservice_desktop.services.projections import token_digest
from eservice_desktop.storage import repo

#: The code checks, views, short codes, demo codes and prints live in pickup_checks,
#: pickup_views, pickup_short_code, pickup_demo and pickup_prints; all importable from here.
__all__ = [
    "ALREADY_PICKED_UP",
    "CASE_MISMATCH",
    "DEMO_VALID_DAYS",
    "FEES_DUE",
    "NOT_AT_COUNTY",
    "NOT_READY",
    "NOT_SYNCED",
    "OFFLINE",
    "SHORT_CODE_LOCKED",
    "SHORT_CODE_TRIES",
    "SHORT_CODE_WINDOW",
    "TAIPEI",
    "UNKNOWN_SHORT_CODE",
    "PickupCaseView",
    "PickupResult",
    "ReadyRow",
    "case_view",
    "collector_entry",
    "ensure_demo_key",
    "fees_due_result",
    "fetch_online",
    "hand_over_checked",
    "handover",
    "issue_demo",
    "mms_png",
    "office_name",
    "pickup_record",
    "ready_cases",
    "ready_list",
    "ready_token",
    "ready_total",
    "record_short_code_failure",
    "roc_date",
    "roc_datetime",
    "seed_pickup_demo",
    "slip_fields",
    "slip_pdf",
    "stored_token",
    "token_for_short_code",
    "validate_collector",
    "verify",
]

log = logging.getLogger("eservice.pickup")


FEES_DUE = _FEES_DUE


@dataclass(frozen=True)
class PickupResult:
    """Outcome of a scan or a handover; ``reason`` is ``ok`` when nothing was refused."""

    ok: bool
    reason: str
    message_zh: str
    message_en: str
    case_number: str | None = None
    case: PickupCaseView | None = None
    details: dict[str, str] = field(default_factory=dict)
    handed_over: bool = False
    event_id: str | None = None
    via: str = ""

    def message(self, lang: str) -> str:
        return self.message_zh if lang.lower().startswith("zh") else self.message_en

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- checks


def refused_result(
    app: App, session: Session | None, e: pt.PickupRefused, via: str = ""
) -> PickupResult:
    """A refusal as the desk shows it, with the case it names (ID masked) when there is one;
    ``via`` the way the citizen came (the ID-card path names itself)."""
    number = e.details.get("case_number")
    view = None
    if number and session is not None:
        case_id = repo.case_id_by_number(session, number)
        st = repo.load_state(session, case_id) if case_id else None
        view = case_view(app, st) if st else None
    return PickupResult(
        ok=False,
        reason=e.reason,
        message_zh=e.message_zh,
        message_en=e.message_en,
        case_number=number,
        case=view,
        details=dict(e.details),
        via=via,
    )


def verify(app: App, payload: str) -> PickupResult:
    """Scan → everything the desk must know before handing over; writes the view of the case
    the code names (``pickup_views.record_scan``) and the count of a wrong short code."""
    require(app, Action.HANDOVER)
    refused: PickupResult | None = None
    with app.reading() as s:
        try:
            c = check_code(app, s, payload)
        except pt.PickupRefused as e:
            refused = refused_result(app, s, e)
        else:
            view = case_view(app, c.state)
    if refused is not None:
        if refused.reason == UNKNOWN_SHORT_CODE:
            with app.transaction() as s:
                record_short_code_failure(app, s)
        return pickup_views.record_scan(app, refused)
    if view.balance > 0:
        return pickup_views.record_scan(app, fees_due_result(app, c.state, c.via))
    return pickup_views.record_scan(
        app,
        PickupResult(
            ok=True,
            reason="ok",
            message_zh=f"條碼有效：案件 {view.case_number}，請核對後交付文件。",
            message_en=f"Valid code for case {view.case_number}; check and hand over.",
            case_number=view.case_number,
            case=view,
            via=c.via,
        ),
    )


def fees_due_result(app: App, state: CaseState, via: str) -> PickupResult:
    """Nothing leaves the office unpaid: the amount and the way to pay (F6 opens the payment page
    for the case on the desk)."""
    e = fees_due_error(state.balance, ev.PICKED_UP)
    return PickupResult(
        ok=False,
        reason=FEES_DUE,
        message_zh=e.message_zh,
        message_en=e.message_en,
        case_number=state.case_number,
        case=case_view(app, state),
        details={"case_number": state.case_number, "amount": str(state.balance)},
        via=via,
    )


def handover(
    app: App,
    payload: str,
    collected_by: Mapping[str, Any] | None = None,
    *,
    approval: Approval | None = None,
) -> PickupResult:
    """Verifies again inside the write transaction and records the pickup once.

    ``collected_by`` is None for the applicant in person, or ``{"name", "id", "relation"?}`` for
    someone collecting on their behalf (ID validated). Raises DomainError only for a bad
    collector entry (none at all for a business applicant: ``pickup.collector_required``) or a
    refused ``approval``; every refusal of the code itself is a result.
    With fees still due the result is ``fees_due`` unless a supervisor approved handing over
    anyway (``approval``, recorded just before the handover; ignored when nothing is due)."""
    require(app, Action.HANDOVER)
    by = validate_collector(collected_by)
    granted = None
    if approval is not None:
        granted = grant(app, approval, APPROVE_HANDOVER_WITH_BALANCE)
    try:
        done = _record_handover(app, payload, by, granted)
    except IntegrityError:
        # Another desk consumed the code between our check and our insert.
        with app.reading() as s:
            try:
                check_code(app, s, payload)
            except pt.PickupRefused as e:
                return pickup_views.record_scan(app, refused_result(app, s, e))
        raise
    if done.handed_over:
        log.info("pickup handed over (via %s)", done.via)
        return done
    return pickup_views.record_scan(app, done)  # a refusal shows as a scan (no verify first)


def _record_handover(
    app: App, payload: str, by: dict[str, Any], granted: Granted | None
) -> PickupResult:
    """Checks the code again and appends ``case.picked_up`` in one transaction; the ingest
    writes the pickup_consumed row (unique per code and per case). A supervisor's approval is
    recorded just before it when fees are still due, and dropped when nothing is."""
    with app.transaction() as s:
        try:
            c = check_code(app, s, payload)
        except pt.PickupRefused as e:
            if e.reason == UNKNOWN_SHORT_CODE:
                record_short_code_failure(app, s)
            return refused_result(app, s, e)
        return hand_over_checked(
            app,
            s,
            c.state,
            by=by,
            granted=granted,
            via=c.via,
            extra={"kid": c.claims.kid, "token_sha256": token_digest(c.token)},
        )


def hand_over_checked(
    app: App,
    s: Session,
    state: CaseState,
    *,
    by: dict[str, Any],
    granted: Granted | None,
    via: str,
    extra: Mapping[str, Any],
) -> PickupResult:
    """The handover of a case its path (a code, the ID card) has just checked, in the
    caller's write transaction: a business applicant's documents go to a named collector,
    nothing leaves unpaid without the supervisor's approval (recorded just before it, dropped
    when nothing is due), then ``case.picked_up`` (``by``, ``via`` and the path's ``extra``)."""
    check_collector_for(state, by)
    if state.balance <= 0:
        granted = None
    elif granted is None:
        return fees_due_result(app, state, via)
    else:
        granted = replace(granted, target=state.case_number)
    event = app.actor.event(state.case_id, ev.PICKED_UP, app.now(), {"by": by, "via": via, **extra})
    view = case_view(app, append_approved(app, s, state, event, granted))
    also_zh, also_en = also_ready_note(app, s, state)  # a citizen with two cases ready here
    return PickupResult(
        ok=True,
        reason="ok",
        message_zh=f"已完成交付：案件 {view.case_number}。{also_zh}",
        message_en=f"Handed over: case {view.case_number}.{also_en}",
        case_number=view.case_number,
        case=view,
        handed_over=True,
        event_id=event.event_id,
        via=via,
    )


OFFLINE = "offline"
NOT_AT_COUNTY = "not_at_county"


def fetch_online(app: App, payload: str, *, db: DbStep = run_here) -> PickupResult:
    """For ``not_synced``: asks the county for the case (when the network is there), stores its
    events like a sync pull would, then verifies again. Only a code that passed every offline
    check except the local case is looked up, so a forged code never causes a request. The
    desk runs this on its I/O pool with ``db`` its database writer: a county slow to answer
    (up to a minute) must not hold up the next citizen's scan behind it."""
    require(app, Action.HANDOVER)
    first: PickupResult = db(verify, app, payload)
    if first.reason != NOT_SYNCED:
        return first
    claims = pt.parse_claims(pt.token_bytes(payload))
    from eservice_desktop.county_link.client import SyncError
    from eservice_desktop.services import sync

    try:
        # the credential from the keyring on the writer, as every keyring call of the window
        # is: the I/O pool asked it itself (a keyring backend is not for any thread)
        client = db(sync.make_client, app)
        try:
            data = client.case(claims.case_id)
        finally:
            client.close()
    except (SyncError, OSError) as e:
        log.info("online pickup look-up failed: %s", type(e).__name__)
        return PickupResult(
            ok=False,
            reason=OFFLINE,
            message_zh="目前無法連線縣府查詢此案件，請稍後再試，或請民眾改日再來。",
            message_en="The county cannot be reached to look the case up; try again later.",
            case_number=claims.case_number,
            details={"case_number": claims.case_number},
        )
    if not data or not data.get("events"):
        return PickupResult(
            ok=False,
            reason=NOT_AT_COUNTY,
            message_zh=f"縣府查無案件 {claims.case_number} 分送本所的資料，請洽原收件機關。",
            message_en=f"The county has no record of case {claims.case_number} for this office.",
            case_number=claims.case_number,
            details={"case_number": claims.case_number},
        )
    db(_store_county_events, app, claims.case_id, data["events"])
    result: PickupResult = db(verify, app, payload)
    return result


def _store_county_events(app: App, case_id: str, events: list[dict[str, Any]]) -> None:
    """The case's events as the county sent them, stored like a sync pull (origin county).
    Not on a restored database the county has not yet recovered (``restore.recover_pending``,
    services/restore_guard.py): a case of this very counter, taken after the backup, was stored
    so, as pulled, and the recovery then passed its events by as known; this counter's chain
    head stayed before them and the county refused every later event as a broken chain."""
    stored = 0
    with app.transaction() as s:
        restore_guard.check(s)
        state = repo.load_state(s, case_id)
        for raw in events:
            event = ev.Event.from_dict(raw)
            if event.case_id != case_id or repo.has_event(s, event.event_id):
                continue
            state = append(app, s, event, state, origin="county")
            stored += 1
    log.info("online pickup look-up stored %d events", stored)
