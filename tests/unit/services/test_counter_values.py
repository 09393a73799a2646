"""The counter refuses, before storing, every value the wire or the county would refuse later
(issue 11: one value typed at the counter must never block a device's whole outbox)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from factories import FIELDS, request
from operator_support import sign_in
from sqlalchemy import func, select

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeErrors, intake
from eservice_desktop.storage.models import EventRow


def stored(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)


def test_a_200_character_clerk_is_refused_and_nothing_stored(
    make_app: Callable[[Settings], App], settings: Settings
) -> None:
    app = make_app(settings)
    sign_in(app, "c" * 200)  # an account the event checks refuse, however it got signed in
    with pytest.raises(DomainError) as e:
        intake(app, request())
    assert e.value.field == "clerk"
    assert stored(app) == 0


@pytest.mark.parametrize(
    "name", ["王\x00明", "王\x1b[31m明", "王\u202e明", "王\uffff", "王\ud800明", "王\x07"]
)
def test_names_with_control_bidi_or_noncharacters_are_refused(app: App, name: str) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(applicant_name=name))
    error = e.value.errors["applicant_name"]
    # shown beside the field: it names the field in the clerk's words, not the form's key
    assert error.message_zh.startswith("申請人姓名") and "applicant_name" not in str(error)
    assert error.message_en.startswith("Applicant's name")
    assert stored(app) == 0


def test_rare_cjk_names_are_kept(app: App) -> None:
    view = intake(app, request(applicant_name="𫝀𬺰𰻞\U00031350"))
    assert view.applicant_name == "𫝀𬺰𰻞\U00031350"


@pytest.mark.parametrize("email", ["a\x00@b.tw", "x" * 300 + "@b.tw", "a@b\u202e.tw"])
def test_bad_e_mail_is_refused(app: App, email: str) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(email=email))
    error = e.value.errors["email"]
    assert error.message_zh.startswith("電子郵件") and "email" not in error.message_zh
    assert "email:" not in error.message_en
    assert stored(app) == 0


@pytest.mark.parametrize(
    "at",
    [
        datetime(2100, 3, 1, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12))),
    ],
)
def test_receipt_times_outside_the_window_or_future_are_refused(app: App, at: datetime) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(received_at=at))
    assert "received_at" in e.value.errors
    assert stored(app) == 0


def test_a_receipt_time_later_today_or_tomorrow_is_refused(app: App) -> None:
    """``--received`` up to a day ahead was taken (``收件時間不可晚於現在`` only beyond it): the
    case missing from today's list, its fee not payable before its receipt time came."""
    now = app.now()  # 10:00 in Taipei
    for ahead in (timedelta(hours=23), timedelta(minutes=1)):
        with pytest.raises(IntakeErrors) as e:
            intake(app, request(received_at=now + ahead))
        error = e.value.errors["received_at"]
        assert error.code == "time.future" and "現在 115/03/10 10:00:00" in error.message_zh
    assert stored(app) == 0
    assert intake(app, request(received_at=now)).case_number  # now itself is not the future


def test_unknown_field_keys_and_bad_field_text_are_refused(app: App) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(fields={**FIELDS, "no_such_field": "x"}))
    assert "fields" in e.value.errors
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(fields={**FIELDS, "registered_address": "中正路\x1b[2J"}))
    assert "registered_address" in e.value.errors
    assert stored(app) == 0


def _acts(app: App, number: str, bad: str) -> dict[str, Callable[[], object]]:
    """Every counter action on a case that takes text typed by the clerk, given ``bad``."""
    from eservice_desktop.services import cases, fees, payments

    return {
        "supplement": lambda: cases.request_supplement(app, number, bad),
        "reject": lambda: cases.reject_case(app, number, bad),
        "cancel": lambda: cases.cancel_case(app, number, bad),
        "close": lambda: cases.close_case(app, number, bad),
        "accept": lambda: cases.accept_case(app, number, bad),
        "exemption": lambda: fees.assess(app, number, exempt=True, reason=bad),
        "card reference": lambda: payments.record_payment(app, number, "card", 15, reference=bad),
    }


@pytest.mark.parametrize("bad", ["民眾\u202e撤回", "撤回\x07", "撤" * 2001])
def test_text_a_case_action_cannot_store_is_refused_naming_the_field(app: App, bad: str) -> None:
    """The case detail's reason, the exemption's reason and the card terminal's reference:
    refused before anything is stored or a supervisor is asked, in the clerk's words (the
    field, not the event's 'payload')."""
    from factories import new_case

    number = new_case(app)
    before = stored(app)
    for what, act in _acts(app, number, bad).items():
        with pytest.raises(DomainError) as info:
            act()
        error = info.value
        assert error.code in ("value.character", "value.too_long"), (what, error)
        assert "payload" not in f"{error.message_zh} {error.message_en}", what
        assert error.message_zh.split("：")[0] in ("理由", "減免原因", "交易序號"), what
    assert stored(app) == before
