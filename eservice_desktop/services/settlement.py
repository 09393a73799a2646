"""Importing the treasury's settlement file at the office (docs/payments.md, appendix 22).

Every line whose transaction id (交易電子案號 = the online payment's ``payment_id``) matches an
online payment of this office, with the same amount, becomes a ``case.payment_settled`` event
(``payments.settle_online_payment`` → ``cases.record`` → the one ingest path), which fills the
receipt's deposit date, deposited flag and settlement number read by the reconciliation; a web
or kiosk payment no counter issued a receipt for is settled the same way, its receipt number
empty (``services.reconciliation_unreceipted``). A line
that says nothing new is left alone (a second import changes nothing); an unknown id or a
different amount is reported, never applied. The file is parsed whole before anything is
written, so a malformed file stores nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import settlement_file as sf
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.case_state import Payment
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.reconciliation_unreceipted import unreceipted_by_transaction
from eservice_desktop.storage.models_payments import ReceiptRow

log = logging.getLogger("eservice.settlement")


def import_settlement(app: App, data: bytes) -> dict[str, Any]:
    """Parses ``data`` (raises ``SettlementFileError``) and applies it in one transaction."""
    require(app, Action.RECORD_PAYMENT)
    lines = sf.parse(data)
    with app.transaction() as s:
        wanted = {ln.transaction_id for ln in lines}
        rows = _receipts_by_transaction(s, wanted)
        bare = unreceipted_by_transaction(s, app.settings.office_code, wanted - set(rows))
        outcomes = [
            _apply_bare(app, s, ln, *bare[ln.transaction_id])
            if ln.transaction_id in bare
            else _apply_line(app, s, ln, rows.get(ln.transaction_id))
            for ln in lines
        ]
    result = sf.summary(outcomes)
    log.info(
        "settlement file imported: %s lines, %s settled, %s not applied",
        result["lines"],
        result["settled"],
        len(result["not_applied"]),  # type: ignore[arg-type]
    )
    return result


def _apply_bare(
    app: App, s: Session, ln: sf.SettlementLine, state: CaseState, pay: Payment
) -> sf.SettlementOutcome:
    """A line of a web or kiosk payment no counter issued a receipt for (on the statement with
    its 規費單號 empty): settled as the county settles it, the receipt number empty; it was
    reported ``unknown``, "no such online payment here", of a payment of this office."""
    if pay.amount != ln.amount:
        return sf.SettlementOutcome(
            ln.line, ln.transaction_id, "amount_mismatch", state.case_number, pay.amount
        )
    if not sf.changes(ln, pay.deposit_date, pay.settlement_number, pay.deposited):
        return sf.SettlementOutcome(ln.line, ln.transaction_id, "unchanged", state.case_number)
    payload = {
        "payment_id": pay.payment_id,
        "receipt_number": "",
        "deposit_date": ln.deposit_date.isoformat() if ln.deposit_date else "",
        "settlement_number": ln.settlement_number,
        "deposited": ln.deposited,
    }
    cases.record(app, s, state.case_id, ev.PAYMENT_SETTLED, payload)
    return sf.SettlementOutcome(ln.line, ln.transaction_id, "settled", state.case_number)


def _receipts_by_transaction(s: Session, wanted: set[str]) -> dict[str, ReceiptRow]:
    """The receipt of each wanted transaction id (an online one first when two match), read
    400 ids at a time."""
    ids = sorted(wanted)
    rows: dict[str, ReceiptRow] = {}
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        found = s.scalars(
            select(ReceiptRow).where(
                or_(ReceiptRow.payment_id.in_(chunk), ReceiptRow.reference.in_(chunk))
            )
        )
        for r in found:
            # 交易電子案號 is the channel's transaction id (reference), else the payment id
            for key in (r.payment_id, sf.transaction_id(r.payment_id, r.reference)):
                if key in wanted and (key not in rows or rows[key].method != "online"):
                    rows[key] = r
    return rows


def _apply_line(
    app: App, s: Session, ln: sf.SettlementLine, row: ReceiptRow | None
) -> sf.SettlementOutcome:
    """One line of the file: settles its online payment, or says why not."""
    if row is None:
        return sf.SettlementOutcome(ln.line, ln.transaction_id, "unknown")
    if row.method != "online":
        return sf.SettlementOutcome(ln.line, ln.transaction_id, "not_online", row.case_number)
    if row.amount != ln.amount:
        return sf.SettlementOutcome(
            ln.line, ln.transaction_id, "amount_mismatch", row.case_number, row.amount
        )
    if not sf.changes(ln, row.deposit_date, row.settlement_number, row.deposited):
        return sf.SettlementOutcome(ln.line, ln.transaction_id, "unchanged", row.case_number)
    payments.settle_online_payment(
        app,
        s,
        row.payment_id,
        deposit_date=ln.deposit_date,
        settlement_number=ln.settlement_number,
        deposited=ln.deposited,
    )
    return sf.SettlementOutcome(ln.line, ln.transaction_id, "settled", row.case_number)
