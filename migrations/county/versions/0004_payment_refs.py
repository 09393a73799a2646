"""Transaction ids of the payments: ``county_payment_refs`` (the SHA-256 of each
``case.payment_recorded`` event's reference, as sent and trimmed, and of its payment id), so a
kiosk's or web portal's payment finds a transaction id already recorded by its key
(payment.duplicate) instead of reading the payload of every county event. Filled here from the
payment events the database holds; the push writes the rows of new ones.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PAYMENT_RECORDED = "case.payment_recorded"
_CHUNK = 5000


def upgrade() -> None:
    # like the baseline, a table already there (a database created by create_all from these
    # models) is adopted as it is
    bind = op.get_bind()
    if sa.inspect(bind).has_table("county_payment_refs"):
        return
    op.create_table(
        "county_payment_refs",
        sa.Column("ref_hash", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("ref_hash", "event_id", name=op.f("pk_county_payment_refs")),
    )
    _backfill(bind)


def _hashes(payload: Any) -> set[str]:
    """The keys of one payment's payload (as county/push_rows.py payment_ref_hashes, kept
    here as it was when this revision was written)."""
    if isinstance(payload, str):
        payload = json.loads(payload)
    if not isinstance(payload, dict):
        return set()
    ref = payload.get("reference")
    texts = {str(payload.get("payment_id") or "")}
    if ref is not None:
        texts |= {str(ref), str(ref).strip()}
    return {hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts if t}


def _backfill(bind: Any) -> None:
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
        keys = [{"ref_hash": h, "event_id": r.event_id} for r in rows for h in _hashes(r.payload)]
        if keys:
            bind.execute(refs.insert(), keys)


def downgrade() -> None:
    op.drop_table("county_payment_refs")
