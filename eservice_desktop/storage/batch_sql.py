"""A batch's set-based look-ups: ``column IN`` a batch's values as one bound parameter.

A page of 2,000 pulled events asks several questions of the whole page at once (which of these
events are here already, which of these cases, which case numbers). Written as ``IN (?, ?,
…)``, each statement is compiled again for every batch size with one parameter per value (the
compiler naming thousands of parameters was a visible share of a pull). The office database is
SQLite: the values travel as one JSON array that ``json_each`` reads, so the statement is the
same for every batch and compiled once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select


def among(column: Any, values: Iterable[str | int]) -> ColumnElement[bool]:
    """``column IN values`` (text values: ids, case numbers; or integers: the numbers of a
    receipt series) with the values in one parameter."""
    array = json.dumps(list(values), ensure_ascii=False)
    return column.in_(select(literal_column("value")).select_from(func.json_each(array)))  # type: ignore[no-any-return]
