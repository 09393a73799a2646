"""The report counts are moved by the writers of ``cases``, set-based, not by row triggers.

``case_stats`` and ``case_stats_month`` (revision 0011) were kept by three triggers on
``cases``. The insert and update triggers ran two upserts per written row; on a fresh office
they doubled the cost of inserting a pulled page's cases, and a trigger costs most of that
even when its ``WHEN`` lets it do nothing. The writers of ``cases`` now move the counts
themselves, one upsert per changed key of a batch (storage/case_stats.py). The counts held
are right (the triggers kept them), so this revision only drops the two triggers; the delete
trigger stays.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_KEY = "office, received_day, service_code, channel, status, consent, on_time"
_MONTH_KEY = "office, month, service_code, channel, status, consent, on_time"


def _bump(row: str, delta: str) -> str:
    """0011's two upserts that move one case in or out of its day's and its month's count."""
    rest = f"{row}.service_code, {row}.channel, {row}.status, {row}.consent, "
    rest += f"coalesce({row}.closed_on_time, -1), {delta}"
    return (
        f"INSERT INTO case_stats ({_KEY}, n) VALUES ({row}.office, {row}.received_day, {rest}) "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET n = n + ({delta}); "
        f"INSERT INTO case_stats_month ({_MONTH_KEY}, n) VALUES ({row}.office, "
        f"substr({row}.received_day, 1, 7), {rest}) ON CONFLICT ({_MONTH_KEY}) "
        f"DO UPDATE SET n = n + ({delta});"
    )


def upgrade() -> None:
    op.execute(sa.text("DROP TRIGGER IF EXISTS case_stats_insert"))
    op.execute(sa.text("DROP TRIGGER IF EXISTS case_stats_update"))


def downgrade() -> None:
    # 0011's triggers again; the counts are right as the writers left them
    op.execute(
        sa.text(
            f"CREATE TRIGGER case_stats_insert AFTER INSERT ON cases BEGIN {_bump('NEW', '1')} END"
        )
    )
    op.execute(
        sa.text(
            "CREATE TRIGGER case_stats_update AFTER UPDATE OF office, received_day, service_code, "
            "channel, status, consent, closed_on_time ON cases WHEN "
            "OLD.office IS NOT NEW.office OR OLD.received_day IS NOT NEW.received_day "
            "OR OLD.service_code IS NOT NEW.service_code OR OLD.channel IS NOT NEW.channel "
            "OR OLD.status IS NOT NEW.status OR OLD.consent IS NOT NEW.consent "
            "OR OLD.closed_on_time IS NOT NEW.closed_on_time "
            f"BEGIN {_bump('OLD', '-1')} {_bump('NEW', '1')} END"
        )
    )
