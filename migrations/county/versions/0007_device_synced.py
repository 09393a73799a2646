"""When each device last said it had nothing left to push: ``county_devices.synced_at``, which
the office's counters read (a pull with ``devices=true``) so the office-wide closing can name a
counter whose day may not have reached them yet.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a database created by create_all from these models has the column already
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("county_devices")}
    if "synced_at" not in have:
        with op.batch_alter_table("county_devices") as table:
            table.add_column(sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("county_devices") as table:
        table.drop_column("synced_at")
