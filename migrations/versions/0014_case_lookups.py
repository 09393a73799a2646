"""Document-free look-ups: ``case_lookups``, one row per ``case.lookup_done`` (the savings
report counts a closed case with consent per document kind looked up).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_lookups",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("result_id", sa.String(36), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_case_lookups")),
    )
    op.create_index("ix_case_lookups_case_kind", "case_lookups", ["case_id", "kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_lookups_case_kind", table_name="case_lookups")
    op.drop_table("case_lookups")
