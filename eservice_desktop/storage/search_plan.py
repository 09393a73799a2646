"""How a text typed in the search box is answered (``storage.search`` runs the plan): an FTS5
expression over the trigram index and B-tree prefix ranges over ``cases``. The rules of what a
text finds are in ``storage.search``'s docstring.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from eservice_desktop.domain.case_number import short_case_number
from eservice_desktop.domain.name_forms import composed

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
class Number:
    """A case number typed without its counter (``115-000002``): the index's sequence column
    (``match``, an FTS5 expression) narrowed to the case numbers of ``glob`` (the year, and
    the office when typed)."""

    match: str
    glob: str


@dataclass(frozen=True)
class Plan:
    """How one query text is answered: an FTS5 expression, B-tree prefix ranges and a case
    number typed without its counter."""

    match: str | None
    prefixes: tuple[Prefix, ...]
    numbers: tuple[Number, ...] = ()

    @property
    def empty(self) -> bool:
        return self.match is None and not self.prefixes and not self.numbers


def fold_name(name: str) -> str:
    """A name as the index holds it and a typed name is looked up: compatibility forms folded
    (NFKD: full-width Ａ as A, the compatibility ideograph 令 U+F9A8 as 令, ． as .), and the
    accents and variation selectors (nonspacing marks) left off, the rest composed again.

    The register and the clerk write the same name differently: the resident certificate
    prints NGUYEN THI HONG where the application says Nguyễn Thị Hồng, an IME left in
    full-width mode types ＡＢＣ, the register writes 冬 of 冬美 as the compatibility ideograph
    U+2F81A and 葛 of 葛雲 with a variation selector the clerk's keyboard cannot type: each was
    another name to the search, and the citizen was not found. The names themselves are kept
    as written (``cases.applicant_name``); only the index and the query fold.
    """
    if name.isascii():
        return name
    kept = (ch for ch in unicodedata.normalize("NFKD", name) if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", "".join(kept))


def plan(raw: str) -> Plan:
    q = composed(_clean(raw))  # as the intake stores a name (``name_forms.composed``)
    if not q:
        return Plan(None, ())
    # ID and case numbers folded as the intake folds them (a Chinese IME left in full-width
    # mode types Ａ１２３); names as the index holds them (``fold_name``)
    compact = unicodedata.normalize("NFKC", q).upper().replace("-", "").replace(" ", "")
    name = fold_name(q)
    parts: list[str] = []
    if len(name) == 2:
        parts.append("pairs : " + _phrase(name + PAIR_END))
    elif len(name) >= 3:
        parts.append("name : " + _phrase(name))
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
    return Plan(" OR ".join(parts) or None, tuple(prefixes), number_plan(q))


def number_plan(typed: str) -> tuple[Number, ...]:
    """The branch of a case number read off the slip (year and sequence, maybe the office and
    the check digit: ``115-000002``, ``H01-115-000002``); none for any other text."""
    short = short_case_number(unicodedata.normalize("NFKC", typed))
    if short is None:
        return ()
    return (Number("num : " + _phrase(short.sequence + short.check), short.glob),)


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
