"""Tamper evidence: each device's hash chain over its events, and the access log.

Adds ``events.prev``/``events.hash`` (domain/chain.py), ``event_chain_heads`` (the last link of
this device's chain) and ``access_log`` (who viewed, searched, printed or exported which case,
with its own chain). The events this device made (``origin = 'local'``) get their chain now, in
their insertion order, so an upgraded database verifies; events pulled from other devices
stay without one (their devices chain them from now on). ``events.pseudonymised_at`` marks
events retention rewrote (their links are checked, not their content); events already
pseudonymised before this revision are chained over their rewritten payload.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
# A frozen copy of the chain encoding of this revision (domain/chain.py may move on).
_GENESIS = "0" * 64
_BATCH = 5000


def _hash(row: sa.Row, payload: object, at: datetime, prev: str) -> str:
    doc = {
        "event_id": row.event_id,
        "case_id": row.case_id,
        "type": row.type,
        "office": row.office,
        "device": row.device,
        "clerk": row.clerk,
        "at": (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat(),
        "payload": payload,
        "prev": prev,
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.add_column("events", sa.Column("prev", sa.String(64), nullable=True))
    op.add_column("events", sa.Column("hash", sa.String(64), nullable=True))
    op.add_column("events", sa.Column("pseudonymised_at", TZ, nullable=True))
    op.create_table(
        "event_chain_heads",
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("device", sa.String(8), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("office", "device", name=op.f("pk_event_chain_heads")),
    )
    op.create_table(
        "access_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("access_id", sa.String(36), nullable=False),
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("device", sa.String(8), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(24), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("acked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_access_log")),
        sa.UniqueConstraint("access_id", name=op.f("uq_access_log_access_id")),
    )
    op.create_index("ix_access_log_operator_at", "access_log", ["operator", "at"])
    op.create_index("ix_access_log_case_number_at", "access_log", ["case_number", "at"])
    op.create_index("ix_access_log_outbox", "access_log", ["acked_at", "seq"])
    _chain_existing()


def _chain_existing() -> None:
    conn = op.get_bind()
    events = sa.table(
        "events",
        sa.column("seq", sa.Integer),
        sa.column("event_id", sa.String),
        sa.column("case_id", sa.String),
        sa.column("type", sa.String),
        sa.column("office", sa.String),
        sa.column("device", sa.String),
        sa.column("clerk", sa.String),
        sa.column("at", TZ),
        sa.column("payload", sa.JSON),
        sa.column("origin", sa.String),
        sa.column("prev", sa.String),
        sa.column("hash", sa.String),
    )
    heads: dict[tuple[str, str], tuple[str, str, str, int]] = {}
    pending: list[dict[str, object]] = []
    rows = conn.execute(
        sa.select(events).where(events.c.origin == "local").order_by(events.c.seq)
    ).all()
    for r in rows:
        key = (r.office, r.device)
        prev = heads[key][0] if key in heads else _GENESIS
        h = _hash(r, r.payload, r.at, prev)
        heads[key] = (h, r.event_id, r.case_id, (heads[key][3] if key in heads else 0) + 1)
        pending.append({"k": r.seq, "p": prev, "h": h})
        if len(pending) >= _BATCH:
            _flush(conn, events, pending)
    _flush(conn, events, pending)
    if heads:
        conn.execute(
            sa.text(
                "INSERT INTO event_chain_heads (office, device, hash, event_id, case_id, length)"
                " VALUES (:o, :d, :h, :e, :c, :n)"
            ),
            [
                {"o": o, "d": d, "h": h, "e": e, "c": c, "n": n}
                for (o, d), (h, e, c, n) in heads.items()
            ],
        )


def _flush(conn: sa.Connection, events: sa.TableClause, pending: list[dict[str, object]]) -> None:
    if pending:
        conn.execute(
            sa.text("UPDATE events SET prev = :p, hash = :h WHERE seq = :k"), list(pending)
        )
        pending.clear()


def downgrade() -> None:
    op.drop_table("access_log")
    op.drop_table("event_chain_heads")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("pseudonymised_at")
        batch.drop_column("hash")
        batch.drop_column("prev")
