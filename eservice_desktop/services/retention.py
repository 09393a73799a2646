"""Retention: personal data of finished cases is pseudonymised on the counter PC.

A case qualifies when it is finished (closed, picked up, rejected or cancelled), last changed
longer ago than ``retention_days`` (default 180), every event of it is acknowledged by the
county (the county keeps the full record; its own retention schedule governs it) and none is
an open sync conflict (refused by the county, which so keeps no copy of it; for a refused
``case.received`` the counter holds the only record of the application). Then, in one
transaction per batch, every event of the case has its personal fields rewritten: the ID
number masked as on receipts (last four characters hidden), the name masked as on queue
screens, phone, e-mail, addresses and the service's own form fields emptied, proxies and card
holders likewise; the ``cases`` projection is rebuilt from the rewritten events, so receipts
reprint with the masked data they already showed and ``backup verify`` still finds
projections equal to their events.
Each rewritten event is marked (``events.pseudonymised_at``): it keeps its hash and its place in
the device's hash chain, and ``audit verify`` checks its links but no longer its content.

This is the one deliberate exception to "events are append-only": the Personal Data Protection
Act (個人資料保護法) Art. 11 para. 3 requires personal data to be deleted or its processing
stopped once the specific purpose is fulfilled, and on the counter the purpose (intake, payment,
pickup, answering the citizen) ends with the case. The default of 180 days keeps the data through
the periods in which a finished case is still commonly worked on at the counter: the 30-day
administrative appeal window (訴願法 Art. 14) and the three months to ask for reopening
(行政程序法 Art. 128), with margin. An office sets ``retention_days`` to its own records policy.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain.case import CANCELLED, CLOSED, PICKED_UP, REJECTED, project
from eservice_desktop.domain.ids import mask_id, mask_name
from eservice_desktop.domain.operators import Action
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import compute_due, compute_on_time
from eservice_desktop.services.operators import require
from eservice_desktop.services.sync.quarantine import PREFIX as PARKED
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow, EventRow
from eservice_desktop.storage.models_sync import SyncConflictRow, SyncReferenceRow

log = logging.getLogger("eservice.retention")

FINISHED = (CLOSED, REJECTED, CANCELLED, PICKED_UP)
#: Payload keys whose string values identify a person (at any depth).
ID_KEYS = {"id", "applicant_id", "national_id", "id_number", "proxy_id", "holder_id"}
NAME_KEYS = {"name", "applicant_name", "proxy_name", "holder", "payer", "payer_name", "subject"}
EMPTY_KEYS = {"phone", "email", "address", "mail_address", "registered_address"}
_ID_SHAPE = re.compile(r"\b[A-Z][A-D1289]\d{8}\b")
BATCH = 200


def _scrub(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if key == "fields":  # the service's own form: addresses, record details
            return {k: "" for k in value}
        return {k: _scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, key) for v in value]
    if not isinstance(value, str) or not value:
        return value
    if key in ID_KEYS:
        return mask_id(value)
    if key in NAME_KEYS:
        return mask_name(value)
    if key in EMPTY_KEYS:
        return ""
    return _ID_SHAPE.sub(lambda m: mask_id(m.group(0)), value)


def _due_cases(app: App, now: datetime | None = None) -> list[str]:
    """Case ids whose personal data is due for pseudonymisation."""
    cutoff = (now or app.now()) - timedelta(days=app.settings.retention_days)
    with app.reading() as s:
        finished = s.execute(
            select(CaseRow.case_id, CaseRow.applicant_id)
            .where(CaseRow.status.in_(FINISHED))
            .where(CaseRow.updated_at < cutoff)
        ).all()
        out = []
        for case_id, applicant_id in finished:
            if "*" in applicant_id:
                continue  # done already
            rows = s.scalars(select(EventRow).where(EventRow.case_id == case_id)).all()
            if not rows or any(r.origin == "local" and r.acked_at is None for r in rows):
                continue  # the county does not have all of it yet
            if _refused(s, case_id):
                continue  # answered, but refused: the county does not have it
            out.append(case_id)
    return out


def _refused(s: Session, case_id: str) -> bool:
    """Whether an event of the case the county refused is still an open conflict (a refusal is
    an answer, so the event counts as acknowledged; the county keeps no copy of it)."""
    return (
        s.scalar(
            select(SyncConflictRow.conflict_id)
            .where(SyncConflictRow.case_id == case_id, SyncConflictRow.resolved_at.is_(None))
            .limit(1)
        )
        is not None
    )


def pseudonymise(app: App, now: datetime | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Pseudonymises every case due; returns how many (``dry_run``: only counts them)."""
    require(app, Action.RETENTION)
    return pseudonymise_scheduled(app, now, dry_run)


def pseudonymise_scheduled(
    app: App, now: datetime | None = None, dry_run: bool = False
) -> dict[str, Any]:
    """The same at the daily closing (services.daily_closing): the office's rule applied on
    schedule, not an operator's request, so no role is asked for."""
    ids = _due_cases(app, now)
    if dry_run:
        return {"due": len(ids), "pseudonymised": 0, "retention_days": app.settings.retention_days}
    done = 0
    for start in range(0, len(ids), BATCH):
        with app.transaction() as s:
            for case_id in ids[start : start + BATCH]:
                rows = s.scalars(
                    select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)
                ).all()
                for r in rows:
                    r.payload = _scrub(dict(r.payload))
                    # the event keeps its place in the hash chain (its hash is over the
                    # original, which the county holds): audit verify checks its links only
                    r.pseudonymised_at = app.now()
                state = project([repo.row_to_event(r) for r in rows])
                due = compute_due(app, state)
                repo.upsert_projection(s, state, due, app.now(), compute_on_time(app, state, due))
                done += 1
    if done:
        log.info("retention: personal data of %d finished cases pseudonymised", done)
    _scrub_parked(app, (now or app.now()) - timedelta(days=app.settings.retention_days))
    return {"due": len(ids), "pseudonymised": done, "retention_days": app.settings.retention_days}


def _scrub_parked(app: App, cutoff: datetime) -> None:
    """Pulled events set aside (``parked:`` rows, services/sync/quarantine.py) older than the
    cutoff keep their reason and envelope but no personal data: they name people of cases
    this office may never hold, and nothing else ever removed them. Their unreadable raw text
    is dropped whole (no field of it can be told apart)."""
    with app.transaction() as s:
        rows = s.scalars(
            select(SyncReferenceRow).where(
                SyncReferenceRow.name.startswith(PARKED), SyncReferenceRow.updated_at < cutoff
            )
        ).all()
        for r in rows:
            data = dict(r.data) if isinstance(r.data, dict) else {}
            if not data.get("pseudonymised_at"):
                data = _scrub(data) | ({"raw": ""} if "raw" in data else {})
                r.data = data | {"pseudonymised_at": app.now().isoformat()}
