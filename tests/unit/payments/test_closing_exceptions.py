"""The fees a supervisor let go uncollected on the day's closing (section 主管核准之減免及欠費):
an exemption, a reduction, a case closed and documents handed over with fees due. None has a
receipt, so the closing listed none of them: a fee taken in cash and then exempted, or
documents handed over unpaid, left the drawer and the closing agreeing (real SQLite, the real
use cases, the CSV and the PDF read back)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pypdfium2
from operator_support import sign_in
from pickup_support import County, ready_case

from eservice_desktop.printing.closing import closing_csv, closing_pdf
from eservice_desktop.services import cases, daily_closing, fees, payments, pickup, pickup_keys
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App

DAY = date(2026, 3, 10)


def _section(text: str) -> list[list[str]]:
    start = text.index("\r\n主管核准之減免及欠費（")
    lines = text[start:].split("\r\n")[2:]
    return [line.split(",") for line in lines[: lines.index("")]]


def test_exemptions_reductions_and_unpaid_closes_and_handovers_are_on_the_closing(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    clock.set(datetime(2026, 3, 9, 2, 0, tzinfo=UTC))
    fees.assess(app, make_case(), exempt=True, reason="昨日免徵", approval=sup)  # another day
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    sign_in(app, "cash01")
    payments.record_payment(app, make_case(), "cash", 30)  # an ordinary day's receipt
    exempt, reduced, closed = make_case(), make_case(), make_case()
    fees.assess(app, exempt, exempt=True, reason="低收入戶", approval=sup)
    fees.assess(app, reduced, reduction=10, reason="身心障礙", approval=sup)
    cases.close_case(app, closed, "先行結案", approval=sup)
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    handed, token = ready_case(app, county)
    refunded = payments.last_receipt_number(app, handed)
    payments.refund(app, refunded, 15, "誤收退還", approval=sup)
    handing = Approval(sup.account, sup.password, "出國在即")
    assert pickup.handover(app, token, approval=handing).handed_over

    report = daily_closing.closing(app, DAY)
    said = [(x.kind, x.case_number, x.amount, x.clerk) for x in report.exceptions]
    assert said == [
        ("exemption", exempt, 30, "cash01"),
        ("fee_reduction", reduced, 10, "cash01"),
        ("close_with_balance", closed, 30, "cash01"),
        ("handover_with_balance", handed, 15, "cash01"),
    ]
    assert {x.approved_by for x in report.exceptions} == {"super01 林主管"}
    assert report.to_json()["exceptions"][0]["reason"] == "低收入戶"
    # the money on the closing is as it was: nothing was received for them
    assert report.gross == 30 + 15 and report.refunded == 15

    rows = _section(closing_csv(report).decode("utf-8-sig"))
    assert rows[0] == ["時間", "櫃檯", "案號", "事項", "金額", "經辦", "核准主管", "原因"]
    assert rows[-1][0].startswith("金額：減免或免徵者為減收之規費")  # the note, as on paper
    rows = rows[:-1]
    assert [(r[2], r[3], r[4], r[5]) for r in rows[1:-1]] == [
        (exempt, "免徵", "30", "cash01"),
        (reduced, "減免", "10", "cash01"),
        (closed, "欠費結案", "30", "cash01"),
        (handed, "欠費交付", "15", "cash01"),
    ]
    assert rows[-1][0] == "合計" and rows[-1][4] == "85"
    doc = pypdfium2.PdfDocument(closing_pdf(report))
    try:
        pdf = re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in doc))
    finally:
        doc.close()
    section = pdf[pdf.index("主管核准之減免及欠費（4筆）") :]
    assert "低收入戶" in section and "出國在即" in section and "super01林主管" in section

    # yesterday's exemption is on yesterday's closing; a day without any prints no section
    assert [x.reason for x in daily_closing.closing(app, date(2026, 3, 9)).exceptions] == [
        "昨日免徵"
    ]
    quiet = daily_closing.closing(app, date(2026, 3, 8))
    assert quiet.to_json()["exceptions"] == []
    assert "主管核准之減免及欠費" not in closing_csv(quiet).decode("utf-8-sig")


def test_a_change_of_copies_that_keeps_an_approved_waiver_says_what_it_changed(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    """A change of copies keeps an approved exemption or reduction without asking again
    (``fees.change_copies``): one copy exempted (15) became ten (150), and the closing's
    section still said 15; a reduction of 20 on 4 copies capped at a one-copy fee of 15 still
    said 20. The section's total disagreed with the fees let go. Each such change is a row of
    its own: what it changed, under the approval it kept, at the change's time and clerk."""
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    exempt, reduced = make_case(copies=1), make_case(copies=4)
    fees.assess(app, exempt, exempt=True, reason="低收入戶", approval=sup)
    fees.assess(app, reduced, reduction=20, reason="身心障礙", approval=sup)
    clock.set(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    sign_in(app, "cash01")
    fees.change_copies(app, exempt, 10)
    fees.change_copies(app, reduced, 1)
    fees.change_copies(app, reduced, 1)  # nothing changes: no row
    assert [cases.load_case(app, n).fees_due for n in (exempt, reduced)] == [0, 0]

    report = daily_closing.closing(app, DAY, None)
    said = [(x.kind, x.case_number, x.amount, x.time, x.clerk, x.reason) for x in report.exceptions]
    assert said == [
        ("exemption", exempt, 15, "10:00", "tester", "低收入戶"),
        ("fee_reduction", reduced, 20, "10:00", "tester", "身心障礙"),
        ("exemption", exempt, 135, "11:00", "cash01", "低收入戶（份數 1→10）"),
        ("exemption", reduced, -5, "11:00", "cash01", "身心障礙（份數 4→1）"),
    ]
    assert {x.approved_by for x in report.exceptions} == {"super01 林主管"}
    # what the section adds up to is what was let go: 150 and 15
    assert sum(x.amount for x in report.exceptions) == 150 + 15
    rows = _section(closing_csv(report).decode("utf-8-sig"))
    assert rows[-2][0] == "合計" and rows[-2][4] == "165"
