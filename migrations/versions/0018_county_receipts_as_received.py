"""County receipts are kept as received; their signature is checked where they are used.

``county_receipts.verified`` (revision 0005) held the result of checking each receipt's Ed25519
signature when a push's answer was stored: one verification per case of every push (0.6 s of
CPU per 10,000 events), for a flag nothing read. Every use of a receipt (the screen, the
printed proof, ``sync receipt``) checks the signature again against the keys known then, so
the column goes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("county_receipts") as batch:
        batch.drop_column("verified")


def downgrade() -> None:
    # the old code's flag comes back false: "not checked when stored"; its readers verify again
    with op.batch_alter_table("county_receipts") as batch:
        batch.add_column(
            sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false())
        )
