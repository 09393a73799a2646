"""A demo county sets the demo office's monthly targets once (``serve --demo``): the targets
report of ``make run``'s counter said 「本期無資料」 for every period."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from eservice_desktop.county.demo_targets import seed_demo_targets
from eservice_desktop.county.notify import county_catalogue
from eservice_desktop.county.reports import set_targets, targets_of
from eservice_desktop.county.store import FeedRow

NOW = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)


def test_demo_targets_are_set_for_the_demo_office_once(county_store) -> None:  # type: ignore[no-untyped-def]
    sessions, _device = county_store
    with sessions() as s, s.begin():
        assert seed_demo_targets(s, county_catalogue(s), "H01", NOW) == 6
        held = {(t["department"], t["month"], t["metric"]) for t in targets_of(s, "H01")}
        feed = s.scalars(select(FeedRow.kind).where(FeedRow.office == "H01")).all()
    # this month and the two before it, across the year's turn; both metrics
    assert held == {
        ("household", m, metric)
        for m in ("2025-11", "2025-12", "2026-01")
        for metric in ("cases", "online")
    }
    assert "targets" in feed
    with sessions() as s, s.begin():
        row = {"office": "H01", "department": "household", "month": "2026-01"}
        set_targets(s, county_catalogue(s), [{**row, "metric": "cases", "value": 7}], NOW)
        assert seed_demo_targets(s, county_catalogue(s), "H01", NOW) == 0
        kept = [t for t in targets_of(s, "H01") if t["month"] == "2026-01"]
    assert {t["metric"]: t["value"] for t in kept} == {"cases": 7, "online": 60}
