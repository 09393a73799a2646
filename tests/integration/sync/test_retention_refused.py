"""Retention leaves alone a case the county refused: a refusal is an answer (the event counts
as acknowledged), but the county keeps no copy of a refused event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sync_helpers import CountyServer, enrol, new_case, pending, sync_now

from eservice_desktop.domain import events as ev
from eservice_desktop.services import cases, retention
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import conflicts
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncConflictRow


def test_a_case_with_an_open_refusal_keeps_its_personal_data(
    office: Callable[..., App],
    sqlite_county: CountyServer,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    """A case whose events the county refused (here its fee, as a value stored before today's
    rules; after a restore without `sync recover`, a case.received under a number the county
    already held), rejected and left 181 days: `db retention` masked the applicant's ID, name,
    phone and address although the county had never taken the refused events and the
    conflict was still listed for IT. It waits now until the conflict is resolved."""
    app = office("H01", "01", sqlite_county.url)
    enrol(app, sqlite_county)
    refused, kept = new_case(app), new_case(app)
    case_id = cases.load_case(app, refused).case_id
    with app.transaction() as s:
        row = s.scalar(
            select(EventRow).where(EventRow.case_id == case_id, EventRow.type == ev.FEE_ASSESSED)
        )
        assert row is not None
        row.payload = {**row.payload, "subtotal": -15, "total": -15}
    for number in (refused, kept):
        cases.reject_case(app, number, "不符申請資格")
    assert sync_now(app).conflicts >= 1
    sync_now(app)
    assert pending(app) == 0  # every event answered: the refused one too
    later = clock.now + timedelta(days=app.settings.retention_days + 1)

    assert retention.pseudonymise(app, now=later)["pseudonymised"] == 1
    rows = {r.case_number: r for r in cases.queue(app, "all")}
    assert rows[kept].applicant_name == "王○明"
    assert rows[refused].applicant_name == "王小明"  # the conflict is open
    assert cases.show_case(app, refused).applicant_id == "A123456789"

    with app.reading() as s:
        open_ids = s.scalars(
            select(SyncConflictRow.conflict_id).where(
                SyncConflictRow.case_id == case_id, SyncConflictRow.resolved_at.is_(None)
            )
        ).all()
    for conflict_id in open_ids:
        conflicts.resolve_conflict(app, conflict_id, "已與縣府確認，規費由縣府更正")
    sync_now(app)
    assert retention.pseudonymise(app, now=later + timedelta(days=1))["pseudonymised"] == 1
    assert cases.show_case(app, refused).applicant_id == "A12345****"
