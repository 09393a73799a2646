"""The county's clock as the office learns it (services/sync/clock.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.clock import base_now, install_clock_correction, learn_clock


@pytest.mark.parametrize(
    "county_time",
    [
        datetime(2100, 6, 1, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
    ],
)
def test_a_county_time_outside_the_window_is_not_learned(app: App, county_time: datetime) -> None:
    """A county clock set to 2100 (or 1970) made every event here carry a time the value
    rules refuse, so no case could be taken in; the offset learned before stays."""
    install_clock_correction(app)
    t = base_now(app)
    assert learn_clock(app, t, t, t + timedelta(hours=1)) == pytest.approx(3600)
    assert learn_clock(app, t, t, county_time) == pytest.approx(3600)
    assert app.reference.clock_offset_s == pytest.approx(3600)
    assert app.now() - base_now(app) == pytest.approx(timedelta(hours=1), abs=timedelta(seconds=5))
