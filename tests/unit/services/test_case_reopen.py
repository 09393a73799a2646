"""A case closed by mistake is opened again with a supervisor's approval and a reason
(``services.case_reopen``): before, one wrong 結案 ended it for good. Its clock runs on from
receipt, and the on-time report judges it by its next closing."""

from __future__ import annotations

from datetime import datetime

import factories
import pytest
from approvals_support import add_accounts, supervisor_approval

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases, payments
from eservice_desktop.services.case_reopen import reopen_case
from eservice_desktop.services.core import App


@pytest.fixture
def closed(app: App, clock: object) -> str:
    add_accounts(app)
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    number = factories.new_case(app)
    payments.record_payment(app, number, "cash", 15)
    cases.close_case(app, number)
    return number


def test_a_closed_case_is_open_again_with_its_clock_running(
    app: App, clock: object, closed: str
) -> None:
    clock.set(datetime(2026, 3, 12, 10, 0, tzinfo=TAIPEI))  # type: ignore[attr-defined]
    view = reopen_case(app, closed, "誤按結案", approval=supervisor_approval())
    assert view.status == "received"
    types = [e["type"] for e in cases.show_case(app, closed).events]
    assert types[-2:] == [ev.APPROVAL_GRANTED, ev.REOPENED]
    state = cases.load_case(app, closed)
    assert state.is_open and state.closed_at is None
    # the days it lay closed count: due 03-10, it is late now
    assert cases.show_case(app, closed).deadline_status == "overdue"
    assert closed in [r.case_number for r in cases.queue(app, "overdue", limit=100)]
    cases.close_case(app, closed)  # and it can be closed again
    assert cases.load_case(app, closed).lifecycle == "closed"


def test_refusals_store_nothing(app: App, clock: object, closed: str) -> None:
    before = len(cases.show_case(app, closed).events)
    for reason, approval, code in (
        ("誤按結案", None, "auth.approval_required"),
        ("  ", supervisor_approval(), "case.reason_required"),
    ):
        with pytest.raises((AuthError, DomainError)) as e:
            reopen_case(app, closed, reason, approval=approval)
        assert e.value.code == code
    open_case = factories.new_case(app)
    with pytest.raises(DomainError) as not_closed:
        reopen_case(app, open_case, "x", approval=supervisor_approval())
    assert not_closed.value.code == "case.not_closed"
    rejected = factories.new_case(app)
    cases.reject_case(app, rejected, "非權利人")
    with pytest.raises(DomainError) as ended:
        reopen_case(app, rejected, "x", approval=supervisor_approval())
    assert ended.value.code == "case.reopen_too_late"
    assert len(cases.show_case(app, closed).events) == before
