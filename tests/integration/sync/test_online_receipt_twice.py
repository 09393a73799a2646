"""An online payment's receipt issued at two counters of the office while both were offline,
on loopback with the real county server: both papers are out and the county takes both. Each
counter kept the receipt it had seen first (its own), so the two counters named the case's
receipt differently for good, and the other paper was in nobody's list; the first print of a
paper pushed second was refused as 查無此收據號碼. Every counter now keeps the earlier paper,
whatever order the two reached it in, and lists the other to take back from the citizen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import factories
import pytest
from sync_helpers import CountyServer, enrol, pending, sync_now
from test_online_receipt_loop import _paid_at_kiosk

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.printing.closing import closing_csv
from eservice_desktop.services import audit, cases, daily_closing, payments, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.online_receipt import issue_online_receipt
from eservice_desktop.services.sync.conflicts import open_conflicts


def _issued_on_both(
    office: Callable[..., App], county: CountyServer, clock: object
) -> tuple[App, App, str, str, str]:
    """The kiosk's payment of a case of H02 pulled by both counters; 01 issues its receipt,
    a minute later 02 issues its own, both printed, neither synced since."""
    d1, d2 = office("H02", "01", county.url), office("H02", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    number = _paid_at_kiosk(county, d1)
    sync_now(d2)
    first = issue_online_receipt(d1, number, "IBON-0042").receipt_number
    payments.confirm_printed(d1, first)
    clock.set(clock() + timedelta(minutes=1))  # type: ignore[attr-defined]
    second = issue_online_receipt(d2, number, "IBON-0042").receipt_number
    payments.confirm_printed(d2, second)
    return d1, d2, number, first, second


@pytest.mark.parametrize("earlier_pushed_first", [True, False])
def test_both_counters_keep_the_earlier_receipt_and_list_the_other(
    office: Callable[..., App], sqlite_county: CountyServer, clock: object,
    earlier_pushed_first: bool,
) -> None:  # fmt: skip
    d1, d2, number, first, second = _issued_on_both(office, sqlite_county, clock)
    order = [d1, d2, d1, d2] if earlier_pushed_first else [d2, d1, d2, d1]
    for app in order:
        sync_now(app)
    assert pending(d1) == pending(d2) == 0
    assert sqlite_county.conflicts() == 0  # both prints taken: both papers are out
    for app in (d1, d2):
        assert [p.receipt_number for p in cases.load_case(app, number).payments] == [first]
        assert payments.get_receipt(app, first).case_number == number
        assert cases.load_case(app, number).payments[0].spare_receipts == (second,)
        assert audit.verify(app).ok  # the receipts rebuilt from the stream are the table's
        [row] = open_conflicts(app, "en")
        assert row.reason == (
            f"Two counters offline both issued a receipt for one online payment: receipt "
            f"{first} stands, receipt {second} is void; take it back from the citizen"
        )
        assert f"收據 {second} 作廢，請向民眾收回" in open_conflicts(app)[0].reason
    sync.resolve_conflict(d2, open_conflicts(d2)[0].conflict_id, "已收回第二張收據")
    sync_now(d2)
    sync_now(d1)
    assert open_conflicts(d1) == open_conflicts(d2) == []


def test_the_spare_paper_verified_or_looked_up_says_it_is_void_and_which_stands(
    office: Callable[..., App], sqlite_county: CountyServer, clock: object
) -> None:
    """The spare paper is in the citizen's hand: a bank or an employer verifying it, or a
    clerk typing its number to reprint or void it, was told 查無此收據號碼 on every counter
    (the office never issued it: a forgery, or a typo). Each now says it is void and names
    the receipt that stands."""
    d1, d2, _, first, second = _issued_on_both(office, sqlite_county, clock)
    code = payments.get_receipt(d2, second).verification_code
    for app in (d1, d2, d1, d2):
        sync_now(app)
    for app in (d1, d2):
        for call, args in (
            (payments.verify_receipt, (second.lower(), code)),
            (payments.get_receipt, (second,)),
            (payments.void_receipt, (second, "重複開立")),
        ):
            with pytest.raises(DomainError) as refused:
                call(app, *args)  # type: ignore[operator]
            assert refused.value.code == "receipt.issued_twice", refused.value
            assert refused.value.message("zh_TW").endswith(
                f"以 {first} 為準，{second} 作廢，請向民眾收回"
            )
            assert f"{first} stands, {second} is void" in refused.value.message("en")
    # a number no paper ever had is still unknown
    with pytest.raises(DomainError) as refused:
        payments.verify_receipt(d1, second.replace("R00000", "R00009"), code)
    assert refused.value.code == "receipt.unknown"


def test_three_counters_list_both_spare_papers_in_one_row(
    office: Callable[..., App], sqlite_county: CountyServer, clock: object
) -> None:
    """Three counters offline each issued a receipt for the kiosk's payment, a minute apart.
    The counter that learnt of the other two papers in one round listed only the smaller
    number to take back (the third paper in no list), and the counter that first kept the
    second paper, then learnt of the first, kept a row saying the second stands beside one
    saying it is void. Each counter lists one row: the first paper stands, both others void."""
    d1, d2, number, first, second = _issued_on_both(office, sqlite_county, clock)
    d3 = office("H02", "03", sqlite_county.url)
    enrol(d3, sqlite_county)
    sync_now(d3)
    clock.set(clock() + timedelta(minutes=1))  # type: ignore[attr-defined]
    third = issue_online_receipt(d3, number, "IBON-0042").receipt_number
    payments.confirm_printed(d3, third)
    for app in (d3, d2, d1, d2, d3, d1):
        sync_now(app)
    said = (
        f"Counters offline each issued a receipt for one online payment: receipt {first} "
        f"stands, receipts {second} and {third} are void; take them back from the citizen"
    )
    for app in (d1, d2, d3):
        assert [p.receipt_number for p in cases.load_case(app, number).payments] == [first]
        assert [row.reason for row in open_conflicts(app, "en")] == [said]
        [row] = open_conflicts(app)
        assert f"收據 {second}、{third} 作廢，請向民眾收回" in row.reason
    sync.resolve_conflict(d3, open_conflicts(d3)[0].conflict_id, "已收回兩張收據")
    for app in (d3, d1, d2):
        sync_now(app)
    assert open_conflicts(d1) == open_conflicts(d2) == open_conflicts(d3) == []


def test_the_spare_paper_is_on_its_counter_s_closing_as_such_not_as_a_number_skipped(
    office: Callable[..., App], sqlite_county: CountyServer, clock: object
) -> None:
    """Counter 02 took 15 in cash (R000001), then printed its paper of the online receipt
    (R000002, the spare: 01's came first), then another 15 (R000003). Its closing read
    缺號 R000002, a receipt gone missing, where the conflicts list names that paper as one
    to take back; now the ranges say it is the spare paper, neither skipped nor counted."""
    d1, d2 = office("H02", "01", sqlite_county.url), office("H02", "02", sqlite_county.url)
    enrol(d1, sqlite_county)
    enrol(d2, sqlite_county)
    number = _paid_at_kiosk(sqlite_county, d1)
    sync_now(d2)
    cash = [payments.record_payment(d2, factories.new_case(d2), "cash", 15).receipt_number]
    payments.confirm_printed(d1, issue_online_receipt(d1, number, "IBON-0042").receipt_number)
    clock.set(clock() + timedelta(minutes=1))  # type: ignore[attr-defined]
    spare = issue_online_receipt(d2, number, "IBON-0042").receipt_number
    payments.confirm_printed(d2, spare)
    cash.append(payments.record_payment(d2, factories.new_case(d2), "cash", 15).receipt_number)
    for app in (d1, d2, d1, d2):
        sync_now(app)
    assert spare == "H02-02-115-R000002" and cash[-1].endswith("R000003")
    day = cases.today(d2)
    for app in (d1, d2):
        for scope in ("02", None):
            report = daily_closing.closing(app, day, scope)
            [two] = [r for r in report.ranges if r.device == "02"]
            assert (two.first, two.last, two.count) == (cash[0], cash[-1], 2)
            assert two.missing == ()  # it read ("R000002",)
            assert two.spare == ("R000002",)
            assert report.to_json()["ranges"][-1]["spare"] == ["R000002"]  # type: ignore[index]
            text = closing_csv(report).decode("utf-8-sig")
            assert "02,H02-02-115-R000001,H02-02-115-R000003,2,無" in text
            assert "非缺號）：櫃檯 02 R000002，請向民眾收回。" in text
