"""重送通知 of a ready notice whose pickup code has expired is refused and points to 重發領件碼:
the notice sent again carries the same code, which every desk refuses as expired with words
that send the citizen to a clerk for a new notice (docs/pickup.md, "A new pickup code")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pickup_support import County, ready_case

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, notices, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import inbox


def _ready_notice_sent(app: App, number: str) -> None:
    """What a pull of the county's ``notification`` change stores."""
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        data = {"notification_id": "n1", "case_id": case_id, "channel": "mms",
                "stage": "ready_for_pickup", "status": "sent", "attempts": 1,
                "at": "2026-03-09T02:01:00+00:00"}  # fmt: skip
        inbox._notification(s, data, datetime(2026, 3, 9, 2, 1, tzinfo=UTC))


def _ready(app: App) -> str:
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    number, _token = ready_case(app, county)  # issued 2026-03-09, good through 2026-04-08
    _ready_notice_sent(app, number)
    return number


def _resends(app: App, number: str) -> int:
    types = [e["type"] for e in cases.show_case(app, number).events]
    return types.count(ev.NOTICE_RESEND_REQUESTED)


def test_a_current_code_is_sent_again(app: App) -> None:
    number = _ready(app)
    assert [n.stage for n in notices.request_resend(app, number, "ready_for_pickup")] == [
        "ready_for_pickup"
    ]
    assert _resends(app, number) == 1


def test_an_expired_code_is_not_sent_again(app: App, clock: object) -> None:
    number = _ready(app)
    clock.set(datetime(2026, 4, 9, 2, 0, tzinfo=UTC))  # type: ignore[attr-defined]  # a day late
    with pytest.raises(DomainError) as err:
        notices.request_resend(app, number, "ready_for_pickup")
    assert err.value.code == "notice.code_expired"
    assert "115年4月8日" in err.value.message_zh and "重發領件碼" in err.value.message_zh
    assert "2026-04-08" in err.value.message_en and "New pickup code" in err.value.message_en
    assert _resends(app, number) == 0
