"""check/apply dispatch by table: every event type has its fold, and each rule sits under the
type it guards."""

from __future__ import annotations

from eservice_desktop.domain import case_fold, case_rules
from eservice_desktop.domain import events as ev


def test_every_type_but_received_has_a_fold() -> None:
    assert set(case_fold._FOLDS) == ev.ALL_TYPES - {ev.RECEIVED}


def test_rules_only_for_known_types_and_every_money_type_is_checked() -> None:
    assert set(case_rules._CHECKS) <= ev.ALL_TYPES
    assert set(case_rules._CHECKS) >= ev.MONEY_TYPES
