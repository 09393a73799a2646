"""The access log's last link is kept beside it, as the events' is (0012).

The access log was checked link by link from its first record to its last: its last records
deleted from the database file left a shorter log that verified, and the next record chained
onto what was left (a clerk's views of a citizen's case deleted, then a sign-in, and ``audit
verify`` found nothing; the closing's print deleted, and the next closing no longer said that
an earlier one had been handed in). ``sync_state`` ``access_log_head`` now names the newest
record (services/access.py ``HEAD_STATE``); every record is written with it. This revision sets
it for the records made before, so a log that has records and no head is one whose head was
deleted.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Frozen copy of the name of this revision (services/access.py may move on).
_HEAD = "access_log_head"


def upgrade() -> None:
    bind = op.get_bind()
    last = bind.execute(
        sa.text(
            "SELECT hash, access_id, office, device, case_id, case_number, at FROM access_log "
            "ORDER BY seq DESC LIMIT 1"
        )
    ).first()
    if last is None:
        return
    value = json.dumps(
        {
            "hash": last[0],
            "access_id": last[1],
            "office": last[2],
            "device": last[3],
            "case_id": last[4],
            "case_number": last[5],
        },
        ensure_ascii=False,
    )
    bind.execute(sa.text("DELETE FROM sync_state WHERE name = :n"), {"n": _HEAD})
    bind.execute(
        sa.text("INSERT INTO sync_state (name, value, updated_at) VALUES (:n, :v, :at)"),
        {"n": _HEAD, "v": value, "at": last[6]},  # the record's time, as stored
    )


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM sync_state WHERE name = :n"), {"n": _HEAD})
