"""An access record keeps the counter it was made under: ``county_access_log.recorded_as``.

A PC whose office code (or counter number) was corrected with ``setup`` after its first
sign-ins, searches or account changes held those records under the old code: the county takes
a device's records from that device only, so they never left the PC, and the county's auditor
never saw them. The PC now pushes them as its own, each naming the counter it was made under
(its chain hash is over that one); the rows already here made under their pushing counter keep
it empty.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a database created by create_all from these models has the column already
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("county_access_log")}
    if "recorded_as" not in have:
        with op.batch_alter_table("county_access_log") as table:
            table.add_column(
                sa.Column("recorded_as", sa.String(16), nullable=False, server_default="")
            )


def downgrade() -> None:
    with op.batch_alter_table("county_access_log") as table:
        table.drop_column("recorded_as")
