"""A partial index of the web and kiosk cases waiting for 收件 (the queue's online tab).

The online tab and its count used to walk every open case of the office and read its JSON
state (about 5 s over 1,000,000 cases); this index holds only the waiting cases, by office and
submission time, so the tab's list and count read a handful of entries.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# A copy, not an import: a migration keeps the condition it created (storage.models has the
# live one, AWAITING_ACCEPTANCE_SQL; a unit test checks the queries use this index). The
# unary + keeps the (office, status, ...) indexes from serving these terms instead.
_WAITING = (
    "+channel IN ('kiosk', 'web') "
    "AND +status IN ('received', 'payment_due', 'supplement_requested') "
    "AND json_extract(state, '$.awaiting_acceptance') = 1"
)


def upgrade() -> None:
    op.create_index(
        "ix_cases_online_waiting",
        "cases",
        ["office", "received_at"],
        sqlite_where=sa.text(_WAITING),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_online_waiting", table_name="cases")
