"""Two counters of one office that act on the same case offline, then sync (two devices
against a real county server): the money and the documents must never go wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import factories
import pytest
from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, daily_closing, fees, payments, pickup, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.conflicts import open_conflicts, resolve_conflict

FEE = 300  # HR-TRANSCRIPT, NT$15 a copy: 20 copies


def _both_have_the_case(county: CountyServer, office: Callable[..., App]) -> tuple[App, App, str]:
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    number = factories.new_case(d1, copies=20, phone="0912345678")
    sync_now(d1)
    sync_now(d2)
    return d1, d2, number


def _race(d1: App, d2: App) -> None:
    """01 pushes first; then both pull what the other did."""
    for app in (d1, d2, d1, d2):
        sync_now(app)


def _handed_over_while_voided(
    county: CountyServer, office: Callable[..., App]
) -> tuple[App, App, str, str]:
    """Paid and ready on both; offline, 02 hands the documents over while 01 voids the fee's
    receipt (a supervisor approving); then both sync. The case's number and the receipt's."""
    d1, d2, number = _both_have_the_case(county, office)
    receipt = payments.record_payment(d1, number, "cash", FEE).receipt_number
    cases.close_case(d1, number)
    for app in (d1, d1, d2):
        sync_now(app)
    token = pickup.stored_token(d1, number)
    add_accounts(d1)
    payments.void_receipt(d1, receipt, "金額誤收", approval=supervisor_approval())
    assert pickup.handover(d2, token).handed_over
    _race(d1, d2)
    return d1, d2, number, receipt


def _drawers(app: App) -> tuple[int, int, int]:
    day = cases.today(app)
    return tuple(  # type: ignore[return-value]
        daily_closing.closing(app, day, dev).cash_expected for dev in ("01", "02", None)
    )


def test_a_fee_taken_on_both_counters_offline_is_over_paid_until_refunded(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """The citizen paid twice: both payments are money in a drawer. The county took the second
    as it took the first (it refused it as over the balance, and counter 01 never learnt of
    the money in drawer 02: 01's office-wide closing said 300, 02's said 600, and a refund of
    it was refused in turn); every counter shows the case over-paid and lists it to refund."""
    d1, d2, number = _both_have_the_case(county, office)
    first = payments.record_payment(d1, number, "cash", FEE, tendered=FEE).receipt_number
    second = payments.record_payment(d2, number, "cash", FEE, tendered=FEE).receipt_number
    payments.confirm_printed(d1, first)
    payments.confirm_printed(d2, second)
    _race(d1, d2)
    assert county.conflicts() == 0
    for app in (d1, d2):
        state = cases.load_case(app, number)
        assert (state.paid, state.balance) == (2 * FEE, -FEE)
        assert _drawers(app) == (FEE, FEE, 2 * FEE)
        [conflict] = open_conflicts(app)
        assert conflict.case_number == number and "溢繳 300 元" in conflict.reason
        assert "Over-paid by NT$300" in open_conflicts(app, "en")[0].reason
    add_accounts(d2)
    payments.refund(d2, second, FEE, "溢繳退還", approval=supervisor_approval())
    _race(d2, d1)
    assert county.conflicts() == 0
    for app in (d1, d2):
        state = cases.load_case(app, number)
        assert (state.paid, state.balance) == (FEE, 0)
        assert _drawers(app) == (FEE, 0, FEE)
        assert open_conflicts(app) == []  # settled by the refund, on every counter


def test_a_handover_at_both_desks_offline_is_a_conflict_every_counter_lists(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """The county takes 01's handover and refuses 02's: 02's record of it (who took the
    documents, how) stays in its stream and in the conflict, and the conflict is listed on
    every counter of the office (01 showed the case with one open conflict in no list), until
    a supervisor resolves it at any of them."""
    d1, d2, number = _both_have_the_case(county, office)
    payments.record_payment(d1, number, "cash", FEE)
    cases.close_case(d1, number)
    for app in (d1, d1, d2):  # the county makes it ready with a signed code
        sync_now(app)
    token = pickup.stored_token(d1, number)
    assert pickup.handover(d1, token).handed_over and pickup.handover(d2, token).handed_over
    _race(d1, d2)
    assert county.conflicts() == 1
    listed = {app.settings.device_id: open_conflicts(app) for app in (d1, d2)}
    assert [(c.case_number, c.event_type) for c in listed["01"]] == [(number, ev.PICKED_UP)]
    assert listed["01"] == listed["02"]  # the same conflict, under the same id
    for app in (d1, d2):
        state = cases.load_case(app, number)
        assert (state.lifecycle, state.picked_up_device) == ("picked_up", "01")
        assert len(state.open_conflicts) == 1
    handovers = [e for e in cases.show_case(d2, number).events if e["type"] == ev.PICKED_UP]
    assert [e["device"] for e in handovers] == ["02", "01"]  # 02's own record kept
    add_accounts(d1)
    resolve_conflict(d1, listed["01"][0].conflict_id, "已向代領人收回重複交付之文件")
    _race(d1, d2)
    for app in (d1, d2):
        assert open_conflicts(app) == []
        assert cases.load_case(app, number).open_conflicts == frozenset()


def test_documents_handed_over_while_the_other_counter_voided_the_fee_are_gone(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """02 hands the documents over while 01 voids the fee's receipt, offline. The county refused
    the handover (fees due): 02 said picked up, 01 and the county still ready for pickup, so
    01 would hand the same case over again once paid, and the conflict told the clerk to take
    the payment before handing over documents already gone. Now the handover is taken, every
    counter says picked up with the fee due and lists it to collect, until it is paid."""
    d1, d2, number, receipt = _handed_over_while_voided(county, office)
    assert county.conflicts() == 0
    for app in (d1, d2):
        state = cases.load_case(app, number)
        assert (state.lifecycle, state.picked_up_device, state.balance) == ("picked_up", "02", FEE)
        [conflict] = open_conflicts(app)
        assert conflict.case_number == number and "尚有規費 300 元未繳" in conflict.reason
        # what happened, the same on both: it said 他櫃 to the desk that had handed them
        # over itself and to the counter that had voided the receipt itself
        assert "他櫃" not in conflict.reason and "H01 第 02 號櫃檯交付" in conflict.reason
        assert f"收據 {receipt} 已作廢" in conflict.reason
        [en] = open_conflicts(app, "en")
        assert "another counter" not in en.reason and "at H01 desk 02 on " in en.reason
        assert f"receipt {receipt} voided" in en.reason
        assert pickup.verify(app, pickup.stored_token(d1, number)).reason == "already_picked_up"
    assert open_conflicts(d1)[0].reason == open_conflicts(d2)[0].reason
    payments.record_payment(d1, number, "cash", FEE)
    _race(d1, d2)
    for app in (d1, d2):
        assert cases.load_case(app, number).balance == 0
        assert open_conflicts(app) == []  # settled by the payment, on every counter


def test_money_taken_offline_on_a_case_cancelled_meanwhile_is_listed_to_refund(
    county: CountyServer,
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
    tmp_path: Path,
    clock: Any,
) -> None:
    """01 cancels the case while 02, offline, takes its fee and prints the receipt. The county
    refused 02's payment (the case was cancelled): 02's drawer and closing held NT$300 that
    01's office-wide closing never saw, a refund of it was refused (no such payment) and a
    wiped 02 rebuilt from the county had a gap in its receipt numbers. Now the county takes it,
    every counter counts it and lists it to refund, and the refund settles it everywhere."""
    d1, d2, number = _both_have_the_case(county, office)
    cases.cancel_case(d1, number, "民眾撤回申請")
    sync_now(d1)
    clock.set(clock.now + timedelta(minutes=5))
    receipt = payments.record_payment(d2, number, "cash", FEE, tendered=FEE).receipt_number
    payments.confirm_printed(d2, receipt)
    _race(d2, d1)
    assert county.conflicts() == 0
    for app in (d1, d2):
        state = cases.load_case(app, number)
        assert (state.lifecycle, state.paid) == ("cancelled", FEE)
        assert _drawers(app) == (0, FEE, FEE)
        [conflict] = open_conflicts(app)
        assert conflict.case_number == number
        # the receipt named (its number says the counter): 他櫃 was said to 02 itself
        assert f"本案已撤件，離線時仍收取規費 300 元（收據 {receipt}）" in conflict.reason
        assert (
            f"NT$300 was taken after the case was cancelled (receipt {receipt})"
            in open_conflicts(app, "en")[0].reason
        )
    add_accounts(d1)
    payments.refund(d1, receipt, FEE, "撤件退費", approval=supervisor_approval())
    _race(d1, d2)
    for app in (d1, d2):
        assert cases.load_case(app, number).paid == 0
        assert _drawers(app) == (-FEE, FEE, 0)
        assert open_conflicts(app) == []  # settled by the refund, on every counter
    _wiped_02_has_the_receipt(county, make_app, tmp_path, receipt)


def _wiped_02_has_the_receipt(
    county: CountyServer, make_app: Callable[[Settings], App], tmp_path: Path, receipt: str
) -> None:
    """Counter 02's disk lost and rebuilt from the county: the receipt is there, no gap, and its
    refund with it (nothing listed)."""
    wiped = make_app(
        Settings(
            data_dir=tmp_path / "office-H01-02-reinstalled",
            office_code="H01",
            device_id="02",
            county_url=county.url,
        )
    )
    sync.enrol(wiped, county.url, county.enrol_code("H01", device="02"))
    client = sync.make_client(wiped)
    try:
        sync.recover_from_county(wiped, client)
    finally:
        client.close()
    closing = daily_closing.closing(wiped, cases.today(wiped), "02")
    assert [r.number for r in closing.receipts] == [receipt]
    assert all(not r.missing for r in closing.ranges)
    assert (closing.cash_expected, open_conflicts(wiped)) == (FEE, [])


def test_a_partial_refund_of_money_taken_after_a_rejection_names_what_is_left(
    county: CountyServer, office: Callable[..., App], clock: Any
) -> None:
    """02, offline, took the fee by card on a case 01 had rejected; 01 refunded NT$100 of it.
    The conflicts list on both counters still asked to refund NT$300 (a refund of 300 was then
    refused as more than the receipt holds); it names the NT$200 left, in both languages."""
    d1, d2, number = _both_have_the_case(county, office)
    cases.reject_case(d1, number, "資料不符")
    sync_now(d1)
    clock.set(clock.now + timedelta(minutes=5))
    paid = payments.record_payment(d2, number, "card", FEE, reference="123456")
    payments.confirm_printed(d2, paid.receipt_number)
    _race(d2, d1)
    add_accounts(d1)
    payments.refund(d1, paid.receipt_number, 100, "部分退費", approval=supervisor_approval())
    _race(d1, d2)
    for app in (d1, d2):
        [conflict] = open_conflicts(app)
        assert (
            f"本案已駁回，離線時仍收取規費 200 元（收據 {paid.receipt_number}）" in conflict.reason
        )
        assert "NT$200 was taken after the case was rejected" in open_conflicts(app, "en")[0].reason


def test_a_conflict_resolved_by_hand_at_one_counter_is_resolved_at_both(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """Each counter opens its own row for documents handed over with the fee due, under its own
    id: the supervisor at 01 resolved it by hand and 01's list was empty, but 02 listed it
    still, with no way for 01's note to reach it (the row's code carries it now)."""
    d1, d2, _number, _receipt = _handed_over_while_voided(county, office)
    [mine], [theirs] = open_conflicts(d1), open_conflicts(d2)
    assert mine.conflict_id != theirs.conflict_id
    resolve_conflict(d1, mine.conflict_id, "已電話聯絡民眾，約定來所補繳")
    _race(d1, d2)
    assert county.conflicts() == 0
    assert open_conflicts(d1) == [] and open_conflicts(d2) == []


def test_money_taken_after_the_end_is_closed_by_its_refund_not_by_hand(
    county: CountyServer, office: Callable[..., App], clock: Any
) -> None:
    """The money is the citizen's: a note at 01 (the citizen was reached and will come back)
    left both lists empty while 02's drawer held it (services/conflict_money.py)."""
    d1, d2, number = _both_have_the_case(county, office)
    cases.cancel_case(d1, number, "民眾撤回申請")
    sync_now(d1)
    clock.set(clock.now + timedelta(minutes=5))
    paid = payments.record_payment(d2, number, "cash", FEE, tendered=FEE)
    payments.confirm_printed(d2, paid.receipt_number)
    _race(d2, d1)
    [mine] = open_conflicts(d1)
    assert mine.money_held == FEE
    with pytest.raises(DomainError) as refused:
        resolve_conflict(d1, mine.conflict_id, "已電話聯絡民眾，約定來所退費")
    assert refused.value.code == "conflict.money_held"
    _race(d1, d2)
    assert len(open_conflicts(d1)) == 1 and len(open_conflicts(d2)) == 1


def test_a_fee_assessed_while_the_other_desk_handed_the_documents_over_is_undone(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """01 hands the documents over while 02, offline, assesses the fee again for 30 copies
    instead of 20. The county refused 02's assessment, but 02 kept it: alone of the counters
    it had NT$150 more due on documents gone, and listed them to collect from the citizen
    (文件已交付，尚有規費 150 元未繳). Now the refusal undoes it on 02 as the county and 01
    have the case: the fee paid, nothing due; the refusal itself listed on both, resolvable."""
    d1, d2, number = _both_have_the_case(county, office)
    payments.record_payment(d1, number, "cash", FEE)
    cases.close_case(d1, number)
    for app in (d1, d1, d2):
        sync_now(app)
    assert pickup.handover(d1, pickup.stored_token(d1, number)).handed_over
    assert fees.assess(d2, number, copies=30).balance == 150
    _race(d1, d2)
    assert county.conflicts() == 1
    for app in (d1, d2):
        state = cases.load_case(app, number)
        assert (state.lifecycle, state.paid, state.balance) == ("picked_up", FEE, 0)
        assert cases.show_case(app, number).balance == 0
        [conflict] = open_conflicts(app)
        assert conflict.event_type == ev.FEE_ASSESSED
        assert conflict.reason == "本案已領件，無法再核計規費"
    resolve_conflict(d2, open_conflicts(d2)[0].conflict_id, "已告知民眾文件已由他櫃交付")
    _race(d2, d1)
    assert open_conflicts(d1) == [] and open_conflicts(d2) == []
    assert cases.load_case(d2, number).balance == 0
