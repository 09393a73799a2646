"""Importing the treasury's settlement file at the office (docs/payments.md, appendix 22).

Every line whose transaction id (交易電子案號 = the online payment's ``payment_id``) matches an
online payment of this office, with the same amount, becomes a ``case.payment_settled`` event
(``payments.settle_online_payment`` → ``cases.record`` → the one ingest path), which fills the
receipt's deposit date, deposited flag and settlement number read by the reconciliation. A line
that says nothing new is left alone (a second import changes nothing); an unknown id or a
different amount is reported, never applied. The file is parsed whole before anything is
written, so a malformed file stores nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import or_, select

from eservice_desktop.domain import settlement_file as sf
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import payments
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage.models_payments import ReceiptRow

log = logging.getLogger("eservice.settlement")


def import_settlement(app: App, data: bytes) -> dict[str, Any]:
    """Parses ``data`` (raises ``SettlementFileError``) and applies it in one transaction."""
    require(app, Action.RECORD_PAYMENT)
    lines = sf.parse(data)
    outcomes: list[sf.SettlementOutcome] = []
    with app.transaction() as s:
        wanted = {ln.transaction_id for ln in lines}
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
        for ln in lines:
            row = rows.get(ln.transaction_id)
            if row is None:
                outcomes.append(sf.SettlementOutcome(ln.line, ln.transaction_id, "unknown"))
                continue
            if row.method != "online":
                outcomes.append(
                    sf.SettlementOutcome(ln.line, ln.transaction_id, "not_online", row.case_number)
                )
                continue
            if row.amount != ln.amount:
                outcomes.append(
                    sf.SettlementOutcome(
                        ln.line, ln.transaction_id, "amount_mismatch", row.case_number, row.amount
                    )
                )
                continue
            if not sf.changes(ln, row.deposit_date, row.settlement_number, row.deposited):
                outcomes.append(
                    sf.SettlementOutcome(ln.line, ln.transaction_id, "unchanged", row.case_number)
                )
                continue
            payments.settle_online_payment(
                app,
                s,
                row.payment_id,
                deposit_date=ln.deposit_date,
                settlement_number=ln.settlement_number,
                deposited=ln.deposited,
            )
            outcomes.append(
                sf.SettlementOutcome(ln.line, ln.transaction_id, "settled", row.case_number)
            )
    result = sf.summary(outcomes)
    log.info(
        "settlement file imported: %s lines, %s settled, %s not applied",
        result["lines"],
        result["settled"],
        len(result["not_applied"]),  # type: ignore[arg-type]
    )
    return result
