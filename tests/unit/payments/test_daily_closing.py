"""The daily closing's totals by payment method, net of what went back, and the reads it makes
(real SQLite through the services)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pypdfium2
import pytest
from operator_support import sign_in
from sqlalchemy import event

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.printing.closing import closing_csv, closing_pdf
from eservice_desktop.services import daily_closing, payments
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App

DAY = date(2026, 3, 10)


def test_each_method_total_is_net_of_its_refunds(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    """Cash 60 in, 10 back; card 30 in, 15 back, and 30 back on yesterday's card receipt: the
    card's total was shown as 30 received with the refunds only in their own list (and only
    cash netted, in the cash expected): card is −15 net today."""
    clock.set(datetime(2026, 3, 9, 2, 0, tzinfo=UTC))
    yesterday = payments.record_payment(app, make_case(), "card", 30, reference="T0")
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    a = payments.record_payment(app, make_case(), "cash", 30, tendered=50)
    payments.record_payment(app, make_case(), "cash", 30)
    c = payments.record_payment(app, make_case(), "card", 30, reference="T1")
    payments.refund(app, a.receipt_number, 10, "溢收退還", approval=sup)
    payments.refund(app, c.receipt_number, 15, "少印一張", approval=sup)
    payments.refund(app, yesterday.receipt_number, 30, "重複繳費", approval=sup)
    report = daily_closing.closing(app, DAY)
    by_method = report.to_json()["by_method"]
    assert by_method == {
        "cash": {"count": 2, "amount": 60, "refunded": 10, "voided_out": 0, "net": 50},
        "card": {"count": 1, "amount": 30, "refunded": 45, "voided_out": 0, "net": -15},
    }
    assert sum(m["net"] for m in by_method.values()) == report.net == 90 - 55
    assert by_method["cash"]["net"] == report.cash_expected
    # yesterday's closing is as it was: its card receipt, nothing refunded that day
    before = daily_closing.closing(app, date(2026, 3, 9)).to_json()["by_method"]
    assert before == {"card": {"count": 1, "amount": 30, "refunded": 0, "voided_out": 0, "net": 30}}


def test_each_refund_names_the_supervisor_who_approved_it(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    """Every refund is approved by a supervisor and the approval is recorded with it; the
    closing's 退費 table named the clerk's counter but not who allowed the money out."""
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    a = payments.record_payment(app, make_case(), "cash", 30)
    payments.refund(app, a.receipt_number, 10, "溢收退還", approval=sup)
    report = daily_closing.closing(app, DAY)
    assert [x.approved_by for x in report.refunds] == ["super01 林主管"]
    text = closing_csv(report).decode("utf-8-sig")
    block = text[text.index("\r\n退費\r\n") :]
    heading, row = block.split("\r\n")[2:4]
    assert heading.split(",")[-2:] == ["核准主管", "退費原因"]
    assert row.split(",")[-2:] == ["super01 林主管", "溢收退還"]


def test_each_void_names_the_supervisor_who_approved_it(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    """A void is approved by a supervisor as a refund is, and takes the receipt's money out
    of the closing; the 作廢收據 table named the receipt, its counters and the reason, but not
    who allowed it, in the PDF and the CSV alike."""
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    payments.record_payment(app, make_case(), "cash", 30)
    v = payments.record_payment(app, make_case(), "cash", 30)
    payments.void_receipt(app, v.receipt_number, "金額誤收", approval=sup)
    report = daily_closing.closing(app, DAY)
    assert [(x.number, x.void_approved_by) for x in report.voids] == [
        (v.receipt_number, "super01 林主管")
    ]
    text = closing_csv(report).decode("utf-8-sig")
    block = text[text.index("\r\n作廢收據\r\n") :]
    heading, row = block.split("\r\n")[2:4]
    assert heading.split(",")[-2:] == ["核准主管", "作廢原因"]
    assert row.split(",")[0] == v.receipt_number
    assert row.split(",")[-2:] == ["super01 林主管", "金額誤收"]
    doc = pypdfium2.PdfDocument(closing_pdf(report))
    try:
        pdf = re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in doc))
    finally:
        doc.close()
    voids = pdf[pdf.index("作廢收據收據號碼") : pdf.index("他櫃收據於本櫃作廢")]
    assert "核准主管" in voids and "super01林主管" in voids and "金額誤收" in voids


def _table(text: str, title: str) -> list[dict[str, str]]:
    """One section of the closing's CSV as rows by column head."""
    lines = text[text.index(f"\r\n{title}\r\n") :].split("\r\n")[2:]
    heads = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        if not line or line.startswith("合計") or "," not in line:
            break
        rows.append(dict(zip(heads, line.split(","), strict=True)))
    return rows


def test_each_void_and_refund_names_who_handed_the_money_back(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    """cash01 takes the money; cash02 voids one receipt and refunds another, and hands the cash
    back (or keeps it). The 作廢收據 and 退費 tables named the counters and the supervisor who
    allowed it; the receipt's 經收 is cash01: nothing on the closing named cash02."""
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    sign_in(app, "cash01")
    v = payments.record_payment(app, make_case(), "cash", 30)
    r = payments.record_payment(app, make_case(), "cash", 30)
    sign_in(app, "cash02")
    payments.void_receipt(app, v.receipt_number, "金額誤收", approval=sup)
    payments.refund(app, r.receipt_number, 10, "溢收退還", approval=sup)
    report = daily_closing.closing(app, DAY)
    text = closing_csv(report).decode("utf-8-sig")
    detail = _table(text, "收據明細")
    assert {x["收據號碼"]: x["經收"] for x in detail} == {
        v.receipt_number: "cash01",
        r.receipt_number: "cash01",
    }
    voids = _table(text, "作廢收據")
    assert [(x["收據號碼"], x["經辦"], x["核准主管"]) for x in voids] == [
        (v.receipt_number, "cash02", "super01 林主管")
    ]
    refunds = _table(text, "退費")
    assert [(x["收據號碼"], x["經辦"], x["金額"]) for x in refunds] == [
        (r.receipt_number, "cash02", "10")
    ]
    doc = pypdfium2.PdfDocument(closing_pdf(report))
    try:
        pdf = re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in doc))
    finally:
        doc.close()
    voided = pdf[pdf.index("作廢收據收據號碼") : pdf.index("他櫃收據於本櫃作廢")]
    refunded = pdf[pdf.index("退費收據號碼") : pdf.index("重印收據")]
    assert "經辦" in voided and "cash02" in voided
    assert "經辦" in refunded and "cash02" in refunded


def _closing_reads(app: App) -> list[str]:
    """The SELECT statements one office-wide closing of DAY sends to the database."""
    seen: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        daily_closing.closing(app, DAY, None)
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    return seen


def test_the_closing_reads_the_days_cases_in_one_set_not_one_case_at_a_time(
    app: App, make_case: Callable[..., str], sup: Approval
) -> None:
    """Each receipt's fee lines are those of its case right after its payment: the closing
    read that case's events once per receipt (and each refunded case and receipt once more). Now
    the number of statements does not grow with the day's receipts, refunds and voids."""

    def pay(n: int) -> None:
        for _ in range(n):
            r = payments.record_payment(app, make_case(), "cash", 30)
            payments.refund(app, r.receipt_number, 5, "溢收退還", approval=sup)
            v = payments.record_payment(app, make_case(), "card", 30, reference="T")
            payments.void_receipt(app, v.receipt_number, "開錯", approval=sup)

    pay(1)
    few = _closing_reads(app)
    pay(5)
    many = _closing_reads(app)
    report = daily_closing.closing(app, DAY, None)
    assert (len(report.receipts), len(report.refunds), len(report.voids)) == (12, 6, 6)
    assert len(many) == len(few), "\n".join(many)
    assert not [s for s in many if "events.case_id = ?" in s]  # no case read on its own


def test_a_paid_receipt_never_printed_is_named_on_the_closing(
    app: App, make_case: Callable[..., str], clock: Any
) -> None:
    """A closing taken while a receipt was still printing (or its print had failed) counted the
    money and said nothing: the citizen may have left with no receipt."""
    import pypdfium2

    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    printed = payments.record_payment(app, make_case(), "cash", 30)
    payments.confirm_printed(app, printed.receipt_number)
    waiting = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    report = daily_closing.closing(app, DAY)
    assert report.unprinted == [waiting] and report.to_json()["unprinted"] == [waiting]
    assert report.gross == 60  # the money still counts
    pdf = pypdfium2.PdfDocument(daily_closing.closing_document(app, DAY))
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert "未列印" in text and "按 F10 列印" in text
    payments.confirm_printed(app, waiting)
    assert daily_closing.closing(app, DAY).unprinted == []


def test_the_receipts_reprinted_that_day_are_on_its_closing(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    """A reprint hands out a second paper of a receipt; the closing counted none, so the
    supervisor signing it could not see which receipts went out again, why, or who approved."""
    clock.set(datetime(2026, 3, 9, 2, 0, tzinfo=UTC))
    old = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    payments.confirm_printed(app, old)
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    new = payments.record_payment(app, make_case(), "card", 30, reference="T1").receipt_number
    payments.confirm_printed(app, new)
    payments.confirm_printed(app, old, "民眾遺失")  # yesterday's receipt, reprinted today
    clock.set(datetime(2026, 3, 10, 3, 5, tzinfo=UTC))
    payments.confirm_printed(app, old, "卡紙", approval=sup)  # the second: approved
    report = daily_closing.closing(app, DAY)
    shown = [(x["receipt_number"], x["time"], x["reason"], x["approved_by"])
             for x in report.to_json()["reprints"]]  # type: ignore[union-attr]  # fmt: skip
    assert shown == [(old, "10:00", "民眾遺失", ""), (old, "11:05", "卡紙", "super01")]
    assert report.reprints[0].case_number and report.reprints[0].device == "01"
    assert report.gross == 30  # a reprint is no money
    assert "重印收據（2 次）" in daily_closing.closing_csv(report).decode("utf-8-sig")
    office = daily_closing.closing(app, DAY, None)
    assert [x.reason for x in office.reprints] == ["民眾遺失", "卡紙"]
    assert daily_closing.closing(app, date(2026, 3, 9)).reprints == []


def test_a_closing_taken_again_says_what_changed_since_the_one_before(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any, tmp_path: Any
) -> None:
    """The closing was printed and handed in at 11:00; a receipt voided at 11:30 changed the
    day's figures, and the closing taken again said nothing of the one before: now it names
    the earlier time and the receipts, voids and refunds after it."""
    import pypdfium2

    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    a = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    b = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    assert daily_closing.closing(app, DAY).earlier is None  # none taken yet
    clock.set(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    daily_closing.write_closing(app, DAY, tmp_path / "first.csv")
    report = daily_closing.closing(app, DAY)
    assert report.earlier is not None and not report.earlier.changed
    clock.set(datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
    payments.void_receipt(app, b, "金額錯誤", approval=sup)
    payments.refund(app, a, 10, "溢收", approval=sup)
    c = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    again = daily_closing.closing(app, DAY)
    earlier = again.to_json()["earlier_closing"]
    assert earlier == {"at": "2026-03-10T03:00:00+00:00", "receipts": [c], "voids": [b],
                       "refunds": [a], "corrections": []}  # fmt: skip
    assert again.earlier is not None and again.earlier.note() == (
        f"本日日結表前次於 115/03/10 11:00 產出，其後收費 {c}；作廢 {b}；退費 {a}："
        "前次日結表已不符，請以本表替換。"
    )
    pdf = pypdfium2.PdfDocument(daily_closing.closing_document(app, DAY))
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert "前次日結表已不符" in text.replace("\r\n", "").replace("\n", "")
    # the office-wide closing was never taken: nothing to say there
    assert daily_closing.closing(app, DAY, None).earlier is None


def test_a_day_before_any_record_has_no_closing(app: App) -> None:
    """26/12/04 typed in the window's date field is 民國26年 (1937): an empty closing was made,
    ready to be signed; the command line refused such a day already."""
    with pytest.raises(DomainError) as refused:
        daily_closing.closing(app, date(1937, 12, 4))
    assert refused.value.code == "date.range" and refused.value.field == "date"
    assert refused.value.message_zh == "營業日 26/12/04（1937-12-04）早於 2000 年，沒有日結"
    assert daily_closing.closing(app, date(2000, 1, 1)).receipts == []


def test_a_closing_exported_before_the_upgrade_counts_as_the_one_before(
    app: App, make_case: Callable[..., str], sup: Approval, clock: Any
) -> None:
    """Builds before 2026-12-03 logged an exported closing as ``closing report DAY FILE``,
    with no counter or office in it. A day closed by such a build and taken again after the
    upgrade, a receipt of it voided since, said nothing of the closing handed in."""
    from eservice_desktop.services import access

    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    b = payments.record_payment(app, make_case(), "cash", 30).receipt_number
    clock.set(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    # what the build before wrote for `report closing --date 2026-03-10 --out office.csv`
    access.record(app, access.EXPORT, detail="closing report 2026-03-10 office.csv")
    clock.set(datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
    payments.void_receipt(app, b, "金額錯誤", approval=sup)
    for device in ("", None):  # the scope was not written: every one of that day
        again = daily_closing.closing(app, DAY, device)
        assert again.earlier is not None, device
        assert again.to_json()["earlier_closing"]["voids"] == [b]
        assert "前次日結表已不符" in again.earlier.note()
    clock.set(datetime(2026, 3, 11, 2, 0, tzinfo=UTC))
    assert daily_closing.closing(app, date(2026, 3, 11)).earlier is None  # another day's
