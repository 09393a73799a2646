"""What a receipt's paper says of the way it was paid (收現/找零, 刷卡機交易序號, an online
payment's 付費工具 and 交易電子案號): as first printed, whatever was corrected since."""

from __future__ import annotations

from datetime import datetime

from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.storage.models_payments import ReceiptRow
from eservice_desktop.storage.repo import aware


def _method_details(row: ReceiptRow) -> tuple[str, ...]:
    if row.method == "cash":
        tendered = row.tendered if row.tendered is not None else row.amount
        return (f"收現 {tendered:,} 元　找零 {row.change:,} 元",)
    if row.method == "card":
        return (f"刷卡機交易序號 {row.reference}",)
    out = [f"付費工具 {row.payment_tool}"] + [f"交易電子案號 {row.reference}"] * bool(row.reference)
    if row.authorised_at:
        # a time without a zone is UTC, as stored and as the reconciliation reads it
        at = aware(datetime.fromisoformat(row.authorised_at)).astimezone(TAIPEI)
        out.append(f"授權時間 {format_roc(at.date(), 'short')} {at:%H:%M:%S}")
    if row.settlement_number:
        out.append(f"機關核銷編號 {row.settlement_number}")
    return tuple(out)


def paper_method(row: ReceiptRow, state: CaseState) -> tuple[str, tuple[str, ...]]:
    """The method and its details as the receipt was first printed: a method corrected since
    (``case.payment_method_corrected``) moves the money on the closing, never the paper, so a
    reprint says what the original said."""
    paid = state.payment(row.payment_id)
    if paid.method == row.method or paid.method not in ("cash", "card"):
        return row.method, _method_details(row)
    if paid.method == "cash":
        tendered = paid.tendered if paid.tendered is not None else paid.amount
        return "cash", (f"收現 {tendered:,} 元　找零 {paid.change:,} 元",)
    return "card", (f"刷卡機交易序號 {paid.reference or ''}",)
