"""The bulk demo path writes exactly what the domain fold would project from its events."""

from __future__ import annotations

import itertools
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import project
from eservice_desktop.services import daily_closing, operators
from eservice_desktop.services.cases import compute_due
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow, EventRow
from eservice_desktop.storage.models_payments import ReceiptRow

TAIPEI = ZoneInfo("Asia/Taipei")


def test_bulk_rows_match_the_domain_projection(app: App):
    result = seed_demo_bulk(app, 400, seed=11, days=30, batch=150)
    assert result["total_cases"] == 400
    assert len(result["by_status"]) >= 5  # every outcome shows up
    with app.reading() as s:
        rows = s.scalars(select(CaseRow)).all()
        assert len(rows) == 400
        for row in rows:
            state = project(repo.events_for(s, row.case_id))
            assert row.case_number == state.case_number
            assert row.status == state.status
            assert (row.fees_due, row.paid) == (state.fees_due, state.paid)
            assert row.applicant_id == state.applicant_id
            assert row.applicant_name == state.applicant_name
            assert repo.aware(row.received_at) == state.received_at
            assert row.due_date == compute_due(app, state)
            assert (repo.aware(row.closed_at) if row.closed_at else None) == state.closed_at
            assert row.state == repo.state_summary(state)
            assert row.received_day == state.received_at.astimezone(TAIPEI).date()
    numbers = sorted(r.case_number for r in rows)
    assert len(set(numbers)) == 400


def test_cases_and_receipts_are_numbered_in_the_order_of_the_days(app: App) -> None:
    """As at a counter, a later day has later numbers. Each batch drew its own receipt times
    over all the days, so a day's receipts were numbers spread over the whole series, and the
    closing of every day but the last listed dozens of other days' receipts as missing (缺號)."""
    seed_demo_bulk(app, 240, seed=5, days=12, batch=50)
    with app.reading() as s:
        cases = list(s.scalars(select(CaseRow).order_by(CaseRow.received_at)))
        receipts = list(s.scalars(select(ReceiptRow).where(ReceiptRow.device == "01")))
    numbers = [c.case_number for c in cases]
    assert numbers == sorted(numbers)
    days = sorted({r.issued_day for r in receipts})
    assert len(days) >= 10
    for day in days:
        ranges = daily_closing.closing(app, day, "01").ranges
        assert [r.missing for r in ranges] == [()], day
    last = {d: max(r.seq for r in receipts if r.issued_day == d) for d in days}
    first = {d: min(r.seq for r in receipts if r.issued_day == d) for d in days}
    assert all(last[a] < first[b] for a, b in itertools.pairwise(days))


def test_numbering_continues_after_bulk(app: App):
    seed_demo_bulk(app, 30, seed=1, days=1)
    view = intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields={
                "registered_address": "桃園市",
                "transcript_kind": "現戶",
                "record_detail": "省略記事",
            },
        ),
    )
    assert view.case_number.startswith("H01-01-115-000031-")


def test_bulk_exemptions_are_approved_by_the_demo_supervisor_and_the_chain_verifies(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: every exemption the bulk seeder writes is preceded by a ``case.approval_granted``
    event naming two different accounts (the demo supervisor approves the signed-in clerk),
    linked to the very assessment it approves; ``audit verify`` passes."""
    seed_demo_bulk(app, 300, seed=7, days=30, batch=120)
    exemptions = 0
    with app.reading() as s:
        for case_id in s.scalars(select(CaseRow.case_id)).all():
            stream = repo.events_for(s, case_id)
            for i, e in enumerate(stream):
                if e.type == ev.FEE_ASSESSED and e.payload["reduction"]:
                    exemptions += 1
                    approval = stream[i - 1]
                    assert approval.type == ev.APPROVAL_GRANTED
                    p = approval.payload
                    assert p["action"] == "fee_reduction" and p["for_event"] == e.event_id
                    assert p["for_type"] == ev.FEE_ASSESSED and p["target"]
                    assert p["approved_by"] == operators.DEMO_SUPERVISOR.account
                    assert p["requested_by"] == approval.clerk == e.clerk
                    assert p["approved_by"] != p["requested_by"]
                elif e.type == ev.APPROVAL_GRANTED:
                    assert stream[i + 1].payload.get("reduction"), "only exemptions are approved"
    assert exemptions >= 3
    capsys.readouterr()
    code = main(["--data-dir", str(settings.data_dir), "audit", "verify", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"] is True and out["events"] > 300


def test_seed_puts_the_connections_settings_back(app: App) -> None:
    """The seed writes with synchronous=NORMAL and a large page cache on a connection of its
    own; afterwards every pooled connection is back at FULL, and the process-wide soft heap
    limit is what it was before (storage.db's, or the one a counter window of this process set,
    services.database.limit_page_caches)."""
    from eservice_desktop.demo.seeding import seed_demo

    probe = app.engine.raw_connection()
    try:
        before = probe.driver_connection.execute("PRAGMA soft_heap_limit").fetchone()[0]
    finally:
        probe.close()
    seed_demo(app, 30, seed=2)
    conns = [app.engine.raw_connection() for _ in range(3)]
    try:
        for c in conns:
            driver = c.driver_connection
            assert driver.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert driver.execute("PRAGMA cache_size").fetchone()[0] == -262144
            assert driver.execute("PRAGMA soft_heap_limit").fetchone()[0] == before
    finally:
        for c in conns:
            c.close()


def test_seed_pauses_the_garbage_collector_only_while_it_writes(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batches run without the cyclic collector (storage.collection, shared with the
    pull, so a sync round meanwhile cannot turn it back on under the seed); afterwards it is on
    again."""
    import gc

    from eservice_desktop.demo import bulk
    from eservice_desktop.demo.seeding import seed_demo

    seen: list[bool] = []
    real = bulk.ingest_many

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "ingest_many", spy)
    seed_demo(app, 20, seed=4)
    assert seen == [False] and gc.isenabled()


def test_no_batch_is_held_when_the_collector_comes_back_on(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed's last batch (its events, its report's case states) is freed before the
    collector is on again: its first collection would otherwise walk every object of it
    (a 20,000-case batch, 0.35 s of CPU after the seed)."""
    import gc
    from contextlib import contextmanager

    from eservice_desktop.demo import bulk
    from eservice_desktop.domain.case_state import CaseState
    from eservice_desktop.domain.events import Event

    held: list[int] = []
    real = bulk.collection_paused

    def alive() -> set[int]:
        return {id(o) for o in gc.get_objects() if type(o) in (Event, CaseState)}

    gc.collect()
    before = alive()  # other tests' objects in this process (the suite's random order)

    @contextmanager
    def watched() -> Any:
        with real():
            yield
            held.append(len(alive() - before))

    monkeypatch.setattr(bulk, "collection_paused", watched)
    assert seed_demo_bulk(app, 60, seed=4, days=5, batch=25)["total_cases"] == 60
    assert held == [0]


def test_a_batch_written_while_the_next_is_built_leaves_the_counters_at_the_numbers_used(
    app: App,
) -> None:
    """Batches are numbered in memory while the one before is written (demo.bulk.SeedNumbers);
    after the seed each of this device's counters stands at the highest number its events
    carry, case and receipt series alike, and every number is used once."""
    from eservice_desktop.demo.seeding import seed_demo
    from eservice_desktop.storage.models import CounterRow, EventRow

    seed_demo(app, 250, seed=5, batch=60)
    with app.reading() as s:
        payloads = [
            (t, json.loads(p) if isinstance(p, str) else p)
            for t, p in s.execute(select(EventRow.type, EventRow.payload))
        ]
        counters = {r.name: r.value for r in s.scalars(select(CounterRow))}
    cases = [p["case_number"].split("-") for t, p in payloads if t == ev.RECEIVED]
    receipts = [p["receipt_number"].split("-") for t, p in payloads if t == ev.PAYMENT_RECORDED]
    assert len(cases) == 250 and receipts
    for prefix, numbers, seq in (("case", cases, int), ("receipt", receipts, lambda x: int(x[1:]))):
        highest: dict[str, int] = {}
        for parts in numbers:
            name = f"{prefix}:{parts[0]}:{parts[1]}:{int(parts[2])}"
            highest[name] = max(highest.get(name, 0), seq(parts[3]))
        assert {n: counters[n] for n in highest} == highest
        used = [(int(p[2]), seq(p[3])) for p in numbers]
        assert len(set(used)) == len(used)
        assert sum(highest.values()) == len(used)  # gapless from 1 in each year's series


def test_a_number_taken_by_another_writer_between_batches_undoes_the_whole_seed(
    app: App,
) -> None:
    """A batch built from counters another writer has moved since would issue a number twice:
    its transaction refuses it, and the seed puts the database back as it was before the
    first batch (the batches already written included)."""
    from sqlalchemy import text

    from eservice_desktop.demo.seeding import seed_demo
    from eservice_desktop.domain.errors import DomainError

    def another_writer(done: int, total: int) -> None:
        if done == 40:  # between the first batch and the second one's transaction
            with app.engine.begin() as c:
                c.execute(text("UPDATE counters SET value = value + 1 WHERE name LIKE 'case:%'"))

    with pytest.raises(DomainError) as refused:
        seed_demo(app, 120, seed=6, batch=40, progress=another_writer)
    assert refused.value.code == "demo.counters"
    with app.reading() as s:
        assert repo.count_cases(s) == 0
        assert s.execute(text("SELECT count(*) FROM events")).scalar() == 0


def _watch_batches(monkeypatch: pytest.MonkeyPatch, steps: list[str], ingest: Any) -> None:
    """Notes in ``steps`` when each batch begins to be built and when each ingest ends."""
    from eservice_desktop.demo import bulk

    real_batches = bulk._batches

    def batches(*args: Any, **kwargs: Any) -> Any:
        built = real_batches(*args, **kwargs)
        while True:
            steps.append("build")
            batch = next(built, None)
            if batch is None:
                return
            yield batch

    def ingested(*args: Any, **kwargs: Any) -> Any:
        report = ingest(*args, **kwargs)
        steps.append("ingested")
        return report

    monkeypatch.setattr(bulk, "_batches", batches)
    monkeypatch.setattr(bulk, "ingest_many", ingested)


def test_the_next_batch_is_built_while_the_one_before_commits(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building and folding are both Python and only take turns at Python's lock: the next
    batch is built once the one before is appended, while SQLite commits it."""
    from eservice_desktop.demo import bulk
    from eservice_desktop.demo.seeding import seed_demo

    steps: list[str] = []
    _watch_batches(monkeypatch, steps, bulk.ingest_many)
    seed_demo(app, 90, seed=8, batch=30)
    assert steps == ["build", "ingested"] * 3 + ["build"]
    with app.reading() as s:
        assert repo.count_cases(s) == 90


def test_no_batch_is_built_after_a_batch_failed(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed batch is raised before anything more is built, and the seed is undone."""
    from eservice_desktop.demo.seeding import seed_demo

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    steps: list[str] = []
    _watch_batches(monkeypatch, steps, refuse)
    with pytest.raises(OSError, match="disk full"):
        seed_demo(app, 90, seed=8, batch=30)
    assert steps == ["build"]
    with app.reading() as s:
        assert repo.count_cases(s) == 0


def test_a_batch_gives_its_equal_payloads_one_object(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes, reasons and fee assessments equal across a batch's cases are one payload object
    of that batch (the ingest checks each payload object once), never one of another batch."""
    from eservice_desktop.demo import bulk

    batches: list[list[Any]] = []
    real = bulk.ingest_many

    def ingested(app_: App, session: Any, events: list[Any], **kwargs: Any) -> Any:
        batches.append(list(events))
        return real(app_, session, events, **kwargs)

    monkeypatch.setattr(bulk, "ingest_many", ingested)
    seed_demo_bulk(app, 400, seed=11, days=30, batch=200)
    assert len(batches) == 2
    per_batch = []
    for events in batches:
        closed = [e.payload for e in events if e.type == ev.CLOSED]
        fees = [e.payload for e in events if e.type == ev.FEE_ASSESSED]
        assert len(closed) > 50 and len({id(p) for p in closed}) == 1
        assert closed[0] == {"note": ""}
        assert len({id(p) for p in fees}) < len(fees) / 4
        per_batch.append(id(closed[0]))
    assert per_batch[0] != per_batch[1]


def test_demo_cases_close_mostly_on_time_and_move_in_office_hours(app: App) -> None:
    """A supervisor opening a demo office's on-time report sees what offices do: about 96 %
    closed on time (seed appendix 11), a few late. The seed's cases moved on at random moments
    up to a fifth of their age later, nights and Sundays included: 7.7 % were on time."""
    seed_demo_bulk(app, 600, seed=4, days=30, batch=250)
    with app.reading() as s:
        judged = list(
            s.scalars(select(CaseRow.closed_on_time).where(CaseRow.closed_on_time.is_not(None)))
        )
        stamps = list(s.scalars(select(EventRow.at)))
    late = judged.count(False)
    assert len(judged) > 400 and 0 < late < len(judged) * 0.1, (late, len(judged))
    for at in stamps:
        local = repo.aware(at).astimezone(TAIPEI)
        assert app.calendar.is_working_day(local.date()), local
        assert app.hours.opens <= local.time() <= app.hours.closes, local


class _FullDiskCopy:
    """The seed's in-memory copy of the database, put back onto a disk that is full."""

    def backup(self, _target: Any) -> None:
        from eservice_desktop.storage.cipher import DriverError

        raise DriverError("database or disk is full")

    def close(self) -> None:
        pass


def test_a_seed_that_cannot_be_undone_says_part_of_it_stayed(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed failed on a full disk, and putting the copy back failed as well: the
    command printed both tracebacks and exited 1. Now it says what stayed."""
    from eservice_desktop.demo import seeding
    from eservice_desktop.domain.errors import DomainError

    def disk_full(done: int, total: int) -> None:
        if done == 40:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(seeding, "_snapshot", lambda _app: _FullDiskCopy())
    with pytest.raises(DomainError) as refused:
        seeding.seed_demo(app, 120, seed=6, batch=40, progress=disk_full)
    assert refused.value.code == "demo.not_undone"
    assert "part of the demo data stayed" in refused.value.message("en")
    assert isinstance(refused.value.__cause__, OSError)


def test_a_failed_seed_keeps_the_case_another_program_took_in_meanwhile(
    make_app: Any, settings: Settings
) -> None:
    """The counter window or ``case intake`` took a case in while ``demo seed`` ran; the seed
    then failed (the intake had moved its numbers) and put its copy of the database back,
    erasing the case whose number the citizen held and the county had been sent; the next
    intake took the same number. Now the copy is not put back over another program's events:
    the case stays, and the seed says part of it may have stayed."""
    from eservice_desktop.demo.seeding import seed_demo
    from eservice_desktop.domain.errors import DomainError

    app = make_app(settings)
    other = make_app(settings)  # another program: its own connections to the same file
    request = IntakeRequest(
        service_code="HR-TRANSCRIPT",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={
            "registered_address": "桃園市",
            "transcript_kind": "現戶",
            "record_detail": "省略記事",
        },
    )
    taken: list[str] = []

    def another_program(done: int, total: int) -> None:
        if done == 40:  # between the seed's first batch and its second
            taken.append(intake(other, request).case_number)

    with pytest.raises(DomainError) as refused:
        seed_demo(app, 120, seed=6, batch=40, progress=another_program)
    assert refused.value.code == "demo.not_undone"
    assert "another program" in refused.value.message("en")
    with other.reading() as s:
        numbers = list(s.scalars(select(CaseRow.case_number)))
    assert taken[0] in numbers
    again = intake(other, request).case_number
    assert again not in taken and len({*numbers, again}) == len(numbers) + 1


def test_a_seed_refused_before_it_wrote_anything_leaves_the_other_programs_case(
    make_app: Any, settings: Settings
) -> None:
    """The seed's first batch is refused (another program took a number meanwhile): nothing
    of the seed to undo, the refusal is said as it is and the other program's case stays."""
    from eservice_desktop.demo import bulk
    from eservice_desktop.demo.seeding import seed_demo
    from eservice_desktop.domain.errors import DomainError

    app = make_app(settings)
    other = make_app(settings)
    request = IntakeRequest(
        service_code="HR-TRANSCRIPT",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={
            "registered_address": "桃園市",
            "transcript_kind": "現戶",
            "record_detail": "省略記事",
        },
    )
    taken: list[str] = []
    real_batches = bulk._batches

    def batches(*args: Any, **kwargs: Any) -> Any:
        for built in real_batches(*args, **kwargs):
            if not taken:  # numbered, not yet written: another program takes a case in
                taken.append(intake(other, request).case_number)
            yield built

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bulk, "_batches", batches)
        with pytest.raises(DomainError) as refused:
            seed_demo(app, 40, seed=6, batch=40)
    assert refused.value.code == "demo.counters"
    with other.reading() as s:
        assert list(s.scalars(select(CaseRow.case_number))) == taken
