"""Substring search over the cases projection, backed by an SQLite FTS5 trigram index.

What a clerk can type, and what it finds (``text`` stripped; letters compared without case;
ID and case numbers also in full-width characters; names without their accents and variation
selectors, in their compatibility forms folded, ``search_plan.fold_name``: NGUYEN finds
Nguyễn, ABC finds ＡＢＣ, 葛雲 finds 葛雲 written with an IVS):

- 3 characters or more: any part of the applicant's name (``王小明`` for 王小明), of the ID
  number (its last digits, ``6789``), or of the case number's sequence with its check digit
  (``000027`` or ``000027-8`` for ``H01-01-115-000027-8``): the trigram index.
- 2 characters: any two neighbouring characters of the name (``小明`` finds 王小明; trigrams
  cannot hold a 2-character query, so the index also keeps each name's bigrams, each followed
  by a separator, and ``小明`` is looked up as the trigram ``小明`` + separator).
- A case number as read off the slip, without the counter's two digits: the ROC year and the
  sequence (``115-000027``, ``115000027``), maybe the office in front (``H01-115-000027``) and
  the check digit after: the sequence in the trigram index, narrowed to that year (and office).
- Always: the start of the case number, with or without dashes (``H0101115000027``); for 1 or
  2 characters also the start of the ID number, and for 1 character the start of the name
  (B-tree indexes of the ``cases`` table). One character is a prefix only: as a substring it
  would match almost every case.

Results come newest first. Each case has a unique ``search_key`` (its receipt time in
microseconds since 1970, moved up by one on the rare tie): the FTS rowid, and an indexed
column of ``cases``, so every branch yields its matches in that order and pages continue from
the last key shown (keyset paging: the 1,000th page costs what the first does). A case number
prefix matching more than ``SORT_AT_MOST`` cases is read per (office, device, year) group in
descending number order, which is receipt order as long as a device numbers its cases as it
takes them in (a case entered later with an earlier receipt time comes where its number is).

The index is ``case_search``, an FTS5 table without content (``content=''``): it keeps the
trigrams (the index terms) and for each the rowids and positions, no row of text; reading it
back gives no names or ID numbers, only which keys contain a trigram. Personal data in it is
thus no more than the ``cases`` table holds next to it, in the same file (encrypted, backed up
and deleted with it).
It is written by :func:`index_case` in the transaction that writes the projection row, and
created and filled by migration 0008 (0009 adds the (value, search_key) indexes; 0021 fills it
again with the names folded). The
county's PostgreSQL is not concerned: it has no ``cases`` projection of this kind and no
search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eservice_desktop.storage.models import CaseRow
from eservice_desktop.storage.search_plan import (
    PAIR_END,
    PREFIX_END,
    Number,
    Plan,
    Prefix,
    dash_case_prefix,
    fold_name,
    plan,
    prefix_range,
)

#: Re-exported from ``search_plan``, where the query side lives.
__all__ = ["PAIR_END", "Plan", "dash_case_prefix", "plan"]

#: Tables FTS5 creates for the index (the virtual table and its shadow tables); the schema
#: comparison and Alembic's autogenerate leave them alone (see migrations/env.py).
SEARCH_TABLES = frozenset(
    {
        "case_search",
        "case_search_data",
        "case_search_idx",
        "case_search_content",
        "case_search_docsize",
        "case_search_config",
    }
)

CREATE_INDEX_SQL = (
    "CREATE VIRTUAL TABLE case_search USING fts5("
    "name, id, num, pairs, content='', columnsize=0, tokenize='trigram')"
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

#: A prefix branch with at most this many matches is read through its own index and sorted;
#: a broader one walks the search_key index newest first and filters (its matches are dense).
SORT_AT_MOST = 20_000
#: A broad case number prefix is read per (office, device, ROC year) group, "H01-01-115",
#: in number order: the numbers of one device and year follow the order of intake, while
#: newer cases of other years lie between them in key order (a key walk from the newest
#: case would cross a whole year of them for "H01-01-114"). At most this many groups.
NUMBER_GROUP = 10
MAX_NUMBER_GROUPS = 64


def base_key(received_at: datetime) -> int:
    """Receipt time in whole microseconds since 1970 (UTC; naive values are UTC)."""
    aware = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MICROSECOND


def case_sequence(case_number: str) -> str:
    """``H01-01-115-000027-8`` -> ``0000278``: the part of the number the index holds."""
    parts = case_number.split("-")
    return "".join(parts[3:]) if len(parts) >= 5 else case_number.replace("-", "")


def name_pairs(name: str) -> str:
    return "".join(name[i : i + 2] + PAIR_END for i in range(len(name) - 1))


def index_values(case_number: str, applicant_id: str, applicant_name: str) -> tuple[str, ...]:
    """The indexed columns (name, id, num, pairs) of one case, in the order of :data:`_INSERT`'s
    columns after the key: one place for the one-case writes and a pulled page's bulk insert."""
    name = fold_name(applicant_name)
    return (name, applicant_id.upper(), case_sequence(case_number), name_pairs(name))


_INSERT = "INSERT INTO case_search (rowid, name, id, num, pairs) VALUES (?, ?, ?, ?, ?)"
# A contentless table forgets its text: removing a row means giving back the values indexed.
_DELETE = (
    "INSERT INTO case_search (case_search, rowid, name, id, num, pairs) "
    "VALUES ('delete', ?, ?, ?, ?, ?)"
)


def free_key(session: Session, received_at: datetime) -> int:
    key = base_key(received_at)
    while session.execute(text("SELECT 1 FROM cases WHERE search_key = :k"), {"k": key}).first():
        key += 1
    return key


def index_case(
    session: Session,
    key: int,
    new: tuple[str, str, str],
    old: tuple[str, str, str] | None = None,
) -> None:
    """Adds (or, given the values indexed before, replaces) one case's index entry.

    ``new``/``old`` are (case number, applicant ID, applicant name).
    """
    conn = session.connection()
    if old is not None:
        if old == new:
            return
        conn.exec_driver_sql(_DELETE, (key, *index_values(*old)))
    conn.exec_driver_sql(_INSERT, (key, *index_values(*new)))


def insert_many(session: Session, rows: Iterable[tuple[int, str, str, str]]) -> None:
    """Index entries of many (key, case number, ID, name) rows at once, as tuples of one driver
    ``executemany`` (no Core parameter processing per row: a pulled page's cases are
    thousands)."""
    params = [(k, *index_values(n, i, a)) for k, n, i, a in rows]
    if params:
        session.connection().exec_driver_sql(_INSERT, params)


# -- queries (how a text is answered: ``search_plan``) -----------------------------------------


def _after(after: int | None) -> tuple[str, dict[str, int]]:
    return ("", {}) if after is None else (" AND search_key < :after", {"after": after})


def _fts_keys(session: Session, match: str, n: int, after: int | None) -> list[int]:
    cond = "" if after is None else " AND rowid < :after"
    sql = (
        f"SELECT rowid FROM case_search WHERE case_search MATCH :q{cond} "
        "ORDER BY rowid DESC LIMIT :n"
    )
    params: dict[str, Any] = {"q": match, "n": n}
    if after is not None:
        params["after"] = after
    return [int(k) for k in session.execute(text(sql), params).scalars()]


#: The cases of a case number typed without its counter (``search_plan.Number``) as a
#: condition on the cases row "c": its sequence from the index, its year (and office) by GLOB.
_NUMBER_COND = (
    "c.search_key IN (SELECT rowid FROM case_search WHERE case_search MATCH :{q}) "
    "AND c.case_number GLOB :{g}"
)


def _number_keys(session: Session, number: Number, n: int, after: int | None) -> list[int]:
    cond = "" if after is None else " AND c.search_key < :after"
    sql = (
        f"SELECT c.search_key FROM cases AS c WHERE {_NUMBER_COND.format(q='q', g='g')}{cond} "
        "ORDER BY c.search_key DESC LIMIT :n"
    )
    params: dict[str, Any] = {"q": number.match, "g": number.glob, "n": n}
    if after is not None:
        params["after"] = after
    return [int(k) for k in session.execute(text(sql), params).scalars()]


def case_numbers_of(session: Session, typed: str, limit: int = 10) -> list[str] | None:
    """The case numbers a number typed without its counter (``115-000002``) can be, newest
    first (at most ``limit``); None when ``typed`` is no such number."""
    numbers = plan(typed).numbers
    if not numbers:
        return None
    keys = _number_keys(session, numbers[0], limit, None)
    return [str(r.case_number) for r in rows_by_keys(session, keys)]


def _prefix_keys(session: Session, p: Prefix, n: int, after: int | None) -> list[int]:
    col = p.column
    rng = prefix_range(p)
    dense = (
        session.execute(
            text(
                f"SELECT count(*) FROM (SELECT 1 FROM cases WHERE {col} >= :lo AND {col} < :hi "
                "LIMIT :cap)"
            ),
            {**rng, "cap": SORT_AT_MOST + 1},
        ).scalar_one()
        > SORT_AT_MOST
    )
    cond, extra = _after(after)
    if dense and col == "case_number":
        groups = _number_groups(session, rng["lo"], rng["hi"])
        if len(groups) <= MAX_NUMBER_GROUPS:
            return _number_walk(session, groups, n, after)
    if dense:
        # Most rows match: walk the key index newest first ("+col" keeps SQLite off the
        # column's index) and stop at n.
        sql = (
            f"SELECT search_key FROM cases WHERE +{col} >= :lo AND +{col} < :hi{cond} "
            "ORDER BY search_key DESC LIMIT :n"
        )
    else:
        # Few rows match: read them through the column's index and sort ("+search_key"
        # keeps SQLite from walking the whole key index instead).
        sql = (
            f"SELECT search_key FROM cases WHERE {col} >= :lo AND {col} < :hi{cond} "
            "ORDER BY +search_key DESC LIMIT :n"
        )
    return [int(k) for k in session.execute(text(sql), {**rng, **extra, "n": n}).scalars()]


def _number_groups(session: Session, lo: str, hi: str) -> list[tuple[str, str]]:
    """The (office, device, year) groups of case numbers in [lo, hi), as sub-ranges, newest
    numbers first: a jump per group through the case number index."""
    out: list[tuple[str, str]] = []
    upper = hi
    while len(out) <= MAX_NUMBER_GROUPS:
        top = session.execute(
            text(
                "SELECT max(case_number) FROM cases WHERE case_number >= :lo AND case_number < :up"
            ),
            {"lo": lo, "up": upper},
        ).scalar()
        if top is None:
            break
        start = max(lo, str(top)[:NUMBER_GROUP])
        out.append((start, upper))
        if start <= lo:
            break
        upper = start
    return out


def _number_walk(
    session: Session, groups: list[tuple[str, str]], n: int, after: int | None
) -> list[int]:
    """The first n keys of each group in descending number order (a device numbers its cases
    in the order it takes them in), newest first over all groups."""
    cond = "" if after is None else " AND +search_key < :after"
    sql = text(
        "SELECT search_key FROM cases WHERE case_number >= :a AND case_number < :b"
        f"{cond} ORDER BY case_number DESC LIMIT :n"
    )
    keys: list[int] = []
    for a, b in groups:
        params: dict[str, Any] = {"a": a, "b": b, "n": n}
        if after is not None:
            params["after"] = after
        keys += [int(k) for k in session.execute(sql, params).scalars()]
    return sorted(keys, reverse=True)[:n]


def search_keys(
    session: Session, raw: str, limit: int, offset: int = 0, after: int | None = None
) -> list[int]:
    """The keys of the matching cases, newest first: ``limit`` of them after skipping
    ``offset`` (from the start, or after the key ``after`` when given)."""
    p = plan(raw)
    if p.empty or limit <= 0:
        return []
    n = offset + limit
    found: set[int] = set()
    if p.match is not None:
        found.update(_fts_keys(session, p.match, n, after))
    for prefix in p.prefixes:
        found.update(_prefix_keys(session, prefix, n, after))
    for number in p.numbers:
        found.update(_number_keys(session, number, n, after))
    return sorted(found, reverse=True)[offset:n]


def count_matches(session: Session, raw: str) -> int:
    """How many cases the text matches, exactly (each case once).

    Each branch is counted through its own index. When several have matches, the largest
    counts in full and each other one only its cases outside the branches before it
    (``|L| + |S1 - L| + |S2 - L - S1|``): a broad prefix ("H" is every case number) is never
    put through a UNION of a million keys.
    """
    p = plan(raw)
    if p.empty:
        return 0
    # (condition on the cases row "c", parameters) per branch
    branches: list[tuple[str, dict[str, Any]]] = []
    if p.match is not None:
        branches.append(
            (
                "c.search_key IN (SELECT rowid FROM case_search WHERE case_search MATCH :q)",
                {"q": p.match},
            )
        )
    for i, prefix in enumerate(p.prefixes):
        col = prefix.column
        branches.append(
            (
                f"(c.{col} >= :lo{i} AND c.{col} < :hi{i})",
                {f"lo{i}": prefix.lo, f"hi{i}": prefix.lo + PREFIX_END},
            )
        )
    for i, number in enumerate(p.numbers):
        cond = _NUMBER_COND.format(q=f"nq{i}", g=f"ng{i}")
        branches.append((f"({cond})", {f"nq{i}": number.match, f"ng{i}": number.glob}))

    def count(where: str, params: dict[str, Any]) -> int:
        sql = f"SELECT count(*) FROM cases AS c WHERE {where}"
        return int(session.execute(text(sql), params).scalar_one())

    counted = [(count(cond, params), cond, params) for cond, params in branches]
    present = sorted((c for c in counted if c[0]), key=lambda c: -c[0])
    if len(present) <= 1:
        return present[0][0] if present else 0
    total, seen, seen_params = present[0][0], [present[0][1]], dict(present[0][2])
    for _n, cond, params in present[1:]:
        others = " AND ".join(f"NOT {o}" for o in seen)
        total += count(f"{cond} AND {others}", {**seen_params, **params})
        seen.append(cond)
        seen_params.update(params)
    return total


#: What a list row shows (services.cases.QueueRow): read as plain rows, not ORM objects.
LIST_COLUMNS = (
    CaseRow.case_id,
    CaseRow.case_number,
    CaseRow.service_code,
    CaseRow.applicant_name,
    CaseRow.applicant_id,
    CaseRow.status,
    CaseRow.received_at,
    CaseRow.due_date,
    CaseRow.fees_due,
    CaseRow.paid,
    CaseRow.search_key,
)


def rows_by_keys(session: Session, keys: Sequence[int]) -> list[Any]:
    """The list columns of the cases with these keys, in the order of ``keys``."""
    if not keys:
        return []
    rows = session.execute(select(*LIST_COLUMNS).where(CaseRow.search_key.in_(list(keys)))).all()
    order = {k: i for i, k in enumerate(keys)}
    return sorted(rows, key=lambda r: order.get(r.search_key or 0, 0))
