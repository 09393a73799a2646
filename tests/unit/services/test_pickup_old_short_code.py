"""A code that is not what it was, as the desk says it: a short code read out from a code the
desk was sent but cannot hand over on (replaced by a newer notice, its case collected) is
refused as that code is, not as "no such short code", and is no wrong guess towards the lock
of short codes; a code for another office whose case was collected there says so."""

from __future__ import annotations

import sys
from pathlib import Path

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import access, cases, pickup
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest
from eservice_desktop.storage import repo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case


def _made_ready_again(app: App, county: County, number: str, pickup_number: str) -> str:
    """The county's new code for a ready case (a new phone, or a code reissued), pulled."""
    case_id = cases.load_case(app, number).case_id
    token: str = county.token(case_id=case_id, case_number=number, pickup_number=pickup_number)
    with app.transaction() as s:
        e = Actor("H01", "CTY", "county").event(
            case_id,
            ev.READY_FOR_PICKUP,
            app.now(),
            {"office": "H01", "pickup_number": pickup_number, "token": token},
        )
        ingest(app, s, e, repo.load_state(s, case_id), origin="county")
    return token


def test_yesterdays_short_code_is_said_replaced_and_is_no_wrong_guess(
    app: App, county: County
) -> None:
    number, first = ready_case(app, county, pickup_number="0427")
    newer = _made_ready_again(app, county, number, "0815")
    old_short = pt.short_code(first)
    for _ in range(pickup.SHORT_CODE_TRIES + 1):
        r = pickup.verify(app, old_short)
        assert (r.ok, r.reason, r.case_number) == (False, "case_mismatch", number)
        assert "領件號碼 0427 的簡訊是舊的領件通知，已被新的領件通知取代" in r.message_zh
        assert "請民眾出示最新收到的簡訊" in r.message_zh
        assert "replaced by a newer one" in r.message_en
        assert "0815" not in r.message_zh + r.message_en  # the new number: maybe not hers
    refused = pickup.handover(app, old_short)
    assert not refused.handed_over and refused.reason == "case_mismatch"
    # six tries of the old code locked nothing: the new one's short code is taken
    assert pickup.verify(app, pt.short_code(newer)).ok
    views = access.report(app, action=access.VIEW)
    assert [r.detail for r in views][:2] == ["pickup code case_mismatch"] * 2


def test_a_short_code_of_a_case_collected_says_when_and_where(app: App, county: County) -> None:
    number, token = ready_case(app, county, pickup_number="0427")
    assert pickup.handover(app, token).handed_over
    r = pickup.verify(app, pt.short_code(token))
    assert (r.reason, r.case_number) == ("already_picked_up", number)
    assert "不可重複交付" in r.message_zh and "already collected" in r.message_en


def test_a_short_code_no_code_has_is_still_unknown_and_counted(app: App, county: County) -> None:
    number, first = ready_case(app, county, pickup_number="0427")
    _made_ready_again(app, county, number, "0815")
    wrong = "0427-" + ("ZZZZ" if pt.short_code(first)[5:] != "ZZZZ" else "YYYY")
    for _ in range(pickup.SHORT_CODE_TRIES):
        assert pickup.verify(app, wrong).reason == "unknown_short_code"
    assert pickup.verify(app, pt.short_code(first)).reason == pickup.SHORT_CODE_LOCKED


def _collected_at_h02(app: App, county: County) -> tuple[str, str]:
    """A case taken in here for pickup at H02, made ready there, and collected at H02's desk
    03 (pulled from the county, as every event of another office is)."""
    number, token = ready_case(app, county, office="H02")
    state = cases.load_case(app, number)
    with app.transaction() as s:
        e = Actor("H02", "03", "clerk7").event(
            state.case_id, ev.PICKED_UP, app.now(), {"by": {"self": True}, "via": "qr"}
        )
        ingest(app, s, e, repo.load_state(s, state.case_id), origin="county")
    return number, token


def test_a_code_for_another_office_collected_there_says_collected(app: App, county: County) -> None:
    """The code names H02 and the case was collected there: the desk sent the citizen to H02
    for documents already handed over. It says when and where (the reason as before)."""
    number, token = _collected_at_h02(app, county)
    for code in (token, pt.short_code(token)):
        r = pickup.verify(app, code)
        assert (r.reason, r.case_number) == ("wrong_office", number)
        assert "前往" not in r.message_zh and "not here" not in r.message_en
        assert "文件已於 民國115年3月10日 10:00 在" in r.message_zh
        assert "第 03 號櫃檯領取" in r.message_zh and "不可重複交付" in r.message_zh
        assert "already collected on 2026-03-10 10:00" in r.message_en
        assert "desk 03" in r.message_en
        assert "王" not in r.message_zh  # no personal data
        assert (r.details["office"], r.details["picked_up_office"]) == ("H02", "H02")
        assert r.details["device"] == "03" and r.details["picked_up_at"]


def test_a_code_for_another_office_not_collected_still_names_it(app: App, county: County) -> None:
    number, token = ready_case(app, county, office="H02")
    r = pickup.verify(app, token)
    assert (r.reason, r.case_number) == ("wrong_office", number)
    assert "請民眾前往該所領取" in r.message_zh
