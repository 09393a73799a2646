"""The search index holds each name folded: without accents and variation selectors, its
compatibility forms folded (storage/search_plan.py ``fold_name``).

The index held names as written, so NGUYEN (the resident certificate's spelling) did not find
Nguyễn, ABC did not find ＡＢＣ typed in full-width mode, and 葛雲 did not find 葛雲 written
with a variation selector. A contentless FTS5 row is removed by giving back the values it was
indexed with, so the index is made again, from the cases, with the folded values. About a
minute per million cases; the database was copied aside before (storage.db.upgrade).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Frozen copies of the index layout of this revision (storage/search.py may move on).
_CREATE = (
    "CREATE VIRTUAL TABLE case_search USING fts5("
    "name, id, num, pairs, content='', columnsize=0, tokenize='trigram')"
)
_PAIR_END = "\x1e"
_BATCH = 20000


def _fold(name: str) -> str:
    if name.isascii():
        return name
    kept = (ch for ch in unicodedata.normalize("NFKD", name) if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", "".join(kept))


def _values(key: int, number: str, applicant_id: str, name: str) -> dict[str, object]:
    parts = number.split("-")
    seq = "".join(parts[3:]) if len(parts) >= 5 else number.replace("-", "")
    pairs = "".join(name[i : i + 2] + _PAIR_END for i in range(len(name) - 1))
    return {"key": key, "name": name, "id": applicant_id.upper(), "num": seq, "pairs": pairs}


def _rebuild(fold: bool) -> None:
    bind = op.get_bind()
    bind.exec_driver_sql("DROP TABLE case_search")
    bind.exec_driver_sql(_CREATE)
    insert = sa.text(
        "INSERT INTO case_search (rowid, name, id, num, pairs) "
        "VALUES (:key, :name, :id, :num, :pairs)"
    )
    # a batch at a time, never every case at once: a million cases' rows and values held
    # together were some hundreds of MB on a counter PC
    last = -1
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT search_key, case_number, applicant_id, applicant_name FROM cases "
                "WHERE search_key > :last ORDER BY search_key LIMIT :n"
            ),
            {"last": last, "n": _BATCH},
        ).all()
        if not rows:
            return
        bind.execute(
            insert,
            [
                _values(key, number, applicant_id, _fold(name) if fold else name)
                for key, number, applicant_id, name in rows
            ],
        )
        last = rows[-1][0]


def upgrade() -> None:
    _rebuild(fold=True)


def downgrade() -> None:
    _rebuild(fold=False)
