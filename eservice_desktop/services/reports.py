"""Queries behind the daily closing (日結) and the online-payment reconciliation (appendix 22).

Both read the ``receipts`` projection (one row per payment, voids kept) and the refund events of
the day; nothing here writes. Days are Taipei calendar days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.settlement_file import transaction_id
from eservice_desktop.printing.closing import (
    ClosingReceipt,
    ClosingRefund,
    ClosingReport,
    ReceiptRange,
    closing_csv,
    closing_pdf,
)
from eservice_desktop.printing.reconciliation import (
    Reconciliation,
    ReconciliationRow,
    reconciliation_csv,
    reconciliation_pdf,
)
from eservice_desktop.services import access, exports
from eservice_desktop.services.core import App
from eservice_desktop.services.fees import current
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow


def _aware(v: datetime) -> datetime:
    return v if v.tzinfo else v.replace(tzinfo=UTC)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), TAIPEI).astimezone(UTC)
    return start, start + timedelta(days=1)


def _hhmm(v: datetime) -> str:
    return f"{_aware(v).astimezone(TAIPEI):%H:%M}"


def _allocate(items: list[tuple[str, int]], amount: int) -> list[tuple[str, int]]:
    """Spreads a (partial) payment over the fee items in their order."""
    out = []
    left = amount
    for name, due in items:
        take = min(due, left)
        if take > 0:
            out.append((name, take))
        left -= take
    if left > 0:
        out.append(("其他", left))
    return out


def _ranges(device: str | None, rows: list[ReceiptRow]) -> list[ReceiptRange]:
    by_device: dict[str, list[ReceiptRow]] = defaultdict(list)
    for r in rows:
        by_device[r.device].append(r)
    out = []
    for dev, rs in sorted(by_device.items()):
        if device is not None and dev != device:
            continue
        rs.sort(key=lambda r: (r.roc_year, r.seq))
        seqs = {(r.roc_year, r.seq) for r in rs}
        missing = []
        first, last = rs[0], rs[-1]
        if first.roc_year == last.roc_year:
            for n in range(first.seq, last.seq + 1):
                if (first.roc_year, n) not in seqs:
                    missing.append(f"R{n:06d}")
        out.append(ReceiptRange(dev, first.number, last.number, len(rs), tuple(missing)))
    return out


@dataclass
class _DayRows:
    """What the closing of one day reads: its receipts, its refund events, their cases."""

    receipts: list[ReceiptRow]
    refunds: list[EventRow]
    states: dict[str, CaseState]


def _day_rows(app: App, day: date, dev: str | None) -> _DayRows:
    office = app.settings.office_code
    start, end = _day_bounds(day)
    with app.reading() as s:
        stmt = select(ReceiptRow).where(ReceiptRow.issued_day == day, ReceiptRow.office == office)
        if dev is not None:
            stmt = stmt.where(ReceiptRow.device == dev)
        rows = list(s.scalars(stmt.order_by(ReceiptRow.device, ReceiptRow.seq)))
        ev_stmt = select(EventRow).where(
            EventRow.type == ev.PAYMENT_REFUNDED,
            EventRow.office == office,
            EventRow.at >= start,
            EventRow.at < end,
        )
        if dev is not None:
            ev_stmt = ev_stmt.where(EventRow.device == dev)
        refund_events = list(s.scalars(ev_stmt.order_by(EventRow.seq)))
        states = {}
        for case_id in {r.case_id for r in rows} | {e.case_id for e in refund_events}:
            state = repo.load_state(s, case_id)
            if state is not None:
                states[case_id] = state
    return _DayRows(rows, refund_events, states)


def _add_receipts(report: ClosingReport, day: _DayRows) -> None:
    """Every receipt in the detail; the valid ones into the per-method and per-item totals."""
    item_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    method_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in day.receipts:
        report.receipts.append(
            ClosingReceipt(
                number=r.number,
                time=_hhmm(r.issued_at),
                case_number=r.case_number,
                method=r.method,
                amount=r.amount,
                status=r.status,
                refunded=r.refunded,
                clerk=r.clerk,
                void_reason=r.void_reason,
            )
        )
        if r.status != "valid":
            continue
        method_totals[r.method][0] += 1
        method_totals[r.method][1] += r.amount
        state = day.states.get(r.case_id)
        lines = [(i.name, i.amount) for i in current(state).items] if state else []
        for name, amount in _allocate(lines, r.amount):
            item_totals[name][0] += 1
            item_totals[name][1] += amount
    report.by_fee_item = [(n, c, a) for n, (c, a) in sorted(item_totals.items())]
    report.by_method = {k: (c, a) for k, (c, a) in method_totals.items()}


def _add_refunds(report: ClosingReport, day: _DayRows) -> None:
    for e in day.refunds:
        p = e.payload
        state = day.states.get(e.case_id)
        report.refunds.append(
            ClosingRefund(
                receipt_number=str(p.get("receipt_number", "")),
                time=_hhmm(e.at),
                case_number=state.case_number if state else "",
                method=str(p.get("method", "cash")),
                amount=int(p.get("amount", 0)),
                reason=str(p.get("reason", "")),
                clerk=e.clerk,
            )
        )


def closing(app: App, day: date, device: str | None = "") -> ClosingReport:
    """The closing of ``day``: this counter (``device=""``), a named device, or the whole office
    (``device=None``)."""
    require(app, Action.REPORTS)
    office = app.settings.office_code
    dev = app.settings.device_id if device == "" else device
    rows = _day_rows(app, day, dev)
    try:
        office_name = app.catalogue.office(office).name
    except DomainError:
        office_name = office
    report = ClosingReport(
        office_code=office,
        office_name=office_name,
        day=day,
        device=dev,
        generated_at=f"{app.now().astimezone(TAIPEI):%Y-%m-%d %H:%M}",
        clerk=app.actor.clerk,
        ranges=_ranges(dev, rows.receipts),
    )
    _add_receipts(report, rows)
    _add_refunds(report, rows)
    return report


def closing_document(app: App, day: date, device: str | None = "") -> bytes:
    """The daily closing as PDF: the one place the payment page's print and the export get it."""
    require(app, Action.REPORTS)
    return closing_pdf(closing(app, day, device))


def write_closing(app: App, day: date, out: Path, device: str | None = "") -> ClosingReport:
    require(app, Action.REPORTS)
    report = closing(app, day, device)
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        data = closing_pdf(report)
    elif suffix == ".csv":
        data = closing_csv(report)
    else:
        raise DomainError(
            "report.format", "輸出檔須為 .pdf 或 .csv", "The output must be .pdf or .csv", "out"
        )
    # clerks' accounts and free-text reasons: personal data (services/exports.py)
    exports.write(app.settings, out, data, personal=True)
    access.record(app, access.EXPORT, detail=f"closing report {day.isoformat()} {out.name}")
    if day == app.now().astimezone(TAIPEI).date():
        # The daily closing also closes the day's data: one backup of it, whatever the hour.
        from eservice_desktop.services import backup, retention

        retention.pseudonymise_scheduled(app)  # finished cases past the retention period
        backup.take_scheduled(app, "closing")
    return report


def reconciliation(
    app: App, start: date, end: date, service_code: str | None = None
) -> Reconciliation:
    """Online payments authorised between ``start`` and ``end`` (inclusive, Taipei days)."""
    require(app, Action.REPORTS)
    office = app.settings.office_code
    lo, _ = _day_bounds(start)
    _, hi = _day_bounds(end)
    with app.reading() as s:
        rows = list(
            s.scalars(
                select(ReceiptRow)
                .where(ReceiptRow.method == "online", ReceiptRow.office == office)
                .order_by(ReceiptRow.authorised_at, ReceiptRow.number)
            )
        )
        services = {}
        if service_code:
            for r in rows:
                state = repo.load_state(s, r.case_id)
                services[r.case_id] = state.service_code if state else ""
    out = []
    for r in rows:
        at = datetime.fromisoformat(r.authorised_at) if r.authorised_at else _aware(r.issued_at)
        at = _aware(at)
        if not lo <= at < hi:
            continue
        if service_code and services.get(r.case_id) != service_code:
            continue
        out.append(
            ReconciliationRow(
                case_number=r.case_number,
                transaction_id=transaction_id(r.payment_id, r.reference),
                authorised_at=f"{at.astimezone(TAIPEI):%Y/%m/%d %H:%M:%S}",
                payment_tool=r.payment_tool,
                deposit_date=r.deposit_date.replace("-", "/"),
                amount=r.amount,
                deposited=r.deposited,
                settlement_number=r.settlement_number,
                receipt_number=r.number,
                void=r.status == "void",
            )
        )
    try:
        office_name = app.catalogue.office(office).name
    except DomainError:
        office_name = office
    name = "全部"
    if service_code:
        name = app.catalogue.service_name(service_code)
    return Reconciliation(office_name, name, start, end, tuple(out))


def write_reconciliation(
    app: App, start: date, end: date, out: Path, service_code: str | None = None
) -> Reconciliation:
    require(app, Action.REPORTS)
    r = reconciliation(app, start, end, service_code)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".csv"):
        raise DomainError(
            "report.format", "輸出檔須為 .pdf 或 .csv", "The output must be .pdf or .csv", "out"
        )
    data = reconciliation_pdf(r) if suffix == ".pdf" else reconciliation_csv(r)
    exports.write(app.settings, out, data, personal=False)  # case numbers and amounts only
    access.record(
        app,
        access.EXPORT,
        detail=f"reconciliation {start.isoformat()}..{end.isoformat()} {out.name}",
    )
    return r
