"""Substring search: each case's search key and the FTS5 trigram index ``case_search``.

Adds ``cases.search_key`` (receipt time in microseconds, unique; the newest-first order of
search results) and the contentless FTS5 table of names, ID numbers, case sequence numbers
and name bigrams (storage/search.py), then fills both from the existing cases. About a minute
per million cases; the database was copied aside before (storage.db.upgrade).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen copies of the index layout of this revision (storage/search.py may move on).
_CREATE = (
    "CREATE VIRTUAL TABLE case_search USING fts5("
    "name, id, num, pairs, content='', columnsize=0, tokenize='trigram')"
)
_PAIR_END = "\x1e"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BATCH = 20000


def _key(received_at: datetime | str) -> int:
    if isinstance(received_at, str):
        received_at = datetime.fromisoformat(received_at)
    aware = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(microseconds=1)


def _values(key: int, number: str, applicant_id: str, name: str) -> dict[str, object]:
    parts = number.split("-")
    seq = "".join(parts[3:]) if len(parts) >= 5 else number.replace("-", "")
    pairs = "".join(name[i : i + 2] + _PAIR_END for i in range(len(name) - 1))
    return {"key": key, "name": name, "id": applicant_id.upper(), "num": seq, "pairs": pairs}


def upgrade() -> None:
    op.add_column("cases", sa.Column("search_key", sa.Integer(), nullable=True))
    bind = op.get_bind()
    bind.exec_driver_sql(_CREATE)
    rows = bind.execute(
        sa.text("SELECT case_id, case_number, applicant_id, applicant_name, received_at FROM cases")
    ).all()
    used: set[int] = set()
    keyed: list[dict[str, object]] = []
    indexed: list[dict[str, object]] = []
    for case_id, number, applicant_id, name, received_at in rows:
        key = _key(received_at)
        while key in used:
            key += 1
        used.add(key)
        keyed.append({"k": key, "c": case_id})
        indexed.append(_values(key, number, applicant_id, name))
    update = sa.text("UPDATE cases SET search_key = :k WHERE case_id = :c")
    insert = sa.text(
        "INSERT INTO case_search (rowid, name, id, num, pairs) "
        "VALUES (:key, :name, :id, :num, :pairs)"
    )
    for i in range(0, len(keyed), _BATCH):
        bind.execute(update, keyed[i : i + _BATCH])
        bind.execute(insert, indexed[i : i + _BATCH])
    op.create_index("ix_cases_search_key", "cases", ["search_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_cases_search_key", table_name="cases")
    op.get_bind().exec_driver_sql("DROP TABLE case_search")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("search_key")
