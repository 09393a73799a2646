"""Whether another program holds the county's SQLite file open, asked before its schema is
upgraded (``county/migrate.upgrade``: ``db upgrade``, and every start of the server or of an
IT command on a database behind this build).

A server of the build before, left running on the same file while IT upgraded (by ``db
upgrade`` or by starting the new server), went on writing into the upgraded schema as its own
build knows it. The office's upgrade already refuses that (``storage/in_use.py``, whose check
this reuses: SQLite grants the file for one connection alone only while no other has it open,
however idle). On PostgreSQL the schema lock serialises upgrades but cannot tell an older
server's connections from anyone else's: there IT stops the servers first (docs/it-guide.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, inspect

from eservice_desktop.storage import in_use

#: Seconds the upgrade waits for the other connections to close (a command that only reads, a
#: second server starting at once and upgrading first) before it refuses.
WAIT_S = in_use.WAIT_S


class CountyDatabaseInUse(RuntimeError):
    """Another program has the county's SQLite file open: its schema is not upgraded under it."""

    def __init__(self) -> None:
        self.message_zh = (
            "縣府資料庫正由其他程式開啟中（可能是舊版的縣府伺服器）：請先停止使用此資料庫的"
            "伺服器與命令後再升級；資料庫未變更"
        )
        self.message_en = (
            "Another program has the county database open (an eservice-county-server, perhaps"
            " of the older version): stop every server and command using it, then upgrade;"
            " nothing was changed"
        )
        super().__init__(self.message_en)


def refuse_if_served_elsewhere(engine: Engine, still_behind: Callable[[], bool]) -> None:
    """Raises :class:`CountyDatabaseInUse` when another program holds ``engine``'s SQLite file
    open, unless ``still_behind()`` says the database was brought to this build's head
    meanwhile (another server starting at once upgraded it: the upgrade has nothing to do)."""
    from eservice_desktop.county.store import is_county_or_new, sqlite_file

    if engine.dialect.name != "sqlite":
        return  # a PostgreSQL database's name is no file (it made one by that name here)
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is None or not is_county_or_new(inspect(engine).get_table_names()):
        return  # another program's file (held open by it, as an office's is): refused as such
    engine.dispose()  # this process's own idle connections are no other program's
    try:
        in_use.refuse_if_open_elsewhere(Path(path), None, WAIT_S)
    except in_use.DatabaseInUse:
        if still_behind():
            raise CountyDatabaseInUse from None
