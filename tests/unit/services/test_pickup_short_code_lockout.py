"""Issue 11: short codes cannot be guessed at the desk; after a few wrong tries in a minute
the desk asks for the QR code or a supervisor (the signed QR code keeps working)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.services import pickup, pickup_keys
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case


def test_wrong_short_codes_lock_the_short_form_for_a_minute(
    app: App, county: County, clock: object
) -> None:
    _number, token = ready_case(app, county, pickup_number="0427")
    right = pt.short_code(token)
    for i in range(pickup.SHORT_CODE_TRIES):
        assert pickup.verify(app, f"0427-ZZZ{'ABCDEFGH'[i]}").reason == "unknown_short_code"
    # even the right short code is refused now: guessing is over
    locked = pickup.verify(app, right)
    assert locked.reason == pickup.SHORT_CODE_LOCKED and not locked.ok
    assert "QR" in locked.message_en or "scan" in locked.message_en
    assert not pickup.handover(app, right).handed_over
    # the signed code from the MMS still works
    assert pickup.verify(app, token).ok
    # a minute later the short form is back
    clock.set(app.now() + timedelta(seconds=61))  # type: ignore[attr-defined]
    assert pickup.verify(app, right).ok


def test_guessing_rate_is_bounded(app: App, county: County) -> None:
    """Of 1,000 guesses in a burst only SHORT_CODE_TRIES are even looked up."""
    ready_case(app, county, pickup_number="0427")
    reasons = [pickup.verify(app, f"0427-{i:04d}").reason for i in range(1000)]
    assert reasons.count("unknown_short_code") == pickup.SHORT_CODE_TRIES
    assert reasons.count(pickup.SHORT_CODE_LOCKED) == 1000 - pickup.SHORT_CODE_TRIES


def test_the_lock_holds_for_the_next_process_and_the_command_line(
    make_app: Callable[[Settings], App],
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    clock: Any,
) -> None:
    """Each ``pickup verify`` on the command line is a new process with a new App: the wrong
    tries are counted in the database, not in one App, so guessing from a script is locked too."""
    app = make_app(settings)
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    now = datetime.now(UTC)
    _number, token = ready_case(app, county, pickup_number="0427", issued_at=now)
    right = pt.short_code(token)
    app.close()

    def verify(code: str) -> dict[str, Any]:
        assert main(["--data-dir", str(settings.data_dir), "pickup", "verify", code, "--json"])
        return dict(json.loads(capsys.readouterr().out))

    for i in range(pickup.SHORT_CODE_TRIES):
        assert verify(f"0427-ZZZ{'ABCDEFGH'[i]}")["reason"] == "unknown_short_code"
    assert verify(right)["reason"] == pickup.SHORT_CODE_LOCKED
    # a restarted desk (a new App on the same database), a few seconds later, is locked as well
    clock.set(datetime.now(UTC) + timedelta(seconds=5))
    again = make_app(settings)
    try:
        assert pickup.verify(again, right).reason == pickup.SHORT_CODE_LOCKED
        assert pickup.handover(again, right).reason == pickup.SHORT_CODE_LOCKED
        assert pickup.verify(again, token).ok  # the signed code still works
    finally:
        again.close()
