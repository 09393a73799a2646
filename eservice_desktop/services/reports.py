"""The online-payment reconciliation statement (電子付費對帳單, appendix 22): the office's online
payments authorised in a period, with their deposit at the treasury. Reads the ``receipts``
projection, and the web and kiosk payments without a receipt of the office
(``services.reconciliation_unreceipted``); nothing here writes except the statement file. Days
are Taipei calendar days. (The daily closing is ``services.daily_closing``.)
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI, day_bounds
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.report_model import check_period
from eservice_desktop.domain.settlement_file import transaction_id
from eservice_desktop.printing.reconciliation import (
    Reconciliation,
    ReconciliationRow,
    reconciliation_csv,
    reconciliation_pdf,
)
from eservice_desktop.services import access, exports
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_receipts import aware
from eservice_desktop.services.reconciliation_unreceipted import unreceipted_online
from eservice_desktop.storage.models import CaseRow
from eservice_desktop.storage.models_payments import ReceiptRow


def _known_service(app: App, service_code: str) -> None:
    """Refuses a code the catalogue does not know (a statement with none of its payments): a
    mistyped code gave an empty statement, read as "nobody paid online for it"; a code the
    catalogue no longer lists still gives the statement of its payments."""
    if not app.catalogue.has_service(service_code):
        shown = values.printable(service_code, 48)
        raise DomainError(
            "report.service",
            f"不明的案件項目代碼：{shown}（請用目錄中的代碼，如 HR-TRANSCRIPT）",
            f"Unknown service code: {shown} (use a code of the catalogue, e.g. HR-TRANSCRIPT)",
            "service",
        )


def reconciliation(
    app: App, start: date, end: date, service_code: str | None = None
) -> Reconciliation:
    """Online payments authorised between ``start`` and ``end`` (inclusive, Taipei days), of
    one service if ``service_code`` is given (a code the catalogue does not know, with no
    payment in the period, is refused as a typing mistake).

    A period that ends before it starts is refused as the supervisor reports refuse it
    (``check_period``): it used to give an empty statement, which reads as "no online
    payments" rather than as a typing mistake."""
    require(app, Action.REPORTS)
    check_period(start, end)
    office = app.settings.office_code
    with app.reading() as s:
        paid = [(r.case_id, at, _row(r, at)) for r, at in _paid_online(s, office, start, end)]
        # the web and kiosk payments no counter issued a receipt for: on the statement too
        paid += unreceipted_online(s, office, start, end)
        paid.sort(key=lambda p: (p[1], p[2].receipt_number))
        if service_code:
            of = _service_codes(s, {case_id for case_id, _, _ in paid})
            paid = [p for p in paid if of.get(p[0]) == service_code]
    out = tuple(row for _, _, row in paid)
    if service_code and not out:
        _known_service(app, service_code)
    try:
        office_name = app.catalogue.office(office).name
    except DomainError:
        office_name = office
    name = "全部"
    if service_code:
        name = app.catalogue.service_name(service_code)
    return Reconciliation(office_name, name, start, end, out)


def _paid_online(
    s: Session, office: str, start: date, end: date
) -> list[tuple[ReceiptRow, datetime]]:
    """The office's online receipts authorised in the period (Taipei days), with that time (the
    receipt's issue when the bank gave none), in the order they were authorised."""
    lo, _ = day_bounds(start)
    _, hi = day_bounds(end)
    rows = s.scalars(
        select(ReceiptRow)
        .where(ReceiptRow.method == "online", ReceiptRow.office == office)
        .order_by(ReceiptRow.authorised_at, ReceiptRow.number)
    )
    timed = ((r, _authorised(r)) for r in rows)
    return [(r, at) for r, at in timed if lo <= at < hi]


def _authorised(r: ReceiptRow) -> datetime:
    return aware(datetime.fromisoformat(r.authorised_at) if r.authorised_at else r.issued_at)


def _service_codes(s: Session, case_ids: set[str]) -> dict[str, str]:
    """Each case's service, read from the cases projection in batches: folding every paid
    case's events one at a time made ``--service`` slow in proportion to all the online
    payments the office ever took, the period's or not."""
    ids = sorted(case_ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        query = select(CaseRow.case_id, CaseRow.service_code)
        out.update(
            (row[0], row[1])
            for row in s.execute(query.where(CaseRow.case_id.in_(ids[i : i + 500])))
        )
    return out


def _row(r: ReceiptRow, at: datetime) -> ReconciliationRow:
    return ReconciliationRow(
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


def write_reconciliation(
    app: App, start: date, end: date, out: Path, service_code: str | None = None
) -> Reconciliation:
    require(app, Action.REPORTS)
    exports.check_name(out)
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
