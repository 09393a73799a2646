"""The citizen's notices on the case: outcomes reported by the county, and the clerk's resend.

The county sends the notices (``county.notify``) and reports each outcome through the change
feed (``kind: notification``: queued, retrying, sent, failed, superseded), kept here in
``sync_notifications``. A resend is the event ``case.notice_resend_requested`` (``stage``)
recorded on the case through the one ingest path; it reaches the county with the next push and
the county queues that stage's notice again (docs/protocol.md). Recorded offline, it waits in
the outbox like any event, and the case's timeline shows who asked and when.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.notice_labels import NOTICE_STAGE_LABELS
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncNotificationRow

#: Outcomes still on their way: a resend would only send the notice twice.
PENDING = frozenset({"queued", "retrying"})


@dataclass(frozen=True)
class Notice:
    notification_id: str
    stage: str
    channel: str  # sms | mms | email
    status: str  # queued | retrying | sent | failed | superseded
    attempts: int
    at: str  # ISO UTC of the latest outcome

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def notices_in(session: Session, case_id: str) -> list[Notice]:
    rows = session.scalars(
        select(SyncNotificationRow)
        .where(SyncNotificationRow.case_id == case_id)
        .order_by(SyncNotificationRow.updated_at, SyncNotificationRow.notification_id)
    )
    return [
        Notice(
            notification_id=r.notification_id,
            stage=r.stage,
            channel=r.channel,
            status=r.status,
            attempts=r.attempts,
            at=_aware(r.updated_at).isoformat(),
        )
        for r in rows
    ]


def of_case(app: App, case_number: str) -> list[Notice]:
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        return notices_in(s, cases.resolve_case_id(s, case_number))


def request_resend(app: App, case_number: str, stage: str) -> list[Notice]:
    """Records ``case.notice_resend_requested``; the notices of ``stage`` it concerns."""
    require(app, Action.PROCESS)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        mine = [n for n in notices_in(s, case_id) if n.stage == stage]
        if not mine:
            zh, en = NOTICE_STAGE_LABELS.get(stage, (stage, stage))
            raise DomainError(
                "notice.none",
                f"本案沒有「{zh}」可重送（{stage}）",
                f"This case has no “{en}” notice to send again ({stage})",
                "stage",
            )
        if stage == "ready_for_pickup":
            _refuse_expired_code(app, s, case_id)
        if any(n.status in PENDING for n in mine):
            raise DomainError(
                "notice.pending",
                "此通知正在傳送中，請稍候再看結果",
                "This notice is still being sent; wait for its outcome",
                "stage",
            )
        latest = max(datetime.fromisoformat(n.at) for n in mine)
        asked = s.execute(
            select(EventRow.at, EventRow.payload).where(
                EventRow.case_id == case_id, EventRow.type == ev.NOTICE_RESEND_REQUESTED
            )
        )
        for at, payload in asked:
            if payload.get("stage") == stage and _aware(at) >= latest:
                raise DomainError(
                    "notice.resend_pending",
                    "已要求重送此通知，尚待縣府回報結果",
                    "A resend of this notice was already requested; its outcome is not back yet",
                    "stage",
                )
        cases.record(app, s, case_id, ev.NOTICE_RESEND_REQUESTED, {"stage": stage})
        return mine


def _refuse_expired_code(app: App, s: Session, case_id: str) -> None:
    """A ready notice sent again carries the same code: one past its expiry is refused at every
    desk (``expired``, whose words send the citizen to a clerk for a new notice), so sending it
    again sent the citizen back with the same dead code. A new code is asked for instead
    (``case_contact.reissue_code``, docs/pickup.md "A new pickup code")."""
    from eservice_desktop.domain import pickup_token as pt
    from eservice_desktop.domain.office_zone import TAIPEI
    from eservice_desktop.services.pickup_views import ready_token, roc_date

    token = ready_token(s, case_id)
    try:
        expires = pt.parse_claims(pt.token_bytes(token)).expires_at if token else None
    except (DomainError, ValueError):
        return  # not a code this desk reads: the county's resend says what became of it
    if expires is not None and expires < app.now():
        raise DomainError(
            "notice.code_expired",
            f"此領件碼已於 {roc_date(expires)} 逾期，重送仍是同一組逾期的領件碼；"
            "請按「重發領件碼」(Alt+Q，或 case reissue-code) 請縣府另發",
            f"This pickup code expired on {expires.astimezone(TAIPEI):%Y-%m-%d}; sending it again "
            "sends the same expired code: ask for a new one (New pickup code, Alt+Q, or "
            "case reissue-code)",
            "stage",
        )
