"""Fees, payments and receipts: the receipts projection and the receipt signing keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("device", sa.String(8), nullable=False),
        sa.Column("roc_year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(24), nullable=False),
        sa.Column("payment_id", sa.String(64), nullable=False),
        sa.Column("method", sa.String(12), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("tendered", sa.Integer(), nullable=True),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("payment_tool", sa.String(24), nullable=False),
        sa.Column("authorised_at", sa.String(40), nullable=False),
        sa.Column("deposit_date", sa.String(10), nullable=False),
        sa.Column("settlement_number", sa.String(40), nullable=False),
        sa.Column("deposited", sa.Boolean(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_day", sa.Date(), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded", sa.Integer(), nullable=False),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.Column("verification", sa.String(16), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_receipts"),
        sa.UniqueConstraint("payment_id", name="uq_receipts_payment_id"),
    )
    op.create_index("ix_receipts_case_id", "receipts", ["case_id"])
    op.create_index("ix_receipts_day", "receipts", ["issued_day", "office", "device"])
    op.create_index(
        "ix_receipts_series", "receipts", ["office", "device", "roc_year", "seq"], unique=True
    )
    op.create_table(
        "receipt_keys",
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("device", sa.String(8), nullable=False),
        sa.Column("secret_hex", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name="pk_receipt_keys"),
    )


def downgrade() -> None:
    op.drop_table("receipt_keys")
    op.drop_index("ix_receipts_series", table_name="receipts")
    op.drop_index("ix_receipts_day", table_name="receipts")
    op.drop_index("ix_receipts_case_id", table_name="receipts")
    op.drop_table("receipts")
