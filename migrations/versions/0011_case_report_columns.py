"""Supervisor reports: each case's channel, consent, on-time verdict and holder, and an index.

Adds to ``cases`` the columns the on-time, usage and savings reports aggregate in SQL
(``services/supervisor_reports.py``): ``channel`` (counter / web / kiosk, from the received
event; every case before this revision came in at the counter unless its event says
otherwise), ``consent`` (document-free look-ups consented: the latest consent event, or the
intake's), ``closed_on_time`` (依限辦結 of a closed or rejected case) and ``holder`` (the
clerk of the latest event), filled from the events already there, and ``ix_cases_report``;
and the table of the county's monthly targets, ``report_targets`` (storage/models_reports.py).

``closed_on_time`` is filled with the offices' catalogue hours (closing 17:00 Asia/Taipei,
09:00 UTC, the same for every office in resources/catalogue/offices.json); new events
compute it from the office's own hours (services.ingest.compute_on_time).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_FILL = [
    """UPDATE cases SET channel = coalesce((
        SELECT json_extract(e.payload, '$.channel') FROM events e
        WHERE e.case_id = cases.case_id AND e.type = 'case.received'
        ORDER BY e.seq LIMIT 1), 'counter')""",
    """UPDATE cases SET consent = coalesce((
        SELECT json_array_length(json_extract(e.payload, '$.kinds')) > 0 FROM events e
        WHERE e.case_id = cases.case_id AND e.type = 'case.consent_recorded'
        ORDER BY e.seq DESC LIMIT 1), (
        SELECT coalesce(json_array_length(json_extract(e.payload, '$.consent')), 0) > 0
        FROM events e WHERE e.case_id = cases.case_id AND e.type = 'case.received'
        ORDER BY e.seq LIMIT 1), 0)""",
    """UPDATE cases SET holder = coalesce((
        SELECT e.clerk FROM events e WHERE e.case_id = cases.case_id
        ORDER BY e.seq DESC LIMIT 1), '')""",
    """UPDATE cases SET closed_on_time = (closed_at <= due_date || ' 09:00:00.000000')
        WHERE closed_at IS NOT NULL AND due_date IS NOT NULL AND status != 'cancelled'""",
]


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN (no table copy, so 0010's expression index stays).
    op.add_column(
        "cases", sa.Column("channel", sa.String(12), nullable=False, server_default="counter")
    )
    op.add_column("cases", sa.Column("consent", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column("cases", sa.Column("closed_on_time", sa.Boolean(), nullable=True))
    op.add_column("cases", sa.Column("holder", sa.String(64), nullable=False, server_default=""))
    for sql in _FILL:
        op.execute(sa.text(sql))
    op.create_index(
        "ix_cases_report",
        "cases",
        [
            "office",
            "received_day",
            "service_code",
            "channel",
            "status",
            "consent",
            "closed_on_time",
        ],
    )


    op.create_table(
        "report_targets",
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("department", sa.String(32), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("metric", sa.String(12), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "office", "department", "month", "metric", name=op.f("pk_report_targets")
        ),
    )


def downgrade() -> None:
    op.drop_table("report_targets")
    op.drop_index("ix_cases_report", table_name="cases")
    # ALTER TABLE DROP COLUMN in place (SQLite >= 3.35): a batch copy of the table would lose
    # the expression index of 0010, which reflection cannot see.
    for name in ("holder", "closed_on_time", "consent", "channel"):
        op.execute(sa.text(f"ALTER TABLE cases DROP COLUMN {name}"))
