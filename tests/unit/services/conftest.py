"""The pickup tests' county: one whose pickup keys the office has imported."""

from __future__ import annotations

import pytest
from pickup_support import County

from eservice_desktop.services import pickup_keys
from eservice_desktop.services.core import App


@pytest.fixture
def county(app: App) -> County:
    c = County()
    pickup_keys.import_county_keys(app, c.document())
    return c
