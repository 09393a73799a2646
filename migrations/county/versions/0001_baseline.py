"""Baseline: the county schema as the server created it with ``create_all`` before it was
under Alembic. Idempotent for such a database (adoption): existing tables and rows are kept.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Columns added after a table was first shipped (before Alembic): (table, column, SQL type).
_ADDED_COLUMNS = (("county_enrol_codes", "device", "VARCHAR(8)"),)


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def _legacy_fixups() -> None:
    """What the pre-Alembic start-up did to older databases: added columns, and attachments
    keyed by hash alone carried over once under their office."""
    conn = op.get_bind()
    insp = sa.inspect(conn)
    for table, column, sql_type in _ADDED_COLUMNS:
        if column not in {c["name"] for c in insp.get_columns(table)}:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
    if insp.has_table("county_attachments") and not conn.scalar(
        sa.text("SELECT count(*) FROM county_office_attachments")
    ):
        op.execute(
            "INSERT INTO county_office_attachments (office, sha256, size, received, "
            "complete, case_id, media_type, created_at) SELECT office, sha256, size, "
            "received, complete, case_id, media_type, created_at FROM county_attachments"
        )
        op.execute(
            'INSERT INTO county_office_attachment_chunks (office, sha256, "offset", data) '
            'SELECT a.office, c.sha256, c."offset", c.data FROM county_attachment_chunks c '
            "JOIN county_attachments a ON a.sha256 = c.sha256"
        )


def upgrade() -> None:
    # A county database created before its schema was under Alembic already has these tables
    # (maybe not all of them): only the missing ones are created, then the old fix-ups run.
    if _missing("county_access_log"):
        op.create_table(
            "county_access_log",
            sa.Column("access_id", sa.String(length=36), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("device", sa.String(length=8), nullable=False),
            sa.Column("operator", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=16), nullable=False),
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("case_number", sa.String(length=24), nullable=False),
            sa.Column("detail", sa.String(length=200), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("prev", sa.String(length=64), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("access_id", name=op.f("pk_county_access_log")),
        )
        with op.batch_alter_table("county_access_log", schema=None) as batch_op:
            batch_op.create_index(
                "ix_county_access_case_number", ["case_number", "at"], unique=False
            )
            batch_op.create_index(
                "ix_county_access_office_operator", ["office", "operator", "at"], unique=False
            )

    if _missing("county_case_facts"):
        op.create_table(
            "county_case_facts",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("case_number", sa.String(length=24), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("service_code", sa.String(length=48), nullable=False),
            sa.Column("channel", sa.String(length=12), nullable=False),
            sa.Column("received_day", sa.Date(), nullable=False),
            sa.Column("status", sa.String(length=24), nullable=False),
            sa.Column("consent", sa.Boolean(), nullable=False),
            sa.Column("due_date", sa.Date(), nullable=True),
            sa.Column("closed_on_time", sa.Boolean(), nullable=True),
            sa.Column("holder", sa.String(length=64), nullable=False),
            sa.Column("held_since", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("case_id", name=op.f("pk_county_case_facts")),
        )
        with op.batch_alter_table("county_case_facts", schema=None) as batch_op:
            batch_op.create_index(
                "ix_county_case_facts_day",
                ["received_day", "office", "service_code", "channel"],
                unique=False,
            )

    if _missing("county_cases"):
        op.create_table(
            "county_cases",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("case_number", sa.String(length=24), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("pickup_office", sa.String(length=8), nullable=False),
            sa.Column("status", sa.String(length=24), nullable=False),
            sa.Column("event_count", sa.Integer(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("case_id", name=op.f("pk_county_cases")),
        )
        with op.batch_alter_table("county_cases", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_county_cases_case_number"), ["case_number"], unique=False
            )
            batch_op.create_index(batch_op.f("ix_county_cases_office"), ["office"], unique=False)

    if _missing("county_chain_heads"):
        op.create_table(
            "county_chain_heads",
            sa.Column("device_key", sa.String(length=20), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("length", sa.BigInteger(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("device_key", name=op.f("pk_county_chain_heads")),
        )

    if _missing("county_channels"):
        op.create_table(
            "county_channels",
            sa.Column("name", sa.String(length=32), nullable=False),
            sa.Column("kind", sa.String(length=8), nullable=False),
            sa.Column("credential_hash", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_county_channels")),
            sa.UniqueConstraint("credential_hash", name=op.f("uq_county_channels_credential_hash")),
        )

    if _missing("county_conflicts"):
        op.create_table(
            "county_conflicts",
            sa.Column("conflict_id", sa.String(length=36), nullable=False),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("device", sa.String(length=8), nullable=False),
            sa.Column("reason_code", sa.String(length=64), nullable=False),
            sa.Column("reason_zh", sa.Text(), nullable=False),
            sa.Column("reason_en", sa.Text(), nullable=False),
            sa.Column("event", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("conflict_id", name=op.f("pk_county_conflicts")),
            sa.UniqueConstraint("event_id", name=op.f("uq_county_conflicts_event_id")),
        )
        with op.batch_alter_table("county_conflicts", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_county_conflicts_case_id"), ["case_id"], unique=False
            )
            batch_op.create_index(
                batch_op.f("ix_county_conflicts_office"), ["office"], unique=False
            )

    if _missing("county_device_audit"):
        op.create_table(
            "county_device_audit",
            sa.Column(
                "seq",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column("device_key", sa.String(length=20), nullable=False),
            sa.Column("action", sa.String(length=16), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("code_ref", sa.String(length=8), nullable=False),
            sa.Column("label", sa.String(length=100), nullable=False),
            sa.PrimaryKeyConstraint("seq", name=op.f("pk_county_device_audit")),
        )
        with op.batch_alter_table("county_device_audit", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_county_device_audit_device_key"), ["device_key"], unique=False
            )

    if _missing("county_devices"):
        op.create_table(
            "county_devices",
            sa.Column("device_key", sa.String(length=20), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("device", sa.String(length=8), nullable=False),
            sa.Column("label", sa.String(length=100), nullable=False),
            sa.Column("credential_hash", sa.String(length=64), nullable=False),
            sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("device_key", name=op.f("pk_county_devices")),
            sa.UniqueConstraint("credential_hash", name=op.f("uq_county_devices_credential_hash")),
        )

    if _missing("county_enrol_codes"):
        op.create_table(
            "county_enrol_codes",
            sa.Column("code_hash", sa.String(length=64), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("used_by", sa.String(length=20), nullable=True),
            sa.Column("device", sa.String(length=8), nullable=True),
            sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_county_enrol_codes")),
        )

    if _missing("county_event_chain"):
        op.create_table(
            "county_event_chain",
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("prev", sa.String(length=64), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("event_id", name=op.f("pk_county_event_chain")),
        )

    if _missing("county_events"):
        op.create_table(
            "county_events",
            sa.Column(
                "seq",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("type", sa.String(length=40), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("device", sa.String(length=8), nullable=False),
            sa.Column("clerk", sa.String(length=64), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("payload", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("seq", name=op.f("pk_county_events")),
            sa.UniqueConstraint("event_id", name=op.f("uq_county_events_event_id")),
        )
        with op.batch_alter_table("county_events", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_county_events_case_id"), ["case_id"], unique=False)
            batch_op.create_index("ix_county_events_office", ["office", "seq"], unique=False)

    if _missing("county_feed"):
        op.create_table(
            "county_feed",
            sa.Column(
                "seq",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column("office", sa.String(length=8), nullable=True),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("case_id", sa.String(length=36), nullable=True),
            sa.Column("source", sa.String(length=20), nullable=True),
            sa.Column("data", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("seq", name=op.f("pk_county_feed")),
        )
        with op.batch_alter_table("county_feed", schema=None) as batch_op:
            batch_op.create_index("ix_county_feed_office_seq", ["office", "seq"], unique=False)

    if _missing("county_keys"):
        op.create_table(
            "county_keys",
            sa.Column("key_id", sa.String(length=32), nullable=False),
            sa.Column("purpose", sa.String(length=16), nullable=False),
            sa.Column("private_key", sa.Text(), nullable=False),
            sa.Column("public_key", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("key_id", name=op.f("pk_county_keys")),
        )

    if _missing("county_notifications"):
        op.create_table(
            "county_notifications",
            sa.Column("notification_id", sa.String(length=36), nullable=False),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("channel", sa.String(length=8), nullable=False),
            sa.Column("stage", sa.String(length=24), nullable=False),
            sa.Column("recipient", sa.String(length=120), nullable=False),
            sa.Column("subject", sa.String(length=200), nullable=False),
            sa.Column("body", sa.Text(), nullable=False),
            sa.Column("status", sa.String(length=12), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_error", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_county_notifications")),
        )
        with op.batch_alter_table("county_notifications", schema=None) as batch_op:
            batch_op.create_index(
                "ix_county_notifications_due", ["status", "next_attempt_at"], unique=False
            )
            batch_op.create_index(
                "uq_county_notifications_event_channel", ["event_id", "channel"], unique=True
            )

    if _missing("county_office_attachment_chunks"):
        op.create_table(
            "county_office_attachment_chunks",
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("offset", sa.BigInteger(), nullable=False),
            sa.Column("data", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint(
                "office", "sha256", "offset", name=op.f("pk_county_office_attachment_chunks")
            ),
        )

    if _missing("county_office_attachments"):
        op.create_table(
            "county_office_attachments",
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("size", sa.BigInteger(), nullable=False),
            sa.Column("received", sa.BigInteger(), nullable=False),
            sa.Column("complete", sa.Boolean(), nullable=False),
            sa.Column("case_id", sa.String(length=36), nullable=True),
            sa.Column("media_type", sa.String(length=100), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("office", "sha256", name=op.f("pk_county_office_attachments")),
        )

    if _missing("county_operators"):
        op.create_table(
            "county_operators",
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("account", sa.String(length=32), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("roles", sa.JSON(), nullable=False),
            sa.Column("departments", sa.JSON(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("password_hash", sa.Text(), nullable=False),
            sa.Column("version", sa.BigInteger(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("office", "account", name=op.f("pk_county_operators")),
        )
        with op.batch_alter_table("county_operators", schema=None) as batch_op:
            batch_op.create_index(
                "ix_county_operators_office_version", ["office", "version"], unique=False
            )

    if _missing("county_routes"):
        op.create_table(
            "county_routes",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.PrimaryKeyConstraint("case_id", "office", name=op.f("pk_county_routes")),
        )

    if _missing("county_targets"):
        op.create_table(
            "county_targets",
            sa.Column("office", sa.String(length=8), nullable=False),
            sa.Column("department", sa.String(length=32), nullable=False),
            sa.Column("month", sa.String(length=7), nullable=False),
            sa.Column("metric", sa.String(length=12), nullable=False),
            sa.Column("value", sa.Integer(), nullable=False),
            sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint(
                "office", "department", "month", "metric", name=op.f("pk_county_targets")
            ),
        )

    if _missing("county_vault"):
        op.create_table(
            "county_vault",
            sa.Column("name", sa.String(length=32), nullable=False),
            sa.Column("kdf", sa.String(length=64), nullable=False),
            sa.Column("salt", sa.String(length=64), nullable=False),
            sa.Column("wrapped", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_county_vault")),
        )
    _legacy_fixups()


def downgrade() -> None:
    op.drop_table("county_vault")
    op.drop_table("county_targets")
    op.drop_table("county_routes")
    with op.batch_alter_table("county_operators", schema=None) as batch_op:
        batch_op.drop_index("ix_county_operators_office_version")

    op.drop_table("county_operators")
    op.drop_table("county_office_attachments")
    op.drop_table("county_office_attachment_chunks")
    with op.batch_alter_table("county_notifications", schema=None) as batch_op:
        batch_op.drop_index("uq_county_notifications_event_channel")
        batch_op.drop_index("ix_county_notifications_due")

    op.drop_table("county_notifications")
    op.drop_table("county_keys")
    with op.batch_alter_table("county_feed", schema=None) as batch_op:
        batch_op.drop_index("ix_county_feed_office_seq")

    op.drop_table("county_feed")
    with op.batch_alter_table("county_events", schema=None) as batch_op:
        batch_op.drop_index("ix_county_events_office")
        batch_op.drop_index(batch_op.f("ix_county_events_case_id"))

    op.drop_table("county_events")
    op.drop_table("county_event_chain")
    op.drop_table("county_enrol_codes")
    op.drop_table("county_devices")
    with op.batch_alter_table("county_device_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_county_device_audit_device_key"))

    op.drop_table("county_device_audit")
    with op.batch_alter_table("county_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_county_conflicts_office"))
        batch_op.drop_index(batch_op.f("ix_county_conflicts_case_id"))

    op.drop_table("county_conflicts")
    op.drop_table("county_channels")
    op.drop_table("county_chain_heads")
    with op.batch_alter_table("county_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_county_cases_office"))
        batch_op.drop_index(batch_op.f("ix_county_cases_case_number"))

    op.drop_table("county_cases")
    with op.batch_alter_table("county_case_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_county_case_facts_day")

    op.drop_table("county_case_facts")
    with op.batch_alter_table("county_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_county_access_office_operator")
        batch_op.drop_index("ix_county_access_case_number")

    op.drop_table("county_access_log")
