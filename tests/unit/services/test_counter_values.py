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
    assert "applicant_name" in e.value.errors
    assert stored(app) == 0


def test_rare_cjk_names_are_kept(app: App) -> None:
    view = intake(app, request(applicant_name="𫝀𬺰𰻞\U00031350"))
    assert view.applicant_name == "𫝀𬺰𰻞\U00031350"


@pytest.mark.parametrize("email", ["a\x00@b.tw", "x" * 300 + "@b.tw", "a@b\u202e.tw"])
def test_bad_e_mail_is_refused(app: App, email: str) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(email=email))
    assert "email" in e.value.errors
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


def test_unknown_field_keys_and_bad_field_text_are_refused(app: App) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(fields={**FIELDS, "no_such_field": "x"}))
    assert "fields" in e.value.errors
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(fields={**FIELDS, "registered_address": "中正路\x1b[2J"}))
    assert "registered_address" in e.value.errors
    assert stored(app) == 0
