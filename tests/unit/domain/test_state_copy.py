"""Every fold copies the case state with ``domain.state_copy.replace``: the supplement
request's fold took ``dataclasses.replace`` (fifty ``object.__setattr__`` a copy) and folding
the sync benchmark's 10,000 events took twice as long."""

from __future__ import annotations

import dataclasses

from eservice_desktop.domain import case_fold


def test_no_fold_copies_the_state_with_the_librarys_replace() -> None:
    slow = sorted(
        f"{fold.__module__}.{fold.__name__}"
        for fold in case_fold._FOLDS.values()
        if fold.__globals__.get("replace") is dataclasses.replace
    )
    assert slow == []
