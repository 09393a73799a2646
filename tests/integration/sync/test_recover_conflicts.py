"""A wiped counter rebuilt with ``sync recover`` lists its own open conflicts again, against a
real county server (SQLite and PostgreSQL).

The county refused one of the counter's events (another counter cancelled the case meanwhile)
and the counter noted it on the case (``case.conflict_recorded``, pushed like any event). Every
other counter of the office listed it from that note; the counter that made it, rebuilt from
the county, skipped its own notes and listed nothing: the refusal it alone had to settle was
gone from its conflicts, while the other counters still showed it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.config import Settings
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App


def _open(app: App) -> list[tuple[str, str, str]]:
    return sorted(
        (c.conflict_id, c.case_number, c.event_type) for c in sync.open_conflicts(app, "en")
    )


def test_a_wiped_counter_lists_its_own_open_conflicts_again(
    county: CountyServer,
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
    tmp_path: Path,
) -> None:
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    number = new_case(d1)
    sync_now(d1)
    sync_now(d2)
    # offline at counter 01, the clerk asks for a supplement; counter 02 cancels the case
    cases.cancel_case(d2, number, "民眾撤件")
    sync_now(d2)
    cases.request_supplement(d1, number, "缺少委託書")
    sync_now(d1)  # refused: the case was cancelled
    own = _open(d1)
    assert [(n, t) for _cid, n, t in own] == [(number, "case.supplement_requested")]
    sync_now(d2)
    assert _open(d2) == own  # the other counter lists it from the note, under the same id

    wiped = make_app(
        Settings(
            data_dir=tmp_path / "office-H01-01-reinstalled",
            office_code="H01",
            device_id="01",
            county_url=county.url,
        )
    )
    sync.enrol(wiped, county.url, county.enrol_code("H01", device="01"))
    client = sync.make_client(wiped)
    try:
        sync.recover_from_county(wiped, client)
    finally:
        client.close()
    assert _open(wiped) == own

    # resolved at the rebuilt counter: resolved at the other one too
    sync.resolve_conflict(wiped, own[0][0], "已與民眾確認撤件")
    sync_now(wiped)
    sync_now(d2)
    assert _open(wiped) == [] and _open(d2) == []
