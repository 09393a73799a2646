"""The look-up log's whose-record key made the county's own: ``county_lookup_log.subject_keyed``.

Until now a row named whose record it was by the registry's unkeyed SHA-256 of the kind and
the ID, which anyone holding the database reversed by trying every ID (one letter, nine
digits) in minutes. The server keys it with a key of the county's secret (an HMAC over that
hash, county/lookup_log.py); this revision marks the rows already there as not keyed yet
(false), and the first start with the secret keys them in place, then rewrites the database
file so no freed page keeps the old hash. A migration never holds the secret: the keying is
the server's.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a database created by create_all from these models has the column already
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("county_lookup_log")}
    if "subject_keyed" not in have:
        with op.batch_alter_table("county_lookup_log") as table:
            table.add_column(
                sa.Column("subject_keyed", sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade() -> None:
    with op.batch_alter_table("county_lookup_log") as table:
        table.drop_column("subject_keyed")
