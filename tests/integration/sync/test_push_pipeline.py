"""The pipelined push (services/sync/push.py): the office reads and writes the next batch
while the county works on one, yet the county sees one request at a time, the batches in
order; a batch refused whole is taken apart before anything after it is sent, and a batch that
fails is never followed by its successor. Both counties (the ``county`` fixture)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, enrol, new_case, pending, sync_now

from eservice_desktop.county_link.client import CountyClient, RequestRefused, SyncError
from eservice_desktop.domain import events as ev
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import push
from eservice_desktop.storage.models import EventRow


class Pushes:
    """Each push request the office's client sent: its event ids and what became of it
    ("ok", the refusal's status, or the error's name), and the most requests at once. The
    real client sends every request to the real county; this only watches."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[list[str], str]] = []
        self.most = 0
        self._now = 0
        self._lock = threading.Lock()
        real = CountyClient.push_encoded

        def watched(client: CountyClient, body: bytes, **how: bool) -> object:
            ids = [e["event_id"] for e in json.loads(body)["events"]]
            with self._lock:
                self._now += 1
                self.most = max(self.most, self._now)
            outcome = "ok"
            try:
                return real(client, body, **how)
            except RequestRefused as e:
                outcome = str(e.status)
                raise
            except SyncError as e:
                outcome = type(e).__name__
                raise
            finally:
                with self._lock:
                    self._now -= 1
                    self.sent.append((ids, outcome))

        monkeypatch.setattr(CountyClient, "push_encoded", watched)

    def accepted(self) -> list[str]:
        return [i for ids, outcome in self.sent if outcome == "ok" for i in ids]


def _outbox_order(app: App) -> list[str]:
    with app.reading() as s:
        return list(
            s.scalars(
                select(EventRow.event_id).where(EventRow.origin == "local").order_by(EventRow.seq)
            )
        )


def _office_with_batches_of_two(
    office: Callable[..., App], county: CountyServer, monkeypatch: pytest.MonkeyPatch, n: int
) -> App:
    app = office("H01", "01", county.url)
    enrol(app, county)
    for _ in range(n):
        number = new_case(app)
        cases.request_supplement(app, number, "缺少委託書")
    monkeypatch.setattr(sys.modules[sync.sync_round.__module__], "PUSH_BATCH", 2)
    return app


def test_batches_go_one_at_a_time_in_order_and_progress_counts_up(
    office: Callable[..., App], county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _office_with_batches_of_two(office, county, monkeypatch, 3)
    order = _outbox_order(app)
    assert len(order) == 9  # received, fee assessed, supplement requested, per case
    pushes = Pushes(monkeypatch)
    steps: list[tuple[int, int]] = []
    client = sync.make_client(app)
    try:
        result = sync.sync_round(app, client, progress=lambda d, t: steps.append((d, t)))
    finally:
        client.close()
    assert result.pushed == 9 and pending(app) == 0
    assert [len(ids) for ids, _ in pushes.sent] == [2, 2, 2, 2, 1]
    assert pushes.accepted() == order  # each event once, in the outbox's order
    assert pushes.most == 1
    assert sorted(county.event_ids()) == sorted(order)
    assert county.conflicts() == 0  # the chain arrived in order
    done = [d for d, _ in steps]
    assert done == sorted(done) and steps[-1] == (9, 9)
    assert {d for d, _ in steps} == {0, 2, 4, 6, 8, 9}  # every acknowledged batch shown


def test_a_batch_refused_whole_is_taken_apart_before_its_successor_is_sent(
    office: Callable[..., App], county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _office_with_batches_of_two(office, county, monkeypatch, 3)
    order = _outbox_order(app)
    with app.transaction() as s:  # stored before today's wire rules: the county answers 422
        row = s.scalar(select(EventRow).where(EventRow.event_id == order[1]))
        assert row is not None and row.type == ev.FEE_ASSESSED  # the first case's fee
        row.clerk = "clerk\x07"
    pushes = Pushes(monkeypatch)

    result = sync_now(app)
    assert pushes.sent[0] == (order[:2], "422")
    assert pushes.sent[1] == (order[:1], "ok")  # the same batch, the refused event set aside
    assert pushes.most == 1
    later = [i for ids, _ in pushes.sent[2:] for i in ids]
    assert later == [i for i in _outbox_order(app) if i not in order[:2]]
    assert result.conflicts == 1 and pending(app) == 0
    assert order[1] not in county.event_ids()
    assert county.conflicts() == 0  # no chain break after the event set aside


def test_a_batch_that_fails_is_not_followed_by_the_next(
    office: Callable[..., App],
    county: CountyServer,
    monkeypatch: pytest.MonkeyPatch,
    proxies: list[FaultProxy],
) -> None:
    app = _office_with_batches_of_two(office, county, monkeypatch, 3)
    order = _outbox_order(app)
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    proxy.add("delay", path="/v1/events", seconds=0.0)  # the first batch goes through
    proxy.add("error500", path="/v1/events")  # the second is answered 500, never forwarded
    pushes = Pushes(monkeypatch)
    client = CountyClient(proxy.url, credential=sync.credential(app))
    try:
        with pytest.raises(SyncError):
            sync.sync_round(app, client)
    finally:
        client.close()
    # the third batch was read while the second was on its way, but never sent
    assert pushes.sent == [(order[:2], "ok"), (order[2:4], "ServerError")]
    assert pending(app) == 7  # the first batch's answer applied, nothing after it
    assert sorted(county.event_ids()) == sorted(order[:2])
    proxy.wait_idle()
    result = sync_now(app)
    assert result.pushed == 7 and pending(app) == 0
    assert sorted(county.event_ids()) == sorted(order) and county.conflicts() == 0


def test_the_next_batch_is_read_and_written_while_the_county_works(
    office: Callable[..., App], county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each full batch's request is held until the batch after it has been read: a push that
    read only after an answer came back would leave every request waiting out its hold."""
    app = _office_with_batches_of_two(office, county, monkeypatch, 3)
    real_read, real_push = push._read, CountyClient.push_encoded
    reads: list[int] = []
    read_happened = threading.Condition()
    held: list[bool] = []

    def read(app: App, size: int, after: int, tally: object) -> object:
        got = real_read(app, size, after, tally)  # type: ignore[arg-type]
        with read_happened:
            reads.append(after)
            read_happened.notify_all()
        return got

    def held_push(client: CountyClient, body: bytes, **how: bool) -> object:
        events = json.loads(body)["events"]
        if len(events) == 2:  # a full batch: the one after it is read meanwhile
            last = _seq_of(app, events[-1]["event_id"])
            # the read goes on while this request waits; on a loaded machine a read took
            # over 3 s, so the bound only ends a wait that never ends (a push reading after
            # the answer): 20 s each, four batches within the test's 120 s
            with read_happened:
                held.append(read_happened.wait_for(lambda: last in reads, timeout=20))
        return real_push(client, body, **how)

    monkeypatch.setattr(push, "_read", read)
    monkeypatch.setattr(CountyClient, "push_encoded", held_push)
    result = sync_now(app)
    assert result.pushed == 9 and pending(app) == 0
    assert held == [True, True, True, True]


def test_a_refusal_after_an_answer_still_to_apply_is_taken_apart_first(
    office: Callable[..., App], county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch 3 refused whole while the answer to batch 2 waits to be written: batch 2 is
    applied, batch 3 taken apart and sent again, and only then the rest."""
    app = _office_with_batches_of_two(office, county, monkeypatch, 3)
    order = _outbox_order(app)
    with app.transaction() as s:
        row = s.scalar(select(EventRow).where(EventRow.event_id == order[4]))
        assert row is not None
        row.clerk = "clerk\x07"
    pushes = Pushes(monkeypatch)
    result = sync_now(app)
    assert pushes.sent[:4] == [
        (order[:2], "ok"),
        (order[2:4], "ok"),
        (order[4:6], "422"),
        (order[5:6], "ok"),
    ]
    later = [i for ids, _ in pushes.sent[4:] for i in ids]
    assert later == [i for i in _outbox_order(app) if i not in order[:6]]  # the conflict's note
    assert later[: len(order[6:])] == order[6:]
    assert result.conflicts == 1 and pending(app) == 0
    assert county.conflicts() == 0


def test_an_answer_that_cannot_be_written_ends_the_round_and_is_sent_again(
    office: Callable[..., App], county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local write of the first answer fails while the second batch is on its way: the
    round raises once that request is over (no push thread left), and the next round sends
    the four events again, which the county answers as duplicates."""
    app = _office_with_batches_of_two(office, county, monkeypatch, 3)
    order = _outbox_order(app)
    pushes = Pushes(monkeypatch)
    real = push._apply_push
    calls: list[int] = []

    def failing_once(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(push, "_apply_push", failing_once)
    client = sync.make_client(app)
    try:
        with pytest.raises(OSError, match="disk full"):
            sync.sync_round(app, client)
    finally:
        client.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("sync-push")]
    assert pushes.sent == [(order[:2], "ok"), (order[2:4], "ok")]
    assert pending(app) == 9
    again = sync_now(app)
    assert (again.duplicates, again.pushed, pending(app)) == (4, 5, 0)


def _seq_of(app: App, event_id: str) -> int:
    with app.reading() as s:
        seq = s.scalar(select(EventRow.seq).where(EventRow.event_id == event_id))
    assert seq is not None
    return seq
