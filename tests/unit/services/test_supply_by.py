"""A supplement request's day to supply by (補件期限) and the documents it asks for: checked at
the counter when the clerk asks, stored in the event's payload, shown on the case, and read
back the same by an office that knows nothing of them (the payload keeps keys it does not name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from factories import new_case

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.payloads.base import opt
from eservice_desktop.services import cases, supplement
from eservice_desktop.services.core import App

# The suite's clock: 2026-03-10 10:00 Taipei, a Tuesday; 2026-04-03 to 04-06 are days off.


def _refused(app: App, text: str) -> DomainError:
    with pytest.raises(DomainError) as e:
        supplement.supply_by_from_text(app, text)
    return e.value


def test_the_day_is_stored_shown_and_cleared_when_the_supplement_comes(app: App) -> None:
    number = new_case(app)
    view = cases.request_supplement(
        app, number, "請補附委託書", ["印章或簽名"], supply_by=date(2026, 3, 17)
    )
    assert view.supplement_by == "2026-03-17" and not view.supplement_overdue
    assert view.supplement_items == ["印章或簽名"]
    shown = cases.show_case(app, number)
    assert (shown.supplement_by, shown.supplement_items) == ("2026-03-17", ["印章或簽名"])
    asked = [e for e in shown.events if e["type"] == ev.SUPPLEMENT_REQUESTED]
    assert asked[0]["payload"] == {
        "reason": "請補附委託書",
        "items": ["印章或簽名"],
        "supply_by": "2026-03-17",
    }
    view = cases.record_supplement(app, number)
    assert (view.supplement_by, view.supplement_items) == (None, [])


def test_a_day_passed_shows_on_the_case(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    number = new_case(app)
    cases.request_supplement(app, number, "缺印章", supply_by=date(2026, 3, 10))
    assert not cases.show_case(app, number).supplement_overdue  # today is still in time
    clock.set(clock.now + timedelta(days=1))
    assert cases.show_case(app, number).supplement_overdue


def test_typed_days_the_counter_refuses(app: App) -> None:
    assert supplement.supply_by_from_text(app, "１１５／３／１７") == date(2026, 3, 17)
    assert supplement.supply_by_from_text(app, "  ") is None
    assert _refused(app, "115/3/9").code == "supply_by.past"
    assert "今天（民國115年3月10日）" in _refused(app, "115/3/9").message_zh
    assert _refused(app, "0/3/9").code == "date.before_roc"
    assert _refused(app, "115/2/30").code == "date.invalid"
    assert _refused(app, "999/1/4").code == "supply_by.too_far"
    day_off = _refused(app, "115/4/4")
    assert day_off.code == "supply_by.day_off" and "兒童節" in day_off.message_zh
    assert "民國115年4月7日" in day_off.message_zh and "ROC 115/04/07" in day_off.message_en
    assert "民國" not in _refused(app, "115/3/9").message_en
    assert _refused(app, "2026-03-17").code == "date.format"
    assert all(e.field == "supply_by" for e in (_refused(app, "x"), _refused(app, "115/3/9")))


def test_a_past_day_is_refused_before_anything_is_stored(app: App) -> None:
    number = new_case(app)
    with pytest.raises(DomainError) as e:
        cases.request_supplement(app, number, "缺印章", supply_by=date(2026, 3, 9))
    assert e.value.code == "supply_by.past"
    assert cases.show_case(app, number).status != "supplement_requested"


def test_only_the_cases_own_documents_are_asked_for(app: App) -> None:
    number = new_case(app)
    with pytest.raises(DomainError) as e:
        cases.request_supplement(app, number, "缺件", ["戶口名簿"])
    assert e.value.code == "supply_items.unknown" and "申請人國民身分證正本" in e.value.message_zh
    assert "Seal or signature" in e.value.message_en
    view = cases.request_supplement(app, number, "缺件", [" 印章或簽名 ", "Seal or signature"])
    assert view.supplement_items == ["印章或簽名"]  # stored as the catalogue names it


def test_the_payload_rule_takes_no_clock_and_refuses_what_no_office_takes() -> None:
    ok = pl.SupplementRequested.from_payload({"reason": "r", "supply_by": "2020-01-02"})
    assert ok.supply_by == "2020-01-02"  # past: an event made offline is pushed days later
    for bad in ("2026-02-30", "115/03/17", "0999-01-01", "２０２６-01-01", 20260317, ""):
        with pytest.raises(DomainError):
            pl.SupplementRequested.from_payload({"reason": "r", "supply_by": bad})
    for items in ("a", [""], ["a", "a"], [1], ["a\nb"], ["x"] * 31):
        with pytest.raises(DomainError):
            pl.SupplementRequested.from_payload({"reason": "r", "items": items})


@dataclass(frozen=True, kw_only=True)
class _Earlier(pl.EventPayload):
    """``case.supplement_requested`` as an earlier office and county read it."""

    TYPE = ev.SUPPLEMENT_REQUESTED
    items: list[Any] | None = opt()


def test_an_office_that_names_neither_key_keeps_them_as_they_came() -> None:
    """An earlier version's payload class had ``items`` with no rule and no ``supply_by``:
    the key it does not name is kept in ``extra`` and written back in place, so the event's
    hash (``domain.chain``) is the same everywhere; and this version reads the earlier one's."""
    sent = {"reason": "r", "items": ["印章或簽名"], "supply_by": "2026-03-17"}
    earlier = _Earlier.from_payload(sent)
    assert earlier.to_payload() == sent and earlier.extra == {"supply_by": "2026-03-17"}
    assert pl.SupplementRequested.from_payload(sent).to_payload() == sent
    older = {"reason": "r", "items": []}
    typed = pl.SupplementRequested.from_payload(older)
    assert typed.to_payload() == older and typed.supply_by is None
