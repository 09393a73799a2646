"""Issue 13, tamper evidence at the county: it checks every pushed event's hash chain and
refuses a broken link as a conflict the office sees (sync conflicts, the case's timeline)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import create_engine, select
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, enrol, new_case, pending, sync_now

from eservice_desktop.county.store import ConflictRow, CountyChainHeadRow, CountyChainRow
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.status import status as sync_status
from eservice_desktop.storage import db
from eservice_desktop.storage.models import EventRow


def _county_rows(server: CountyServer, stmt: object) -> list[object]:
    engine = create_engine(server.db_url)
    try:
        with engine.connect() as c:
            return list(c.execute(stmt).all())  # type: ignore[call-overload]
    finally:
        engine.dispose()


def _unpushed(app: App) -> list[EventRow]:
    with app.reading() as s:
        return list(
            s.scalars(
                select(EventRow)
                .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
                .order_by(EventRow.seq)
            )
        )


def _raw(app: App, sql: str, *params: object) -> None:
    conn = db.raw_connect(app.settings)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def _conflicts(app: App) -> dict[str, str]:
    """Open conflicts at the office: event id -> reason code."""
    from eservice_desktop.storage.models_sync import SyncConflictRow

    with app.reading() as s:
        return {r.event_id: r.reason_code for r in s.scalars(select(SyncConflictRow))}


def test_an_intact_chain_is_accepted_and_kept(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    new_case(h01)
    new_case(h01)
    local = _unpushed(h01)
    result = sync_now(h01)
    assert (result.pushed, result.conflicts, pending(h01)) == (len(local), 0, 0)
    kept = dict(
        _county_rows(sqlite_county, select(CountyChainRow.event_id, CountyChainRow.hash))  # type: ignore[arg-type]
    )
    assert kept == {r.event_id: r.hash for r in local}
    head = _county_rows(sqlite_county, select(CountyChainHeadRow.hash, CountyChainHeadRow.length))
    assert head == [(local[-1].hash, len(local))]


def test_a_deleted_event_is_refused_as_a_conflict(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    new_case(h01)
    assert sync_now(h01).conflicts == 0
    new_case(h01)
    later = new_case(h01)
    rows = _unpushed(h01)  # received + fee of two cases
    gone, follower = rows[1], rows[2]
    _raw(h01, "DELETE FROM events WHERE event_id = ?", gone.event_id)

    result = sync_now(h01)
    assert result.conflicts >= 1
    assert _conflicts(h01)[follower.event_id] == "chain.broken"
    county = dict(
        _county_rows(sqlite_county, select(ConflictRow.event_id, ConflictRow.reason_code))  # type: ignore[arg-type]
    )
    assert county[follower.event_id] == "chain.broken"
    # the office sees it: listed among the open conflicts, on the case it belongs to
    reasons = [v.reason for v in sync.open_conflicts(h01, "en") if v.case_number == later]
    assert any("deleted" in r for r in reasons), reasons
    assert follower.case_id == cases.load_case(h01, later).case_id
    # and the chain goes on from there: what the office does next is accepted
    new_case(h01)
    assert sync_now(h01).pushed >= 2


def test_an_edited_event_is_refused_as_a_conflict(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    received = _unpushed(h01)[0]
    _raw(
        h01,
        "UPDATE events SET payload = json_set(payload, '$.applicant.name', '王大明')"
        " WHERE event_id = ?",
        received.event_id,
    )
    sync_now(h01)
    assert _conflicts(h01)[received.event_id] == "chain.edited"
    assert received.event_id not in set(sqlite_county.event_ids())
    assert number in {v.case_number for v in sync.open_conflicts(h01)}


def test_the_access_log_reaches_the_county(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    from eservice_desktop.county.store import CountyAccessRow

    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    cases.show_case(h01, number)
    cases.search_page(h01, "王小")
    result = sync_now(h01)
    assert result.access == 2
    stored = _county_rows(
        sqlite_county,
        select(
            CountyAccessRow.action, CountyAccessRow.operator, CountyAccessRow.case_number
        ).order_by(CountyAccessRow.at),
    )
    assert stored == [("view", "tester", number), ("search", "tester", "")]
    assert sync_now(h01).access == 0  # acknowledged: not sent again


def test_account_changes_reach_the_county(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """An office's account records (services/operators_audit.py) are pushed like the others and
    stored at the county with their chain links; the office's chain still verifies."""
    from eservice_desktop.county.store import CountyAccessRow
    from eservice_desktop.domain.operators import Operator, Role
    from eservice_desktop.services import access, operators

    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    h01.operator = Operator("boss", "林主任", frozenset({Role.ADMIN}))
    operators.create_operator(h01, "clerk07", "王承辦", [Role.CLERK], "correct horse 1")
    operators.set_roles(h01, "clerk07", ["clerk", "supervisor"], name="王大明")
    operators.deactivate(h01, "clerk07")
    h01.operator = None  # the sync service
    record = {"account": "county01", "roles": ["pickup"], "password_hash": "$argon2id$x"}
    operators.upsert_provisioned(h01, [record])
    with h01.reading() as s:
        local = [(r.access_id, r.hash) for r in access.outbox(s, 100)]
    result = sync_now(h01)
    assert result.access == 4
    rows = _county_rows(
        sqlite_county,
        select(
            CountyAccessRow.access_id,
            CountyAccessRow.hash,
            CountyAccessRow.action,
            CountyAccessRow.operator,
            CountyAccessRow.detail,
        ),
    )
    stored = {r[0]: r[1:] for r in rows}  # type: ignore[index]
    assert [(i, stored[i][0]) for i, _h in local] == local  # with their chain links
    assert [stored[i][1:] for i, _h in local] == [
        ("account", "boss", "created clerk07: roles clerk; scope *; must change"),
        ("account", "boss", "changed clerk07: roles clerk→clerk,supervisor; name changed"),
        ("account", "boss", "disabled clerk07"),
        ("account", "device:01", "provisioned county01: new; roles pickup; scope *"),
    ]
    with h01.reading() as s:
        assert access.first_break(s) is None and access.outbox(s, 100) == []
    assert sync_now(h01).access == 0


def test_access_records_a_county_refuses_wait_and_the_round_goes_on(
    office: Callable[..., App], sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    """A county older than the ``account`` action refuses the whole access batch (422): the
    records wait, unacknowledged, the rest of the round still runs (the operators pulled), and
    a county that takes them later gets them all."""
    from eservice_desktop.domain.operators import Operator, Role
    from eservice_desktop.services import access, operators

    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    h01.settings.county_url = proxy.url
    h01.operator = Operator("boss", "林主任", frozenset({Role.ADMIN}))
    operators.create_operator(h01, "clerk07", "王承辦", [Role.CLERK], "correct horse 1")
    proxy.add("error422", path="/v1/access")
    result = sync_now(h01)  # was: RequestRefused, the round failed before its pull every time
    assert result.access == 0
    assert ("error422", "POST /v1/access HTTP/1.1") in proxy.log
    assert any("/v1/operators" in line for _f, line in proxy.log)  # the round went on
    with h01.reading() as s:
        assert [r.detail for r in access.outbox(s, 100)] == [
            "created clerk07: roles clerk; scope *; must change"
        ]
    assert sync_now(h01).access == 1
    with h01.reading() as s:
        assert access.outbox(s, 100) == []


def test_a_county_older_than_the_sign_ins_still_gets_the_views_after_them(
    office: Callable[..., App], sqlite_county: CountyServer, proxies: list[FaultProxy]
) -> None:
    """An office upgraded before its county logs sign-ins (``signin``) the county cannot read
    yet and refuses whole in any batch. The records of the actions it does read still reach
    it: before, the morning's first sign-in held back every view, search and print after it
    until the county's upgrade, weeks without them in the county's ``access --subject``."""
    from eservice_desktop.county.store import CountyAccessRow
    from eservice_desktop.services import access, operators_audit

    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    h01.settings.county_url = proxy.url
    number = new_case(h01)
    with h01.transaction() as s:
        operators_audit.signed_in(h01, s, "tester")
    cases.show_case(h01, number)
    cases.search_page(h01, "王小")
    with h01.transaction() as s:
        operators_audit.signed_out(h01, s, "tester", "idle")
    cases.show_case(h01, number)
    proxy.add("error422", path="/v1/access", times=1000, body=b'"signin"')

    assert sync_now(h01).access == 3
    stored = _county_rows(sqlite_county, select(CountyAccessRow.action))
    assert sorted(a for (a,) in stored) == ["search", "view", "view"]
    with h01.reading() as s:
        assert [r.action for r in access.outbox(s, 100)] == ["signin", "signin"]
    cases.show_case(h01, number)  # the next round sends what came since, the sign-ins wait
    assert sync_now(h01).access == 1
    with h01.reading() as s:
        assert [r.action for r in access.outbox(s, 100)] == ["signin", "signin"]
    # IT sees them wait (`sync status`): the rounds succeeded and said nothing of them
    assert sync_status(h01)["access_pending"] == 2

    proxy.rules.clear()  # the county upgraded
    assert sync_now(h01).access == 2
    with h01.reading() as s:
        assert access.outbox(s, 100) == [] and access.first_break(s) is None
    assert sync_status(h01)["access_pending"] == 0
    actions = _county_rows(sqlite_county, select(CountyAccessRow.action))
    assert sorted(a for (a,) in actions) == ["search", "signin", "signin", "view", "view", "view"]
