"""How a text typed in the search box is answered (``storage.search`` runs the plan): an FTS5
expression over the trigram index and B-tree prefix ranges over ``cases``. The rules of what a
text finds are in ``storage.search``'s docstring.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from eservice_desktop.domain.name_forms import composed, decomposed

#: Follows each name bigram in the ``pairs`` column; never part of a query.
PAIR_END = "\x1e"


def _phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _clean(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()


@dataclass(frozen=True)
class Prefix:
    column: str
    lo: str


@dataclass(frozen=True)
class Plan:
    """How one query text is answered: an FTS5 expression and B-tree prefix ranges."""

    match: str | None
    prefixes: tuple[Prefix, ...]

    @property
    def empty(self) -> bool:
        return self.match is None and not self.prefixes


def plan(raw: str) -> Plan:
    # a name in its composed form, as the intake stores it (``name_forms.composed``): Nguyễn
    # pasted decomposed is the Nguyễn typed
    q = composed(_clean(raw))
    if not q:
        return Plan(None, ())
    # ID and case numbers folded as the intake folds them (a Chinese IME left in full-width
    # mode types Ａ１２３); names are matched as typed (NFKC would change the compatibility
    # ideographs some names are written with)
    compact = unicodedata.normalize("NFKC", q).upper().replace("-", "").replace(" ", "")
    parts: list[str] = []
    if len(q) == 2:
        parts.append("pairs : " + _phrase(q + PAIR_END))
    elif len(q) >= 3:
        parts.append("name : " + _phrase(q))
    loose = decomposed(q)
    if loose != q and len(loose) >= 3:  # a name pasted decomposed, stored as it came before
        parts.append("name : " + _phrase(loose))
    if len(compact) >= 3:
        parts.append("{id num} : " + _phrase(compact))
    prefixes: list[Prefix] = []
    latin = compact.isascii() and compact.isalnum()
    if latin and (compact[:1].isalpha() or compact.isdigit()):
        prefixes.append(Prefix("case_number", dash_case_prefix(compact)))
    if latin and len(compact) < 3:
        prefixes.append(Prefix("applicant_id", compact))
    if len(q) == 1:
        prefixes.append(Prefix("applicant_name", q))
    return Plan(" OR ".join(parts) or None, tuple(prefixes))


def dash_case_prefix(compact: str) -> str:
    """Re-inserts dashes at the case number's group boundaries (3-2-3-6-1)."""
    out = []
    for i, ch in enumerate(compact):
        if i in (3, 5, 8, 14):
            out.append("-")
        out.append(ch)
    return "".join(out)


#: Above every text that starts with a prefix: SQLite compares text as UTF-8 bytes, and
#: U+10FFFF's are the greatest. ``"\uffff"`` was below every character past the BMP, so
#: 王 did not find 王𡘙明 (nor any name whose second character is an Ext-B..H one).
PREFIX_END = "\U0010ffff"


def prefix_range(p: Prefix) -> dict[str, str]:
    """The B-tree range of the values starting with ``p.lo``."""
    return {"lo": p.lo, "hi": p.lo + PREFIX_END}
