"""Idempotency keys of the channels' applications: ``county_channel_requests`` (the answer a
web portal's or kiosk's application got, under the hash of its channel, applicant and key,
kept 24 hours; county/channel_requests.py, docs/channels.md).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # like the baseline, a table already there (a database created by create_all from these
    # models) is adopted as it is
    if sa.inspect(op.get_bind()).has_table("county_channel_requests"):
        return
    op.create_table(
        "county_channel_requests",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_county_channel_requests")),
    )
    op.create_index(
        op.f("ix_county_channel_requests_created_at"),
        "county_channel_requests",
        ["created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_county_channel_requests_created_at"), table_name="county_channel_requests"
    )
    op.drop_table("county_channel_requests")
