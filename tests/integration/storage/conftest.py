"""Fixtures of the storage tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import request

from eservice_desktop.services import payments
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import intake


@pytest.fixture
def paid_office(app: App) -> tuple[Path, str]:
    """An office's data folder, closed, with one case taken in and paid: (folder, case number)."""
    number = intake(app, request(phone="0912345678")).case_number
    payments.record_payment(app, number, "cash", 15)
    data = app.settings.data_dir
    app.close()
    return data, number
