"""A long pull (a catch-up) reports how far it is: the county tells on the first page how many
changes wait (``remaining``, asked with ``count=true``), and the round calls
``pull_progress(received, total)`` after every page (SQLite and PostgreSQL)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import func, select
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.county_link.client import Offline
from eservice_desktop.services import sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import state
from eservice_desktop.storage.models import EventRow


def _second_device_behind(
    county: CountyServer, office: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> App:
    """Device 02 of H01, enrolled, with device 01's four cases (eight events) waiting for it in
    the county's feed, and pulls of three changes a page: its catch-up takes several pages."""
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    for _ in range(4):
        new_case(d1)
    sync_now(d1)
    # the notices' outcomes are in the feed before d2 counts it (they came after the round
    # under load, and the feed still had one change when the round had ended)
    county.wait_notices_sent()
    # patched where the pull loop reads it
    monkeypatch.setattr(sys.modules[sync.sync_round.__module__], "PULL_PAGE", 3)
    return d2


def test_a_catch_up_reports_received_out_of_total(
    county: CountyServer, office: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    d2 = _second_device_behind(county, office, monkeypatch)
    steps: list[tuple[int, int]] = []
    client = sync.make_client(d2)
    try:
        result = sync.sync_round(d2, client, pull_progress=lambda d, t: steps.append((d, t)))
        # the county's own count, asked as the round asks it
        with d2.reading() as s:
            cursor = state.get_state(s, "cursor") or ""
        assert client.pull(cursor, 3, count=True).remaining == 0
    finally:
        client.close()
    assert result.pulled == 8  # 4 cases: received + fee assessed each
    first_total = steps[0][1]
    assert first_total >= 8  # the events and the county's reference data (keys)
    assert steps[0][0] == 3 and len(steps) >= 3  # one call per page of 3
    dones, totals = [d for d, _ in steps], [t for _, t in steps]
    assert [b - a for a, b in pairwise(dones[:-1])] == [3] * (len(dones) - 2)
    assert 0 < dones[-1] - dones[-2] <= 3
    # the total is known from the first page on (it only grows when the county's notice
    # outcomes arrive in the feed while the pull runs)
    assert totals == sorted(totals) and all(d <= t for d, t in steps)
    assert steps[-1][0] == steps[-1][1]


def test_the_count_is_only_told_when_asked(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    new_case(d1)
    sync_now(d1)
    county.wait_notices_sent()  # no notice outcome joins the feed between the two reads
    client = sync.make_client(d2)
    try:
        page = client.pull("", 2)
        assert page.remaining is None and page.more
        asked = client.pull("", 2, count=True)
        assert [c.seq for c in asked.changes] == [c.seq for c in page.changes]
        rest = client.pull(asked.cursor, 1000, count=True)
        assert asked.remaining == len(rest.changes) >= 2  # at least the case's two events
        assert rest.remaining == 0 and not rest.more
    finally:
        client.close()


def test_a_catch_up_cut_by_the_round_deadline_counts_on_in_the_next_round(
    county: CountyServer, office: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    d2 = _second_device_behind(county, office, monkeypatch)
    first: list[tuple[int, int]] = []
    client = sync.make_client(d2)

    def cut_after_two_pages(done: int, total: int) -> None:
        first.append((done, total))
        if len(first) == 2:  # the round's time is up: its next request is not sent
            client.round_ends = time.monotonic() - 1

    try:
        with pytest.raises(Offline):
            sync.sync_round(d2, client, pull_progress=cut_after_two_pages)
    finally:
        client.close()
    assert [d for d, _ in first] == [3, 6]
    total = first[0][1]
    assert total >= 8 and first[1][1] == total
    # what the sync status shows between the rounds
    assert sync.status(d2)["catch_up"] == {"done": 6, "total": total}
    second: list[tuple[int, int]] = []
    client = sync.make_client(d2)
    try:
        sync.sync_round(d2, client, pull_progress=lambda d, t: second.append((d, t)))
    finally:
        client.close()
    assert second[0][0] == 9  # counted on from the first round's 6, not from 0
    assert second[0][1] >= total and all(d <= t for d, t in second)
    assert second[-1][0] == second[-1][1]
    assert sync.status(d2)["catch_up"] is None


def test_a_catch_up_without_a_progress_bar_keeps_its_total_too(
    county: CountyServer, office: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sync once`` and the background service pull without a progress bar: the round did
    not ask the county's count, and a catch-up they left unfinished read
    ``catch_up: {done: 6, total: 6}`` in ``sync status``, as if it were done."""
    from eservice_desktop.services.sync.catch_up import CatchUp

    d2 = _second_device_behind(county, office, monkeypatch)
    client = sync.make_client(d2)
    real, pages = CatchUp.page, []

    def page(self: CatchUp, received: int, remaining: int | None) -> None:
        real(self, received, remaining)
        pages.append(received)
        if len(pages) == 2:  # the round's time is up after this page
            client.round_ends = time.monotonic() - 1

    monkeypatch.setattr(CatchUp, "page", page)
    try:
        with pytest.raises(Offline):
            sync.sync_round(d2, client)
    finally:
        client.close()
    told = sync.status(d2)["catch_up"]
    assert told["done"] == 6 and told["total"] >= 8, told


def test_a_page_that_fails_to_apply_leaves_its_cursor_and_no_request_behind(
    county: CountyServer, office: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next page is asked for while one is applied (services/sync/pull_pages.py): when the
    second page fails, the round raises with the first page's cursor stored, the page ahead is
    dropped, no request outlives the round, and the next round pulls on from that cursor."""
    d2 = _second_device_behind(county, office, monkeypatch)
    round_module = sys.modules[sync.sync_round.__module__]
    real_apply = round_module.apply_page
    cursors: list[str] = []

    def second_page_fails(app: App, s: Any, changes: Any, **kw: Any) -> Any:
        with app.reading() as r:
            cursors.append(state.get_state(r, "cursor") or "")
        if len(cursors) == 2:
            raise RuntimeError("the disk is full")
        return real_apply(app, s, changes, **kw)

    monkeypatch.setattr(round_module, "apply_page", second_page_fails)
    client = sync.make_client(d2)
    try:
        with pytest.raises(RuntimeError, match="disk is full"):
            sync.sync_round(d2, client)
        assert not [t for t in threading.enumerate() if t.name.startswith("sync-pull")]
    finally:
        client.close()
    with d2.reading() as s:
        assert state.get_state(s, "cursor") == cursors[1] != cursors[0]
        before = s.scalar(select(func.count()).select_from(EventRow))
    assert before is not None and before < 8  # the first page's events only
    monkeypatch.setattr(round_module, "apply_page", real_apply)
    client = sync.make_client(d2)
    try:
        result = sync.sync_round(d2, client)
    finally:
        client.close()
    assert before + result.pulled == 8  # the rest, each event once
    with d2.reading() as s:
        assert s.scalar(select(func.count()).select_from(EventRow)) == 8
