"""The outbox index carries the counter: what waits is counted from the index alone.

``sync status`` and the window's sync status (after every round and after local work) count
this counter's events waiting for the county and those under another counter's number
(``services.sync.state.pending_count`` / ``stray_count``): origin, acknowledgement, office and
device. ``ix_events_outbox`` (origin, acked_at, seq) lacked office and device, so each count
read the table row of every waiting event, and with the statistics of a database whose events
all waited SQLite read the whole table instead (37 s at 6.6 million events). This index adds
office and device before ``seq``: both counts are read from the index alone, and the push's
batches (this counter's waiting events after a ``seq``, in ``seq`` order) are one range of it.
It replaces ``ix_events_outbox``, whose look-ups (origin, acknowledgement) it serves the same
way, so an event written maintains no more indexes than before.

Building it reads every event once: about a minute at 6.6 million events (the log says when it
starts and ends).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

import logging

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

log = logging.getLogger("eservice.storage")


def upgrade() -> None:
    log.info("building the outbox index (ix_events_outbox_counter) over every event")
    op.create_index(
        "ix_events_outbox_counter",
        "events",
        ["origin", "acked_at", "office", "device", "seq"],
    )
    op.drop_index("ix_events_outbox", table_name="events")
    log.info("outbox index built")


def downgrade() -> None:
    op.create_index("ix_events_outbox", "events", ["origin", "acked_at", "seq"])
    op.drop_index("ix_events_outbox_counter", table_name="events")
