"""A pickup code replaced twice must stay dead when the county happens to draw its pickup
number again (real county server on loopback). The county draws a new code's pickup number at
random, avoiding only the number of the code it replaces; the desk took a code as the case's
current one when its pickup number was the case's. A clerk asked for a new code (the MMS had
been forwarded to a relative), then for another (a new phone): the third code drew the first
one's number, and the forwarded code handed the documents over again at every desk."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.county import push_rows
from eservice_desktop.services import access, case_contact, cases, payments, pickup
from eservice_desktop.services.core import App


class _Draws:
    """The county's draws of a pickup number: the first code's number comes up again."""

    def __init__(self, numbers: list[int]) -> None:
        self._numbers: Iterator[int] = iter(numbers)

    def randbelow(self, _n: int) -> int:
        return next(self._numbers)


def test_a_code_replaced_twice_stays_dead_when_its_number_is_drawn_again(
    office: Callable[..., App],
    sqlite_county: CountyServer,
    clock: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(push_rows, "secrets", _Draws([427, 1234, 427]))
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    payments.record_payment(h01, number, "cash", 15, tendered=15)
    cases.close_case(h01, number)
    sync_now(h01)
    sync_now(h01)
    forwarded = pickup.stored_token(h01, number)
    assert forwarded and cases.load_case(h01, number).pickup_number == "0427"
    for ask in ("reissue", "phone"):
        clock.set(clock.now + timedelta(minutes=5))
        time.sleep(1.1)  # the county signs at its own clock's second: another code
        if ask == "reissue":
            case_contact.reissue_code(h01, number)
        else:
            case_contact.change_phone(h01, number, "0922333444")
        sync_now(h01)
        sync_now(h01)
    current = pickup.stored_token(h01, number)
    assert current and current != forwarded
    assert cases.load_case(h01, number).pickup_number == "0427"  # drawn again

    refused = pickup.verify(h01, forwarded)
    assert refused.reason == "case_mismatch", refused.message_en
    assert "此條碼已被新的領件通知取代" in refused.message_zh
    assert "replaced by a newer pickup notice" in refused.message_en
    assert not pickup.handover(h01, forwarded).handed_over
    assert cases.load_case(h01, number).lifecycle == "ready_for_pickup"
    seen = access.report(h01, case_number=number)  # the auditor finds who presented it
    assert [r.detail for r in seen][-1] == "pickup code case_mismatch"
    assert pickup.handover(h01, current).handed_over  # the citizen's own code still works
