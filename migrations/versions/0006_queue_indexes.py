"""Queue indexes that lead with the office, so each queue and its count is an index range.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cases_status_due", table_name="cases")
    op.create_index("ix_cases_office_status_due", "cases", ["office", "status", "due_date"])
    op.create_index("ix_cases_office_status_received", "cases", ["office", "status", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_office_status_received", table_name="cases")
    op.drop_index("ix_cases_office_status_due", table_name="cases")
    op.create_index("ix_cases_status_due", "cases", ["status", "due_date"])
