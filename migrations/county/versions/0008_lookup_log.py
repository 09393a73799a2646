"""Every document-free look-up an office asked, answered or refused: ``county_lookup_log``
(whose record by the registry's key, never the ID itself), for the county to answer who read a
citizen's record (`eservice-county-server lookups --subject ID`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # a database created by create_all from these models has the table already
    if sa.inspect(op.get_bind()).has_table("county_lookup_log"):
        return
    op.create_table(
        "county_lookup_log",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("office", sa.String(length=8), nullable=False),
        sa.Column("device", sa.String(length=8), nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("result_id", sa.String(length=36), nullable=False),
    )
    op.create_index(
        "ix_county_lookup_log_subject", "county_lookup_log", ["subject_hash", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_county_lookup_log_subject", table_name="county_lookup_log")
    op.drop_table("county_lookup_log")
