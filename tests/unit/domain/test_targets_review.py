"""Appendix 18, 陸.一: a month 20 % or more behind its target calls for a review meeting."""

from __future__ import annotations

from datetime import date

from eservice_desktop.domain import supervisor as sv
from eservice_desktop.services.shipped import load_catalogue


def _review_months(target: int, cases: int) -> int:
    report = sv.build_targets(
        load_catalogue(),
        [sv.Target("H01", "household", "2026-03", "cases", target)],
        [sv.UsageCount("HR-TRANSCRIPT", "counter", "2026-03", cases)],
        period_from=date(2026, 3, 1),
        period_to=date(2026, 3, 31),
        office="H01",
    )
    return int(report.totals["review_months"])


def test_a_month_exactly_20_percent_behind_is_marked_for_review() -> None:
    """「若每月執行進度低於目標達成率 20% 以上，應召開檢討會議」: 以上 counts the 20 % itself,
    as the progress bands' 以下 (5 % / 15 % / 25 % 以下) count theirs; 120 of 150 was not
    marked."""
    assert _review_months(150, 120) == 1  # 20 % behind
    assert _review_months(5, 4) == 1
    assert _review_months(150, 119) == 1  # more than 20 %
    assert _review_months(150, 121) == 0  # 19.33 %
    assert _review_months(150, 150) == 0
