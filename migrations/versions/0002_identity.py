"""Identity checks: CRL/ARL cache and nonces.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_nonces",
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("nonce", name="pk_identity_nonces"),
    )
    op.create_table(
        "crl_cache",
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("issuer_fingerprint", sa.String(64), nullable=False),
        sa.Column("crl_number", sa.Integer(), nullable=True),
        sa.Column("this_update", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_update", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("revoked_count", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("issuer", name="pk_crl_cache"),
    )


def downgrade() -> None:
    op.drop_table("crl_cache")
    op.drop_table("identity_nonces")
