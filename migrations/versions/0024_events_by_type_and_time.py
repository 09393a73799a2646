"""The events of one type made in a period are read through an index, not the whole table.

The daily closing reads the day's refunds, voids, reprints, approvals and the county's refusals
by their type and time (``services/daily_closing.py`` and the ``closing_*`` modules it calls:
``events.type`` and ``events.at``, the office and the counter after them). ``events`` had
indexes on the case and the outbox only, so each of those reads walked every event the office
ever held: a closing of one busy day (630 receipts) over a year's 150,000 cases (990,000
events) read the table five times, 7 s of CPU and 20 s on a loaded counter PC, and the
closing is taken at every counter every evening, on the fees page too. This index (type, then
time) makes each read one short range of it.

Building it reads every event once: some seconds at a million events (the log says when it
starts and ends).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

import logging

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

log = logging.getLogger("eservice.storage")


def upgrade() -> None:
    log.info("building the index of events by type and time (ix_events_type_at)")
    op.create_index("ix_events_type_at", "events", ["type", "at"])
    log.info("index of events by type and time built")


def downgrade() -> None:
    op.drop_index("ix_events_type_at", table_name="events")
