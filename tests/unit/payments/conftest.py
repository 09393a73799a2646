"""Fixtures for fees, payments and receipts: a case with fees, at the default test clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from approvals_support import add_accounts, supervisor_approval

from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake

FIELDS = {
    "registered_address": "桃園市桃園區中正路1號",
    "transcript_kind": "現戶",
    "record_detail": "省略記事",
}


def new_case(
    app: App, copies: int = 2, service: str = "HR-TRANSCRIPT", name: str = "王𡘙堃"
) -> str:
    """HR-TRANSCRIPT: NT$15 a copy, so 2 copies cost NT$30."""
    return intake(
        app,
        IntakeRequest(
            service_code=service,
            applicant_id="A123456789",
            applicant_name=name,
            copies=copies,
            fields=dict(FIELDS) if service.startswith("HR-TRANSCRIPT") else {},
        ),
    ).case_number


@pytest.fixture
def fee_case(app: App) -> str:
    return new_case(app)


@pytest.fixture
def make_case(app: App) -> Callable[..., str]:
    return lambda **kw: new_case(app, **kw)


@pytest.fixture
def sup(app: App) -> Approval:
    """A supervisor of the office (``super01``) approving at this counter."""
    add_accounts(app)
    return supervisor_approval()
