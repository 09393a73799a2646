"""The county's signed receipts: kept per case after each push, re-verified when shown."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from eservice_desktop.county_link.protocol import CountyReceipt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import fast_values, repo
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models_sync import CountyReceiptRow, SyncReferenceRow


def receipt_keys(s: Session) -> dict[str, str]:
    row = s.get(SyncReferenceRow, "county_keys")
    if row is None:
        return {}
    return {str(k["key_id"]): str(k["public_key"]) for k in row.data.get("keys", [])}


def verify_receipt(receipt: CountyReceipt, keys: dict[str, str]) -> bool:
    """True when the receipt's signature checks out under the county key it names."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    pub = keys.get(receipt.key_id)
    if pub is None:
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(pub))
        key.verify(base64.b64decode(receipt.signature), receipt.signed_bytes())
    except (InvalidSignature, ValueError):
        return False
    return True


def store_receipts(s: Session, receipts: list[CountyReceipt], now: datetime) -> None:
    """Keeps the newest receipt per case: one query for what exists, one multi-row insert.

    The signature is kept as received and checked where a receipt is used (shown, printed,
    ``sync receipt``: :func:`county_receipt`), against the keys known then. Checking it here
    too cost one Ed25519 verification per case of every push (0.6 s of CPU per 10,000
    events) for a flag nothing read."""
    if not receipts:
        return
    existing = {
        r.case_id: r
        for r in s.scalars(
            select(CountyReceiptRow).where(
                among(CountyReceiptRow.case_id, [r.case_id for r in receipts])
            )
        )
    }
    new_rows: dict[str, dict[str, Any]] = {}
    for r in receipts:
        values: dict[str, Any] = {
            "case_number": r.case_number,
            "office": r.office,
            "events_accepted": r.events_accepted,
            "county_time": r.county_time,
            "key_id": r.key_id,
            "signature": r.signature,
            "received_at": now,
        }
        row = existing.get(r.case_id)
        if row is None:
            new_rows[r.case_id] = {"case_id": r.case_id, **values}
        elif r.events_accepted >= row.events_accepted:
            for k, v in values.items():
                setattr(row, k, v)
    if new_rows:
        # one driver executemany of the values Core would bind (no ORM bulk bookkeeping for
        # rows nobody loads back in this transaction), its two times written by the quick
        # converters (storage.fast_values: the same text as the column type's own)
        table, rows = cast(Table, CountyReceiptRow.__table__), list(new_rows.values())
        names = list(rows[0])
        dialect = s.connection().dialect
        values_rows = [[r[n] for n in names] for r in rows]
        repo.insert_tuples(
            s, table, names, fast_values.converted(table, dialect, names, values_rows)
        )


def county_receipt(app: App, case_number: str) -> dict[str, Any]:
    """The county's signed acknowledgement of a case, re-verified now: printable proof that
    the case reached the county (and how many of its events)."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        row = s.get(CountyReceiptRow, case_id)
        keys = receipt_keys(s)
    if row is None:
        raise DomainError(
            "sync.no_receipt",
            "本案尚未收到縣府回執（尚未同步）",
            "No county receipt yet (not synced)",
        )
    receipt = CountyReceipt(
        case_id=row.case_id,
        case_number=row.case_number,
        office=row.office,
        events_accepted=row.events_accepted,
        county_time=repo.aware(row.county_time),
        key_id=row.key_id,
        signature=row.signature,
    )
    return receipt.model_dump(mode="json") | {"verified": verify_receipt(receipt, keys)}


def county_receipt_pdf(app: App, data: dict[str, Any]) -> bytes:
    """The county's receipt for a case (as :func:`county_receipt` returns it) as a PDF."""
    require(app, Action.PRINT)
    from eservice_desktop.printing.county_receipt import render_county_receipt

    return render_county_receipt(data, app.catalogue.office(str(data["office"])).name)
