"""The notices of a case by stage: ``ix_county_notifications_case`` (case id, stage). An office's
resend request (``case.notice_resend_requested``, pushed and handled under the feed lock) read
every notice the county ever queued to find the case's.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_NAME = "ix_county_notifications_case"


def upgrade() -> None:
    # a database created by create_all from these models has the index already
    have = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("county_notifications")}
    if _NAME not in have:
        op.create_index(_NAME, "county_notifications", ["case_id", "stage"], unique=False)


def downgrade() -> None:
    op.drop_index(_NAME, table_name="county_notifications")
