"""Document-free look-ups: ``county_registry`` (the records answering ``POST /v1/lookups``,
fields sealed by the vault, the subject kept as a hash) and ``county_case_lookups`` (the
document kinds each case looked up, for the county's savings report). docs/lookups.md.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    # like the baseline, a table already there (a database created by create_all from these
    # models) is adopted as it is
    if _missing("county_registry"):
        _registry()
    if _missing("county_case_lookups"):
        op.create_table(
            "county_case_lookups",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("kind", sa.String(length=40), nullable=False),
            sa.PrimaryKeyConstraint("case_id", "kind", name=op.f("pk_county_case_lookups")),
        )


def _registry() -> None:
    op.create_table(
        "county_registry",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "subject_hash", name=op.f("pk_county_registry")),
    )


def downgrade() -> None:
    op.drop_table("county_case_lookups")
    op.drop_table("county_registry")
