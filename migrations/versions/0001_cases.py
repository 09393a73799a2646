"""Cases as event streams, their projection, number counters, the working calendar.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("device", sa.String(8), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
    )
    op.create_index("ix_events_case_id", "events", ["case_id"])
    op.create_index("ix_events_outbox", "events", ["origin", "acked_at", "seq"])
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(24), nullable=False),
        sa.Column("service_code", sa.String(48), nullable=False),
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("applicant_id", sa.String(16), nullable=False),
        sa.Column("applicant_name", sa.String(64), nullable=False),
        sa.Column("applicant_kind", sa.String(12), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fees_due", sa.Integer(), nullable=False),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.Column("pickup_office", sa.String(8), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_cases"),
        sa.UniqueConstraint("case_number", name="uq_cases_case_number"),
    )
    op.create_index("ix_cases_applicant_id", "cases", ["applicant_id"])
    op.create_index("ix_cases_applicant_name", "cases", ["applicant_name"])
    op.create_index("ix_cases_status_due", "cases", ["status", "due_date"])
    op.create_index("ix_cases_received_day", "cases", ["received_day"])
    op.create_index("ix_cases_pickup", "cases", ["pickup_office", "status"])
    op.create_table(
        "counters",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("day_off", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_calendar_days"),
    )


def downgrade() -> None:
    for table in ("calendar_days", "counters", "cases", "events"):
        op.drop_table(table)
