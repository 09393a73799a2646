"""The build each device last synced with: ``county_devices.build`` (its version and the event
types it reads, from its User-Agent), for county IT to see which counters an upgrade of the
county that brings a new event type would leave behind (`eservice-county devices`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a database created by create_all from these models has the column already
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("county_devices")}
    if "build" not in have:
        with op.batch_alter_table("county_devices") as table:
            table.add_column(sa.Column("build", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("county_devices") as table:
        table.drop_column("build")
