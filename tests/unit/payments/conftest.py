"""Fixtures for fees, payments and receipts: a case with fees, at the default test clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from approvals_support import add_accounts, supervisor_approval
from factories import new_case

from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App

#: The applicant of the fee tests: 𡘙 is outside the BMP (receipts must print it).
NAME = "王𡘙堃"


@pytest.fixture
def fee_case(app: App) -> str:
    return new_case(app, copies=2, name=NAME)  # HR-TRANSCRIPT: NT$15 a copy, NT$30


@pytest.fixture
def make_case(app: App) -> Callable[..., str]:
    return lambda **kw: new_case(app, **{"copies": 2, "name": NAME, **kw})


@pytest.fixture
def sup(app: App) -> Approval:
    """A supervisor of the office (``super01``) approving at this counter."""
    add_accounts(app)
    return supervisor_approval()
