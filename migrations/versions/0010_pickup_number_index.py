"""A short code typed at the pickup desk finds its case through an index, not a scan.

The short code starts with the case's 4-digit pickup number (``cases.state``), and the desk
looks it up among the cases ready at this office. ``ix_cases_pickup`` (pickup office, status)
narrowed that to every ready case, 60,000 at a large office, each with its JSON state parsed.
This partial expression index holds the ready cases only, keyed by office and pickup number,
so the look-up reads the handful of cases sharing one number.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_ready_pickup_number",
        "cases",
        ["pickup_office", sa.text("json_extract(state, '$.pickup_number')")],
        sqlite_where=sa.text("status = 'ready_for_pickup'"),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_ready_pickup_number", table_name="cases")
