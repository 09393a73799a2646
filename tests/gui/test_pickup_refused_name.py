"""A code the desk refuses shows whoever holds it the applicant's name masked (王○明): an old
code the clerk replaced because the MMS went to someone else, or a code replayed after the
documents were handed over, showed the applicant's full name across the counter to its
holder, who may be anyone (the name is masked once a case is handed over for the same
reason: the next citizen in the queue read it). A code that can be handed over, or that waits
for its fee, still shows it in full for the clerk to check."""

from __future__ import annotations

import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import cases, pickup, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest
from eservice_desktop.storage import repo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from keystrokes import burst
from pickup_support import County, ready_case


def _scan(desk: PickupDesk, qtbot: QtBot, code: str, reason: str) -> str:
    desk.result = None
    burst(desk.scan_edit, code)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
    assert desk.result is not None and desk.result.reason == reason, desk.result
    return desk.case_labels["applicant"].text()


def test_a_refused_code_shows_the_applicant_s_name_masked(
    desk: PickupDesk, app: App, qtbot: QtBot
) -> None:
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    number, forwarded = ready_case(app, county, pickup_number="0427")
    state = cases.load_case(app, number)
    name = state.applicant_name
    # the county replaced the code (the MMS was forwarded): the new one is the citizen's
    current = county.token(case_id=state.case_id, case_number=number, pickup_number="5310")
    with app.transaction() as s:  # pulled from the county, as its new ready notice is
        e = Actor("H01", "CTY", "county").event(
            state.case_id,
            ev.READY_FOR_PICKUP,
            app.now(),
            {"office": "H01", "pickup_number": "5310", "token": current},
        )
        ingest(app, s, e, repo.load_state(s, state.case_id), origin="county")
    desk.scan_edit.setFocus()

    shown = _scan(desk, qtbot, forwarded, "case_mismatch")
    assert name not in shown and shown.startswith(name[0]) and "A12345****" in shown
    assert "此條碼已被新的領件通知取代" in desk.message_label.text()

    shown = _scan(desk, qtbot, current, "ok")
    assert shown.startswith(name)  # the citizen's own code: in full, to be checked
    assert pickup.handover(app, current).handed_over

    shown = _scan(desk, qtbot, current, "already_picked_up")  # replayed after the handover
    assert name not in shown and shown.startswith(name[0])
