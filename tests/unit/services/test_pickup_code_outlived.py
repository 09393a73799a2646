"""A genuine code past its date, or for another office, whose case this desk knows became
something else: it was answered "expired, ask a clerk for a new notice" or "go to that office"
for a case collected meanwhile (by a relative, with the ID card) or already sent a newer
code. The desk says what became of the case; the reason stays what it was (the contract)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import cases, pickup
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest
from eservice_desktop.services.pickup_id_card import id_card_pickup
from eservice_desktop.storage import repo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case

LONG_AGO = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # its code expired at the start of February


def _ready_again(app: App, county: County, number: str, office: str = "H01") -> str:
    """The county's newer code for the case, ready at ``office``, pulled."""
    case_id = cases.load_case(app, number).case_id
    token: str = county.token(
        case_id=case_id, case_number=number, office=office, pickup_number="5310"
    )
    with app.transaction() as s:
        e = Actor(office, "CTY", "county").event(
            case_id,
            ev.READY_FOR_PICKUP,
            app.now(),
            {"office": office, "pickup_number": "5310", "token": token},
        )
        ingest(app, s, e, repo.load_state(s, case_id), origin="county")
    return token


def test_an_expired_code_of_a_case_collected_with_the_id_card_says_collected(
    app: App, county: County
) -> None:
    number, old = ready_case(app, county, issued_at=LONG_AGO)
    assert id_card_pickup(app, "A123456789", hand_over=True).handed_over
    r = pickup.verify(app, old)
    assert (r.reason, r.case_number) == ("expired", number)
    assert "不可重複交付" in r.message_zh and "重新通知" not in r.message_zh
    assert "already collected" in r.message_en and "new notice" not in r.message_en
    assert r.details["expires_at"] and r.details["picked_up_office"] == "H01"


def test_an_expired_code_a_newer_one_replaced_sends_to_the_newer_message(
    app: App, county: County
) -> None:
    number, old = ready_case(app, county, pickup_number="0427", issued_at=LONG_AGO)
    newer = _ready_again(app, county, number)
    r = pickup.verify(app, old)
    assert (r.reason, r.case_number) == ("expired", number)
    assert "已被新的領件通知取代" in r.message_zh and "重新通知" not in r.message_zh
    assert "replaced by a newer pickup notice" in r.message_en
    assert pickup.verify(app, newer).ok


def test_an_expired_code_still_the_case_s_own_asks_for_a_new_notice(
    app: App, county: County
) -> None:
    number, old = ready_case(app, county, issued_at=LONG_AGO)
    r = pickup.verify(app, old)
    assert (r.reason, r.case_number) == ("expired", number)
    assert "逾期" in r.message_zh and "重新通知領件" in r.message_zh


def test_an_old_code_of_another_office_for_a_case_moved_here_sends_to_the_newer_message(
    app: App, county: County
) -> None:
    """Made ready at H02, then moved here with a new code: the old one said 此條碼限於「…」
    領件，請民眾前往該所領取, and the citizen went to H02 for a case waiting here."""
    number, old = ready_case(app, county, office="H02")
    newer = _ready_again(app, county, number, office="H01")
    r = pickup.verify(app, old)
    assert (r.reason, r.case_number, r.details["office"]) == ("wrong_office", number, "H02")
    assert "前往" not in r.message_zh and "已被新的領件通知取代" in r.message_zh
    assert pickup.verify(app, newer).ok
