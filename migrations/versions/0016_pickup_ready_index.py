"""The pickup desk's ready list reads its first rows in index order instead of sorting.

The desk lists the cases waiting at this office oldest first (``services.pickup_views.
ready_cases``: pickup office and status equal, ordered by ``updated_at`` then case number, the
first 500), and reloads it after every handover. ``ix_cases_pickup`` (pickup office, status)
found every ready case, and SQLite sorted all of them for the first 500 (56 ms at 100,000
cases, growing with the office). This index carries the order too, so the list is the first
500 entries of one index range. It replaces ``ix_cases_pickup``, of which it is an extension
(any look-up by pickup office and status uses it the same way), so a case write maintains
no more indexes than before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_pickup_ready",
        "cases",
        ["pickup_office", "status", "updated_at", "case_number"],
    )
    op.drop_index("ix_cases_pickup", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_pickup", "cases", ["pickup_office", "status"])
    op.drop_index("ix_cases_pickup_ready", table_name="cases")
