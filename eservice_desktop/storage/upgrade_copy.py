"""The copy of the office database kept before a schema upgrade (``DATA_DIR/backups``), as a
start after a killed upgrade finds it.

Killed while copying, the upgrade left ``NAME.sqlite3.partial`` (and SQLite's
``.partial-journal`` beside it) in ``DATA_DIR/backups``; only a backup taken into that folder
removed it, so with ``backup_dir`` on another disk a database-sized unfinished copy stayed for
ever. The next upgrade removes it first (:func:`drop_unfinished`).
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("eservice.storage")


def drop_unfinished(folder: Path) -> None:
    """Removes what an upgrade's copy killed while writing left in ``folder``: the
    ``.partial`` file and SQLite's files beside it (its ``-journal``). Called under the
    database's upgrade lock, so no upgrade is writing one now."""
    if not folder.is_dir():
        return
    for p in sorted(folder.glob("*-before-*.sqlite3.partial*")):
        if p.is_file():
            p.unlink(missing_ok=True)
            log.warning("unfinished copy before an upgrade removed: %s", p.name)
