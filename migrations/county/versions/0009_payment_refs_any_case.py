"""Transaction ids of the payments, letter case aside: ``county_payment_refs`` keys each
payment's reference and payment id trimmed and in capitals (county/push_rows.py ``ref_hash``),
so a kiosk's ``ibon-7`` after ``IBON-7`` is the same transaction (payment.duplicate); keyed
as sent, the county recorded it a second time. Adds those keys for the payment events the
database holds (the keys revision 0004 wrote stay: one in capitals already is the same key).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_PAYMENT_RECORDED = "case.payment_recorded"
_CHUNK = 5000


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hashes(payload: Any) -> set[str]:
    """The keys of one payment's payload (as county/push_rows.py payment_ref_hashes, kept
    here as it was when this revision was written)."""
    if isinstance(payload, str):
        payload = json.loads(payload)
    if not isinstance(payload, dict):
        return set()
    ref = payload.get("reference")
    texts = {str(payload.get("payment_id") or ""), "" if ref is None else str(ref)}
    return {_key(t.strip().upper()) for t in texts if t.strip()}


def upgrade() -> None:
    bind = op.get_bind()
    events = sa.table(
        "county_events",
        sa.column("seq", sa.BigInteger()),
        sa.column("event_id", sa.String()),
        sa.column("type", sa.String()),
        sa.column("payload", sa.JSON()),
    )
    refs = sa.table("county_payment_refs", sa.column("ref_hash"), sa.column("event_id"))
    last = -1
    while True:  # in chunks of the event store's key: a county's years of payments
        rows = bind.execute(
            sa.select(events.c.seq, events.c.event_id, events.c.payload)
            .where(events.c.type == _PAYMENT_RECORDED, events.c.seq > last)
            .order_by(events.c.seq)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        last = rows[-1].seq
        ids = [r.event_id for r in rows]
        have = {
            (h, e)
            for h, e in bind.execute(
                sa.select(refs.c.ref_hash, refs.c.event_id).where(refs.c.event_id.in_(ids))
            )
        }
        keys = [
            {"ref_hash": h, "event_id": r.event_id}
            for r in rows
            for h in _hashes(r.payload)
            if (h, r.event_id) not in have
        ]
        if keys:
            bind.execute(refs.insert(), keys)


def downgrade() -> None:
    """The keys in capitals stay: revision 0006 reads the table as it reads its own keys."""
