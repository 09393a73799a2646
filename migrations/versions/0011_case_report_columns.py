"""Supervisor reports: each case's channel, consent, on-time verdict and holder; the counts.

Adds to ``cases`` the columns the on-time, usage and savings reports aggregate in SQL
(``services/supervisor_reports.py``): ``channel`` (counter / web / kiosk, from the received
event; every case before this revision came in at the counter unless its event says
otherwise), ``consent`` (document-free look-ups consented: the latest consent event, or the
intake's), ``closed_on_time`` (依限辦結 of a closed or rejected case) and ``holder`` (the
clerk of the latest event), filled from the events already there; ``case_stats`` and
``case_stats_month``, the counts the reports add up per day and per month, filled from the
cases and kept by three triggers on ``cases``; and the
table of the county's monthly targets, ``report_targets`` (storage/models_reports.py).

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


#: case_stats' key, and the same from a cases row (the on-time verdict -1 when there is none).
_KEY = ("office", "received_day", "service_code", "channel", "status", "consent", "on_time")
_SELECT_KEY = (
    "office, received_day, service_code, channel, status, consent, coalesce(closed_on_time, -1)"
)


_MONTH_KEY = ("office", "month", *_KEY[2:])


def _bump(row: str, delta: str) -> str:
    """The two upserts that move one case in or out of its day's and its month's count."""
    rest = f"{row}.service_code, {row}.channel, {row}.status, {row}.consent, "
    rest += f"coalesce({row}.closed_on_time, -1), {delta}"
    day = (
        f"INSERT INTO case_stats ({', '.join(_KEY)}, n) VALUES ({row}.office, "
        f"{row}.received_day, {rest}) ON CONFLICT ({', '.join(_KEY)}) "
        f"DO UPDATE SET n = n + ({delta});"
    )
    month = (
        f"INSERT INTO case_stats_month ({', '.join(_MONTH_KEY)}, n) VALUES ({row}.office, "
        f"substr({row}.received_day, 1, 7), {rest}) ON CONFLICT ({', '.join(_MONTH_KEY)}) "
        f"DO UPDATE SET n = n + ({delta});"
    )
    return f"{day} {month}"


#: case_stats_month from case_stats (also how a cached benchmark database was brought up).
FILL_MONTHS = (
    f"INSERT INTO case_stats_month ({', '.join(_MONTH_KEY)}, n) "
    "SELECT office, substr(received_day, 1, 7), service_code, channel, status, consent, "
    "on_time, sum(n) FROM case_stats GROUP BY 1, 2, 3, 4, 5, 6, 7"
)

# Kept by SQLite itself, in the transaction of every write to cases (models_reports.py).
_TRIGGERS = [
    f"CREATE TRIGGER case_stats_insert AFTER INSERT ON cases BEGIN {_bump('NEW', '1')} END",
    "CREATE TRIGGER case_stats_update AFTER UPDATE OF office, received_day, service_code, "
    "channel, status, consent, closed_on_time ON cases WHEN "
    "OLD.office IS NOT NEW.office OR OLD.received_day IS NOT NEW.received_day "
    "OR OLD.service_code IS NOT NEW.service_code OR OLD.channel IS NOT NEW.channel "
    "OR OLD.status IS NOT NEW.status OR OLD.consent IS NOT NEW.consent "
    "OR OLD.closed_on_time IS NOT NEW.closed_on_time "
    f"BEGIN {_bump('OLD', '-1')} {_bump('NEW', '1')} END",
    f"CREATE TRIGGER case_stats_delete AFTER DELETE ON cases BEGIN {_bump('OLD', '-1')} END",
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
    op.create_table(
        "case_stats",
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(48), nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_KEY, name=op.f("pk_case_stats")),
    )
    op.execute(
        sa.text(
            f"INSERT INTO case_stats ({', '.join(_KEY)}, n) "
            f"SELECT {_SELECT_KEY}, count(*) FROM cases GROUP BY {_SELECT_KEY}"
        )
    )
    op.create_table(
        "case_stats_month",
        sa.Column("office", sa.String(8), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("service_code", sa.String(48), nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_MONTH_KEY, name=op.f("pk_case_stats_month")),
    )
    op.execute(sa.text(FILL_MONTHS))
    for sql in _TRIGGERS:
        op.execute(sa.text(sql))
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
    for name in ("insert", "update", "delete"):
        op.execute(sa.text(f"DROP TRIGGER IF EXISTS case_stats_{name}"))
    op.drop_table("case_stats_month")
    op.drop_table("case_stats")
    # ALTER TABLE DROP COLUMN in place (SQLite >= 3.35): a batch copy of the table would lose
    # the expression index of 0010, which reflection cannot see.
    for name in ("holder", "closed_on_time", "consent", "channel"):
        op.execute(sa.text(f"ALTER TABLE cases DROP COLUMN {name}"))
