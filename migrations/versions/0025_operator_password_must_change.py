"""A password set by someone other than the account is a one-time password.

``operators.password_must_change`` marks an account whose password an office admin set (a new
account, a reset): the admin knows it, and the clerk went on using it for good, so the admin
could sign in as the clerk and every act read as the clerk's. While marked, the owner signs in
and must choose their own password before any use case (``services.operators_signin``). The
accounts an office already has are left unmarked: nobody can tell now who chose which password.

Going down drops the mark: an older build lets a marked account go on with the admin's
password, as it always did.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "operators",
        sa.Column("password_must_change", sa.Boolean(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("operators") as batch:
        batch.drop_column("password_must_change")
