"""Sync with the county: cursors, acknowledgements, conflicts, attachments.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("conflict_id", sa.String(36), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id", name=op.f("pk_sync_conflicts")),
        sa.UniqueConstraint("event_id", name=op.f("uq_sync_conflicts_event_id")),
    )
    op.create_index(op.f("ix_sync_conflicts_case_id"), "sync_conflicts", ["case_id"])
    op.create_table(
        "county_receipts",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(24), nullable=False),
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("events_accepted", sa.Integer(), nullable=False),
        sa.Column("county_time", TZ, nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_county_receipts")),
    )
    op.create_index(op.f("ix_county_receipts_case_number"), "county_receipts", ["case_number"])
    op.create_table(
        "sync_attachments",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_sync_attachments")),
    )
    op.create_table(
        "sync_reference",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_reference")),
    )
    op.create_table(
        "sync_notifications",
        sa.Column("notification_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_sync_notifications")),
    )
    op.create_index(op.f("ix_sync_notifications_case_id"), "sync_notifications", ["case_id"])


def downgrade() -> None:
    for name in (
        "sync_notifications",
        "sync_reference",
        "sync_attachments",
        "county_receipts",
        "sync_conflicts",
        "sync_state",
    ):
        op.drop_table(name)
