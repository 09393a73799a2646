"""Today's intake and the open list read one office's cases newest first: index them so.

Replaces the received-day index with (office, received_day, received_at). Over 1,000,000 cases
the "today" list went from 1.2 s to 2 ms and its count from 0.9 s to 0.1 ms (SQLite chose the
office/status index for them while the office column led no other index).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cases_received_day", table_name="cases")
    op.create_index("ix_cases_office_received", "cases", ["office", "received_day", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_office_received", table_name="cases")
    op.create_index("ix_cases_received_day", "cases", ["received_day"])
