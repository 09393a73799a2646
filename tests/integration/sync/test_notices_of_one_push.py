"""The notices of what one push brings (an office's backlog, a clerk's minute of acts), as the
county's dispatcher sends them, on SQLite and PostgreSQL: in the order of their events; a
withdrawal refunded in the same push not told to come for the refund; no 已收件 for a case the
citizen has collected already."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from approvals_support import add_accounts, supervisor_approval
from factories import new_case
from pickup_support import County as PickupCounty
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import CountyStore

from eservice_desktop.county import notify
from eservice_desktop.county import service as county_service
from eservice_desktop.county.store import NotificationRow, aware, utcnow
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.services import cases, payments, pickup, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow


class Gateway:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, channel: str, to: str, subject: str, body: str, attachment: Any = None) -> str:
        self.sent.append(body)
        return "ref"


def _push_all(app: App, county: CountyStore, numbers: list[str]) -> None:
    """Every event of the cases, in the office's (its chain's) order, in one push (those the
    county holds already answered as duplicates)."""
    sessions, dev = county
    with app.reading() as s:
        ids = {cases.resolve_case_id(s, number) for number in numbers}
        rows = s.scalars(select(EventRow).where(EventRow.case_id.in_(ids)).order_by(EventRow.seq))
        events = [repo.row_to_event(r) for r in rows]
    wire = [WireEvent.model_validate(e.to_dict()) for e in events]
    with sessions() as s, s.begin():
        answer = county_service.push(s, s.merge(dev), wire, utcnow())
    taken = ("accepted", "duplicate")
    refused = [r for r in answer.results if not isinstance(r, tuple) and r.status not in taken]
    assert not refused, refused


def _sent(sessions: sessionmaker[Session]) -> list[str]:
    gateway = Gateway()
    while notify.dispatch_due(sessions, gateway):
        pass
    return gateway.sent


def _statuses(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as s:
        return {r.stage: r.status for r in s.scalars(select(NotificationRow))}


def _moved(sessions: sessionmaker[Session], where: Any, *, indexed: bool = False) -> None:
    """The rows written again: PostgreSQL returns rows of equal keys in their place in the
    table, which every update of a row changes (a retry, a resend, an outcome); ``indexed``:
    a column of an index changed as well (a retry's time), which moves them in the indexes."""
    with sessions() as s, s.begin():
        s.execute(update(NotificationRow).where(where).values(attempts=NotificationRow.attempts))
        if indexed:
            for row in s.scalars(select(NotificationRow).where(where)):
                row.next_attempt_at = aware(row.next_attempt_at) + timedelta(seconds=1)


def test_the_notices_of_one_push_go_out_in_the_order_of_their_events(
    app: App, county_store: CountyStore
) -> None:
    """Every notice of one push is due at the same moment: ordered by that moment alone,
    PostgreSQL sent a case's 撤件 before its 已收件."""
    add_accounts(app)
    numbers = [new_case(app, phone="0912345678") for _ in range(12)]
    for number in numbers:
        cases.cancel_case(app, number, "民眾來電撤回")
    _push_all(app, county_store, numbers)
    _moved(county_store[0], NotificationRow.stage == "received")
    sent = _sent(county_store[0])
    assert len(sent) == 24
    for number in numbers:
        said = [("已撤件" in body) for body in sent if number in body]
        assert said == [False, True], (number, said)


def test_a_resend_sends_the_latest_of_the_notices_one_push_queued(
    app: App, county_store: CountyStore
) -> None:
    """Two supplement requests in one push (asked, brought, asked again): the clerk's resend
    took the latest by its time alone, on PostgreSQL the first one, dropped at once as
    answered (superseded), and the citizen was sent nothing."""
    number = new_case(app, phone="0912345678")
    cases.request_supplement(app, number, "缺委託書")
    cases.record_supplement(app, number)
    cases.request_supplement(app, number, "缺身分證影本")
    _push_all(app, county_store, [number])
    sessions = county_store[0]
    assert [("缺身分證影本" in b) for b in _sent(sessions)] == [False, True]  # 已收件, then it
    _moved(sessions, NotificationRow.body.contains("缺委託書"), indexed=True)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        wanted = {"stage": "supplement_requested"}
        cases.record(app, s, case_id, ev.NOTICE_RESEND_REQUESTED, wanted)
    _push_all(app, county_store, [number])
    (again,) = _sent(sessions)
    assert "缺身分證影本" in again, again


def test_a_withdrawal_refunded_in_the_same_push_does_not_ask_to_come_for_the_refund(
    app: App, county_store: CountyStore
) -> None:
    add_accounts(app)
    whole, part = new_case(app, phone="0912345678"), new_case(app, phone="0912345678")
    for number, back in ((whole, 15), (part, 5)):
        receipt = payments.record_payment(app, number, "cash", 15).receipt_number
        cases.cancel_case(app, number, "民眾來電撤回")
        payments.refund(app, receipt, back, "撤件退費", approval=supervisor_approval())
    _push_all(app, county_store, [whole, part])
    sent = _sent(county_store[0])
    (withdrawn,) = [b for b in sent if whole in b and "已撤件" in b]
    assert "如需退還" not in withdrawn and "已繳規費" not in withdrawn, withdrawn
    assert any(whole in b and "已退還規費新臺幣 15 元" in b for b in sent)
    (withdrawn,) = [b for b in sent if part in b and "已撤件" in b]
    assert "已繳規費新臺幣 10 元如需退還，請洽本所辦理。" in withdrawn, withdrawn
    with county_store[0]() as s:
        stored = s.scalars(select(NotificationRow.body).where(NotificationRow.stage == "cancelled"))
        assert sorted(stored) == sorted(b for b in sent if "已撤件" in b)  # what went is kept


def test_a_backlog_with_the_case_collected_tells_no_received(
    app: App, county_store: CountyStore
) -> None:
    """An office's day offline pushed at once: the citizen who had her documents in hand was
    told 已收件，本所將儘速為您辦理 that evening."""
    keys = PickupCounty()
    pickup_keys.import_county_keys(app, keys.document())
    number = new_case(app, phone="0912345678")
    view = payments.record_payment(app, number, "cash", 15)
    assert view.receipt_number
    cases.close_case(app, number)
    case_id = cases.load_case(app, number).case_id
    token = keys.token(case_id=case_id, case_number=number, office="H01", pickup_number="0427")
    with app.transaction() as s:
        ready = {"office": "H01", "pickup_number": "0427", "token": token}
        cases.record(app, s, case_id, ev.READY_FOR_PICKUP, ready)
    assert pickup.handover(app, token).handed_over
    _push_all(app, county_store, [number])
    assert _sent(county_store[0]) == []
    assert _statuses(county_store[0]) == {
        "received": "superseded",
        "ready_for_pickup": "superseded",
    }


def test_a_ready_notice_sent_again_after_the_fee_was_paid_owes_nothing(
    app: App, county_store: CountyStore
) -> None:
    """Closed with the fee due (a supervisor's approval), the case's ready notice says it is
    paid at pickup; paid since, the notice the clerk sent again for a message lost still told
    the citizen 尚有規費新臺幣 15 元未繳."""
    add_accounts(app)
    number = new_case(app, phone="0912345678")
    cases.close_case(app, number, approval=supervisor_approval("民眾領件時繳納"))
    _push_all(app, county_store, [number])
    sessions = county_store[0]
    _received, ready = _sent(sessions)
    assert "尚有規費新臺幣 15 元未繳，請於領件時繳納。" in ready
    payments.record_payment(app, number, "cash", 15)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        wanted = {"stage": "ready_for_pickup"}
        cases.record(app, s, case_id, ev.NOTICE_RESEND_REQUESTED, wanted)
    _push_all(app, county_store, [number])
    (again,) = _sent(sessions)
    owed = "尚有規費新臺幣 15 元未繳，請於領件時繳納。"
    assert "未繳" not in again and again == ready.replace(owed, "")


class _FailsFirst(Gateway):
    """A gateway whose first send times out (the provider's hiccup), the rest go through."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def send(self, channel: str, to: str, subject: str, body: str, attachment: Any = None) -> str:
        if not self.failed:
            self.failed = True
            raise TimeoutError("gateway")
        return super().send(channel, to, subject, body, attachment)


def test_a_received_notice_retried_after_the_withdrawal_went_out_is_not_sent(
    app: App, county_store: CountyStore
) -> None:
    """The 已收件 of one push failed once and was retried seconds later, after the 撤件 of the
    same push got through: the citizen read that her case was received after it was
    withdrawn."""
    add_accounts(app)
    number = new_case(app, phone="0912345678")
    cases.cancel_case(app, number, "民眾來電撤回")
    _push_all(app, county_store, [number])
    sessions, gateway = county_store[0], _FailsFirst()
    notify.dispatch_due(sessions, gateway)
    assert [("已撤件" in b) for b in gateway.sent] == [True]
    with sessions() as s, s.begin():
        for row in s.scalars(select(NotificationRow).where(NotificationRow.status == "queued")):
            row.next_attempt_at = utcnow() - timedelta(seconds=1)  # its retry is due
    notify.dispatch_due(sessions, gateway)
    assert len(gateway.sent) == 1
    assert _statuses(sessions) == {"received": "superseded", "cancelled": "sent"}
