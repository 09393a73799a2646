"""A notice queued at the county is checked against the case when its turn comes (each attempt,
retries too): a text message goes to the case's mobile number as it is then, and a ready notice
whose code was replaced, or whose case was collected meanwhile, is dropped (superseded)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from factories import new_case
from pickup_support import ready_with_county_keys
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import notice_outcomes, notify
from eservice_desktop.county.store import (
    CountyEventRow,
    NotificationRow,
    create_schema,
    make_engine,
    utcnow,
)
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.uuid7 import new_id
from eservice_desktop.services import case_contact, cases, pickup
from eservice_desktop.services.applicant_correction import correct_applicant
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo

OLD, NEW = "0912345678", "0987654321"


class Gateway:
    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.sent: list[tuple[str, str]] = []

    def send(self, channel: str, to: str, subject: str, body: str, attachment: Any = None) -> str:
        if self.fail > 0:
            self.fail -= 1
            raise ConnectionError("gateway down")
        self.sent.append((to, body))
        return "ref"


def _county(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'county.sqlite3'}")
    create_schema(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _copy_case(app: App, sessions: sessionmaker[Session], number: str) -> list[ev.Event]:
    """The case's events as the county stores them (what a push would have written)."""
    with app.reading() as s:
        events = repo.events_for(s, cases.resolve_case_id(s, number))
    with sessions() as s, s.begin():
        stored = set(s.scalars(select(CountyEventRow.event_id)))
        for e in events:
            if e.event_id not in stored:
                _store(s, e)
    return events


def _store(s: Session, e: ev.Event) -> None:
    envelope = {k: getattr(e, k) for k in ev.ENVELOPE}
    s.add(CountyEventRow(**envelope, received_at=utcnow(), payload=e.payload))


def _queue(sessions: sessionmaker[Session], event: ev.Event, stage: str, to: str) -> None:
    with sessions() as s, s.begin():
        notify.queue(s, event, [notify.Message("sms", stage, to, "subject", stage)], utcnow())


def _retry_now(sessions: sessionmaker[Session]) -> None:
    with sessions() as s, s.begin():
        for row in s.scalars(select(NotificationRow).where(NotificationRow.status == "queued")):
            row.next_attempt_at = utcnow() - timedelta(seconds=1)


def _statuses(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as s:
        return [
            r.status for r in s.scalars(select(NotificationRow).order_by(NotificationRow.stage))
        ]


def test_a_retried_notice_goes_to_the_number_the_case_has_now(app: App, tmp_path: Path) -> None:
    sessions = _county(tmp_path)
    number = new_case(app, phone=OLD)
    (received, *_rest) = _copy_case(app, sessions, number)
    _queue(sessions, received, "received", OLD)
    gateway = Gateway(fail=1)  # the old phone's number no longer answers
    notify.dispatch_due(sessions, gateway)
    case_contact.change_phone(app, number, NEW)
    _copy_case(app, sessions, number)
    _retry_now(sessions)
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [(NEW, "received")]
    assert _statuses(sessions) == ["sent"]


def test_a_ready_notice_whose_code_was_replaced_or_used_is_not_sent(
    app: App, tmp_path: Path
) -> None:
    sessions = _county(tmp_path)
    number, token = ready_with_county_keys(app)
    ready = _copy_case(app, sessions, number)[-1]
    assert ready.type == ev.READY_FOR_PICKUP
    _queue(sessions, ready, "ready_for_pickup", OLD)
    # the county made it ready again with another code (a new number, a new code asked)
    again = {"office": "H01", "pickup_number": "9999", "token": token}
    with sessions() as s, s.begin():
        _store(s, ev.Event(new_id(), ready.case_id, ev.READY_FOR_PICKUP, "H01", "CTY", "county",
                           utcnow(), again))  # fmt: skip
    gateway = Gateway()
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [] and _statuses(sessions) == ["superseded"]


def test_a_ready_notice_of_a_case_collected_meanwhile_is_not_sent(app: App, tmp_path: Path) -> None:
    sessions = _county(tmp_path)
    number, token = ready_with_county_keys(app)
    ready = _copy_case(app, sessions, number)[-1]
    _queue(sessions, ready, "ready_for_pickup", OLD)
    assert pickup.handover(app, token).handed_over  # with the ID card, before the MMS went
    _copy_case(app, sessions, number)
    gateway = Gateway()
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [] and _statuses(sessions) == ["superseded"]


def test_a_supplement_notice_of_a_request_already_answered_is_not_sent(
    app: App, tmp_path: Path
) -> None:
    """An office's day offline is pushed at once: the citizen who brought the document that
    morning, whose case was then closed, was told 尚需補正 by the evening's notice. A request
    still awaited is told; one asked again with another reason is told with the new reason
    only."""
    sessions = _county(tmp_path)
    number = new_case(app, phone=OLD)
    cases.request_supplement(app, number, "請補附戶口名簿影本")
    first = _copy_case(app, sessions, number)[-1]
    assert first.type == ev.SUPPLEMENT_REQUESTED
    _queue(sessions, first, "supplement_requested", OLD)
    cases.record_supplement(app, number)
    cases.request_supplement(app, number, "委託書未簽名")
    again = _copy_case(app, sessions, number)[-1]
    _queue(sessions, again, "supplement_requested", OLD)
    gateway = Gateway()
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [(OLD, "supplement_requested")]  # the second request's only
    assert sorted(_statuses(sessions)) == ["sent", "superseded"]


def test_a_supplement_notice_retried_after_the_document_came_is_not_sent(
    app: App, tmp_path: Path
) -> None:
    sessions = _county(tmp_path)
    number = new_case(app, phone=OLD)
    cases.request_supplement(app, number, "請補附戶口名簿影本")
    asked = _copy_case(app, sessions, number)[-1]
    _queue(sessions, asked, "supplement_requested", OLD)
    gateway = Gateway(fail=1)  # the SMS gateway is down for a while
    notify.dispatch_due(sessions, gateway)
    cases.record_supplement(app, number)
    _copy_case(app, sessions, number)
    _retry_now(sessions)
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [] and _statuses(sessions) == ["superseded"]


def test_a_supplement_notice_of_a_case_rejected_meanwhile_is_not_sent(
    app: App, tmp_path: Path
) -> None:
    """Rejected for the supplement never brought (逾期未補正), the case asks for it no more."""
    sessions = _county(tmp_path)
    number = new_case(app, phone=OLD)
    cases.request_supplement(app, number, "請補附戶口名簿影本")
    asked = _copy_case(app, sessions, number)[-1]
    _queue(sessions, asked, "supplement_requested", OLD)
    cases.reject_case(app, number, "逾期未補正，依規定駁回")
    _copy_case(app, sessions, number)
    gateway = Gateway()
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [] and _statuses(sessions) == ["superseded"]


def test_an_e_mail_notice_goes_to_the_address_the_case_has_now(app: App, tmp_path: Path) -> None:
    """A mistyped address (someone else's) corrected by the clerk: the notice queued before,
    retried, or resent for the citizen to have it at last, went on going to the stranger's
    address it was queued with; removed (""), the case is told by e-mail no more."""
    sessions = _county(tmp_path)
    number = new_case(app, phone=OLD, email="wrong@example.com")
    (received, *_rest) = _copy_case(app, sessions, number)
    with sessions() as s, s.begin():
        message = notify.Message("email", "received", "wrong@example.com", "subject", "received")
        notify.queue(s, received, [message], utcnow())
    correct_applicant(app, number, "地址打錯", email="right@example.com")
    _copy_case(app, sessions, number)
    gateway = Gateway()
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [("right@example.com", "received")]
    correct_applicant(app, number, "民眾不要電子郵件", email="")
    _copy_case(app, sessions, number)
    with sessions() as s, s.begin():
        assert notice_outcomes.resend(s, received.case_id, "received", utcnow()) == 1
    notify.dispatch_due(sessions, gateway)
    assert gateway.sent == [("right@example.com", "received")]
    assert _statuses(sessions) == ["superseded"]
