"""The daily closing (日結) of a counter's cash drawer or of the whole office: what the day's
receipts took in, by fee item and by payment method, and what went back out of the drawer that
day (refunds, voids), so that the cash in the drawer can be counted against it
(docs/payments.md, "Daily closing").

Reads the ``receipts`` projection (one row per payment, voids kept), the refund and void events
of the day and, for the per-item totals, each receipt's case as it stood right after its
payment; every one of these is one statement for the whole day, whatever the number of
receipts. Nothing here writes except the closing file (and the backup it triggers). Days are
Taipei calendar days.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI, day_bounds
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.domain.text_values import os_reason
from eservice_desktop.printing.closing import (
    ClosingReceipt,
    ClosingReport,
    ReceiptRange,
    closing_csv,
    closing_pdf,
)
from eservice_desktop.printing.closing_refunds import ClosingRefund
from eservice_desktop.services import access, exports
from eservice_desktop.services.calendar import today as office_today
from eservice_desktop.services.closing_approvers import act_approvers
from eservice_desktop.services.closing_asked import check_counter, check_day
from eservice_desktop.services.closing_behind import counters_behind
from eservice_desktop.services.closing_corrections import day_corrections
from eservice_desktop.services.closing_exceptions import day_exceptions
from eservice_desktop.services.closing_refused import day_refused
from eservice_desktop.services.closing_reprints import day_reprints
from eservice_desktop.services.closing_retake import earlier_closing
from eservice_desktop.services.closing_spares import day_spares
from eservice_desktop.services.core import App
from eservice_desktop.services.fees import current
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_receipts import aware, states_at_payments
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow
from eservice_desktop.storage.models_sync import SyncConflictRow

_VOIDS = (ev.PAYMENT_VOIDED, ev.RECEIPT_VOIDED)
#: Not a void or refund the county refused (services/refused.py): it counts on no drawer.
_DONE = EventRow.event_id.not_in(select(SyncConflictRow.event_id))
log = logging.getLogger("eservice.closing")


@dataclass
class _DayRows:
    """What the closing of one day reads: its receipts, its refund events, the voids."""

    receipts: list[ReceiptRow]
    refunds: list[EventRow]
    #: The receipt each refund of the day was made on, by number.
    refunded: dict[str, ReceiptRow]
    #: Each receipt's fee lines at its payment and what was paid before it, by number.
    paid_for: dict[str, tuple[list[tuple[str, int]], int]]
    #: The (first) void event of each void receipt of the list, by number.
    voided_by: dict[str, EventRow]
    #: Receipts issued elsewhere voided here that day, with their void event.
    voided_here: list[tuple[ReceiptRow, EventRow]]
    #: The supervisor who approved each refund and void (``account name``), by event id.
    approvers: dict[str, str]
    #: The day's spare papers of an online payment's receipt issued twice (their numbers).
    spares: list[str]


def _hhmm(v: datetime) -> str:
    return f"{aware(v).astimezone(TAIPEI):%H:%M}"


def _counter(office: str, of_office: str, device: str) -> str:
    """A counter as the closing of ``office`` names it: ``02`` here, ``H02-01`` elsewhere."""
    return device if of_office == office else f"{of_office}-{device}"


def _allocate(items: list[tuple[str, int]], amount: int, before: int = 0) -> list[tuple[str, int]]:
    """Spreads a (partial) payment over the fee items in their order, after what the payments
    before it (``before``) already paid of them."""
    out = []
    left = amount
    for name, item_due in items:
        covered = min(item_due, before)
        before -= covered
        take = min(item_due - covered, left)
        if take > 0:
            out.append((name, take))
        left -= take
    if left > 0:
        out.append(("其他", left))
    return out


def _ranges(device: str | None, rows: list[ReceiptRow], spares: list[str]) -> list[ReceiptRange]:
    """Each counter's numbers of the day: first, last, the receipts, the numbers skipped, and
    the spare papers (``closing_spares``), used and printed, so neither skipped nor counted."""
    by_device: dict[str, list[tuple[int, int, str, bool]]] = defaultdict(list)
    for r in rows:
        by_device[r.device].append((r.roc_year, r.seq, r.number, False))
    for number in spares:
        _office, dev, year, seq = number.rsplit("-", 3)
        by_device[dev].append((int(year), int(seq.lstrip("R")), number, True))
    out = []
    for dev, used in sorted(by_device.items()):
        if device is not None and dev != device:
            continue
        used.sort()
        seqs = {(year, seq) for year, seq, _, _ in used}
        missing = []
        (first_year, first, first_number, _), (last_year, last, last_number, _) = used[0], used[-1]
        if first_year == last_year:
            for n in range(first, last + 1):
                if (first_year, n) not in seqs:
                    missing.append(f"R{n:06d}")
        spare = tuple(f"R{seq:06d}" for _, seq, _, is_spare in used if is_spare)
        count = sum(1 for *_, is_spare in used if not is_spare)
        out.append(ReceiptRange(dev, first_number, last_number, count, tuple(missing), spare))
    return out


def _here(office: str, dev: str | None, of_office: str, of_device: str) -> bool:
    """Whether a counter is the closing's own: this counter, or (office-wide) any of the
    office's."""
    return of_office == office and (dev is None or of_device == dev)


def _first_voids(
    s: Session, case_ids: set[str]
) -> tuple[dict[str, EventRow], dict[str, ReceiptRow]]:
    """The first void event of each receipt of these cases, by receipt number (a void records
    the payment's and the receipt's in one transaction on one counter), and their receipts."""
    if not case_ids:
        return {}, {}
    receipts = {
        r.number: r
        for r in s.scalars(select(ReceiptRow).where(among(ReceiptRow.case_id, case_ids)))
    }
    by_payment = {r.payment_id: r.number for r in receipts.values()}
    stmt = select(EventRow).where(
        EventRow.type.in_(_VOIDS), among(EventRow.case_id, case_ids), _DONE
    )
    out: dict[str, EventRow] = {}
    for e in s.scalars(stmt.order_by(EventRow.seq)):
        number = e.payload.get("receipt_number") or by_payment.get(
            str(e.payload.get("payment_id", ""))
        )
        if number:
            out.setdefault(str(number), e)
    return out, receipts


def _voids(
    s: Session, office: str, dev: str | None, day: date, rows: list[ReceiptRow]
) -> tuple[dict[str, EventRow], list[tuple[ReceiptRow, EventRow]]]:
    """Who voided the day's void receipts, and the receipts issued elsewhere that were voided
    here that day (another counter's at a counter, another office's office-wide): the money
    goes back out of the drawer that voids."""
    start, end = day_bounds(day)
    here = select(EventRow.case_id).where(
        EventRow.type.in_(_VOIDS),
        _DONE,
        EventRow.office == office,
        EventRow.at >= start,
        EventRow.at < end,
    )
    if dev is not None:
        here = here.where(EventRow.device == dev)
    case_ids = {r.case_id for r in rows if r.status == "void"} | set(s.scalars(here))
    first, receipts = _first_voids(s, case_ids)
    voided_by = {r.number: e for r in rows if (e := first.get(r.number))}
    voided_here = [
        (row, e)
        for number, e in sorted(first.items())
        if _here(office, dev, e.office, e.device)
        and start <= aware(e.at) < end
        and (row := receipts.get(number)) is not None
        and not _here(office, dev, row.office, row.device)
    ]
    return voided_by, voided_here


def _paid_for(s: Session, rows: list[ReceiptRow]) -> dict[str, tuple[list[tuple[str, int]], int]]:
    """Each receipt's fee lines as they stood right after its payment and what earlier payments
    had paid of them, from one read of the day's cases."""
    states = states_at_payments(s, ((r.case_id, r.payment_id) for r in rows))
    out = {}
    for r in rows:
        if (at := states.get((r.case_id, r.payment_id))) is not None:
            out[r.number] = ([(i.name, i.amount) for i in current(at).items], at.paid - r.amount)
    return out


def _day_rows(app: App, day: date, dev: str | None) -> _DayRows:
    office = app.settings.office_code
    start, end = day_bounds(day)
    with app.reading() as s:
        stmt = select(ReceiptRow).where(ReceiptRow.issued_day == day, ReceiptRow.office == office)
        if dev is not None:
            stmt = stmt.where(ReceiptRow.device == dev)
        rows = list(s.scalars(stmt.order_by(ReceiptRow.device, ReceiptRow.seq)))
        ev_stmt = select(EventRow).where(
            EventRow.type == ev.PAYMENT_REFUNDED,
            _DONE,
            EventRow.office == office,
            EventRow.at >= start,
            EventRow.at < end,
        )
        if dev is not None:
            ev_stmt = ev_stmt.where(EventRow.device == dev)
        refunds = list(s.scalars(ev_stmt.order_by(EventRow.seq)))
        numbers = {str(e.payload.get("receipt_number", "")) for e in refunds}
        refunded = {
            r.number: r
            for r in s.scalars(select(ReceiptRow).where(among(ReceiptRow.number, numbers)))
        }
        voided_by, voided_here = _voids(s, office, dev, day, rows)
        voids = [*voided_by.values(), *(e for _, e in voided_here)]
        approvers = act_approvers(s, [*refunds, *voids])
        paid_for = _paid_for(s, rows)
        spares = day_spares(s, office, dev, day)
        return _DayRows(
            rows, refunds, refunded, paid_for, voided_by, voided_here, approvers, spares
        )


def _closing_receipt(
    office: str,
    r: ReceiptRow,
    void: EventRow | None = None,
    approvers: dict[str, str] | None = None,
) -> ClosingReceipt:
    return ClosingReceipt(
        number=r.number,
        time=_hhmm(r.issued_at),
        case_number=r.case_number,
        method=r.method,
        amount=r.amount,
        status=r.status,
        refunded=r.refunded,
        clerk=r.clerk,
        void_reason=r.void_reason,
        device=_counter(office, r.office, r.device),
        voided_by=_counter(office, void.office, void.device) if void else "",
        void_office=void.office if void else "",
        void_approved_by=(approvers or {}).get(void.event_id, "") if void else "",
        void_clerk=void.clerk if void else "",
    )


def _add_receipts(report: ClosingReport, day: _DayRows, own: str) -> None:
    """Every receipt in the detail; those whose money came in here into the per-method and
    per-item totals."""
    item_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    method_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in day.receipts:
        shown = _closing_receipt(report.office_code, r, day.voided_by.get(r.number), day.approvers)
        if r.print_count == 0 and (r.office, r.device) == (report.office_code, own):
            shown = replace(shown, printed=False)  # another counter's prints come by sync
        report.receipts.append(shown)
        if shown.status != "valid" and not report.voided_elsewhere(shown):
            continue
        method_totals[r.method][0] += 1
        method_totals[r.method][1] += r.amount
        lines, before = day.paid_for.get(r.number, ([], 0))
        for name, amount in _allocate(lines, r.amount, before):
            item_totals[name][0] += 1
            item_totals[name][1] += amount
    report.by_fee_item = [(n, c, a) for n, (c, a) in sorted(item_totals.items())]
    report.by_method = {k: (c, a) for k, (c, a) in method_totals.items()}


def _add_refunds(report: ClosingReport, day: _DayRows) -> None:
    """The refunds made here that day, and the receipts issued elsewhere voided here."""
    office = report.office_code
    for e in day.refunds:
        p = e.payload
        receipt = day.refunded.get(str(p.get("receipt_number", "")))
        report.refunds.append(
            ClosingRefund(
                receipt_number=str(p.get("receipt_number", "")),
                time=_hhmm(e.at),
                case_number=receipt.case_number if receipt else "",
                method=str(p.get("method", "cash")),
                amount=int(p.get("amount", 0)),
                reason=str(p.get("reason", "")),
                clerk=e.clerk,
                device=e.device,
                approved_by=day.approvers.get(e.event_id, ""),
                issued_by=_counter(office, receipt.office, receipt.device) if receipt else "",
            )
        )
    for row, e in day.voided_here:
        report.voided_here.append(_closing_receipt(office, row, e, day.approvers))


def closing(app: App, day: date, device: str | None = "") -> ClosingReport:
    """The closing of ``day``: this counter (``device=""``), a named counter (``01``..``99``,
    else ``device.counter``), or the whole office (``device=None``)."""
    require(app, Action.REPORTS)
    office = app.settings.office_code
    if device:  # a counter named: 01..99, never a silently empty closing of "1" or "A1"
        values.check_counter(device, "counter")
        check_counter(app, device)  # nor of "99", a counter the office never had
    check_day(app, day)
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
        generated_at=roc_minute(app.now()),
        clerk=app.actor.clerk,
        ranges=_ranges(dev, rows.receipts, rows.spares),
    )
    _add_receipts(report, rows, app.settings.device_id)
    _add_refunds(report, rows)
    with app.reading() as s:
        report.reprints = day_reprints(s, office, dev, day)
        report.refused = day_refused(s, office, dev, day)
        report.exceptions = day_exceptions(s, office, dev, day)
        report.corrections = day_corrections(s, office, dev, day, rows.receipts)
        report.earlier = earlier_closing(s, report, _scope(app, device), dev)
        report.behind = counters_behind(s, day, app.settings.device_id, dev, app.now())
    return report


def _scope(app: App, device: str | None) -> str:
    """The closing's scope as the access log names it: ``office`` or ``counter 01``."""
    return "office" if device is None else f"counter {device or app.settings.device_id}"


def closing_document(app: App, day: date, device: str | None = "") -> bytes:
    """The daily closing as PDF for the payment page's print; the access log notes the print
    (the export notes its own, :func:`write_closing`): the closing names clerks and reasons."""
    require(app, Action.REPORTS)
    pdf = closing_pdf(closing(app, day, device))
    access.record(
        app, access.PRINT, detail=f"closing report {day.isoformat()} {_scope(app, device)}"
    )
    return pdf


def write_closing(app: App, day: date, out: Path, device: str | None = "") -> ClosingReport:
    """The closing as PDF or CSV (by ``out``'s suffix); the closing of today also takes the
    day's backup."""
    require(app, Action.REPORTS)
    exports.check_name(out)
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
    # which drawer's closing was taken away, as the print says: the auditor read only the file
    detail = f"closing report {day.isoformat()} {_scope(app, device)} {out.name}"
    access.record(app, access.EXPORT, detail=detail)
    if day == office_today(app):
        # The daily closing also closes the day's data: one backup of it, whatever the hour.
        from eservice_desktop.services import backup, retention

        retention.pseudonymise_scheduled(app)  # finished cases past the retention period
        try:
            backup.take_scheduled(app, "closing")
        except OSError as e:
            # the closing is written and logged: a backup drive unplugged said only "cannot
            # access …/.backup.lock", exit 2, and the closing read as not done
            report.backup_failed = os_reason(e)
            log.warning("closing backup not taken: %s", type(e).__name__)
        except DomainError as e:
            report.backup_failed = (e.message_zh, e.message_en)
            log.warning("closing backup not taken: %s", e.code)
    return report
