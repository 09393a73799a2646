"""A database written as two counters (opened with ``--device 02`` over counter 01's data
before a database knew its counter) holds events of counter 02 in its outbox. The county takes
a device's events from that device only and refused every push that held one, with a 403 the
counter read as "device credential revoked": counter 01's own events never left again. Now
the push sends this counter's own events, and the others wait apart, counted for IT."""

from __future__ import annotations

from collections.abc import Callable

from operator_support import sign_in
from sqlalchemy import select
from sync_helpers import CountyServer, enrol, local_event_ids, new_case, sync_now
from test_chain_push import _county_rows

from eservice_desktop.config import Settings
from eservice_desktop.county.store import CountyAccessRow
from eservice_desktop.services import access, sync
from eservice_desktop.services.core import App, open_app
from eservice_desktop.services.sync import state
from eservice_desktop.storage.models_audit import AccessLogRow


def _written_as_counter_02(app: App) -> list[str]:
    """An intake and a search (an access record) made in ``app``'s database under counter 02,
    as the old ``--device`` did (the open that now refuses another counter's number is
    skipped: ``migrate=False``); the intake's event ids."""
    before = set(local_event_ids(app))
    s = app.settings
    legacy = open_app(
        Settings(data_dir=s.data_dir, office_code=s.office_code, device_id="02"),
        clock=app.clock,
        migrate=False,
    )
    try:
        sign_in(legacy)
        new_case(legacy)
        access.record(legacy, access.SEARCH, detail="王小明")
    finally:
        legacy.close()
    return sorted(set(local_event_ids(app)) - before)


def test_another_counter_s_events_wait_apart_and_this_counter_s_push_goes_on(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    app = office("H01", "01", url=sqlite_county.url)
    enrol(app, sqlite_county)
    new_case(app)
    strays = _written_as_counter_02(app)
    new_case(app)
    own = sorted(set(local_event_ids(app)) - set(strays))
    assert strays and own

    sync_now(app)  # was: AuthError, 403 "events must come from the pushing device"

    on_county = set(sqlite_county.event_ids())
    assert set(own) <= on_county and not set(strays) & on_county
    with app.reading() as s:
        assert sync.pending_count(s) == 0 and not state.has_pending(s)
        assert state.stray_count(s) == len(strays)
    st = sync.status(app)
    assert st["pending"] == 0 and st["other_counters_pending"] == len(strays)
    assert st["acknowledged"] == len(own) and st["local_events"] == len(own) + len(strays)
    assert st["last_error"] is None

    # the access log's 02 record, made in this database, reaches the county as this
    # counter's, naming the counter it was made under (its events are another matter: the
    # county's device 02 would have them as its own)
    with app.reading() as s:
        assert access.outbox(s, 100) == [] and access.outbox(s, 100, elsewhere=True) == []
        waiting = s.scalars(select(AccessLogRow.device).where(AccessLogRow.acked_at.is_(None)))
        assert list(waiting) == []
    rows = _county_rows(
        sqlite_county,
        select(CountyAccessRow.office, CountyAccessRow.device, CountyAccessRow.recorded_as),
    )
    assert [tuple(r) for r in rows] == [("H01", "01", "H01-02")]  # type: ignore[arg-type]
