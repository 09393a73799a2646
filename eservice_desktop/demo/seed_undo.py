"""Whether a failed seed may put its copy of the database back: not over another program's
events.

``seeding.seed_demo`` is all or nothing by putting back a copy of the database taken before
its first batch. It holds off only its own process's writers: the counter window, the sync
service and other commands go on writing to the same database meanwhile. An intake taken by
``case intake`` while ``demo seed`` ran was committed, its case number printed and pushed to
the county; the seed then failed (its numbers had moved, by that very intake), put the copy
back and erased the case; the next intake was given the same number, and the county refused
it as a number already used (案號已被其他案件使用).

:class:`OwnEvents` counts the events this process appends while the seed runs (each write
transaction's rows: SQLite lets no other writer in between its ``BEGIN IMMEDIATE`` and its
commit), so the events past the copy that are not the seed's are another program's.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, event

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.storage.db import READ_ONLY_OPTION

_LAST = "SELECT coalesce(max(seq), 0) FROM events"


def last_event(driver: Any) -> int:
    """The local order of the newest event of a database (a DB-API connection: the copy)."""
    return int(driver.execute(_LAST).fetchone()[0])


class OwnEvents:
    """The events this process's write transactions on ``engine`` appended while entered."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.appended = 0
        self._opened: dict[Connection, int] = {}

    def __enter__(self) -> OwnEvents:
        # after storage.db's own listener, which issues the BEGIN IMMEDIATE
        event.listen(self.engine, "begin", self._begin)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "rollback", self._rollback)
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _b: TracebackType | None
    ) -> None:
        event.remove(self.engine, "begin", self._begin)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _begin(self, conn: Connection) -> None:
        if not conn.get_execution_options().get(READ_ONLY_OPTION, False):
            self._opened[conn] = int(conn.exec_driver_sql(_LAST).scalar_one())

    def _commit(self, conn: Connection) -> None:
        start = self._opened.pop(conn, None)
        if start is not None:
            self.appended += int(conn.exec_driver_sql(_LAST).scalar_one()) - start

    def _rollback(self, conn: Connection) -> None:
        self._opened.pop(conn, None)

    def others_since(self, engine: Engine, copied: int) -> int:
        """How many events past ``copied`` (the copy's newest) another program appended."""
        with engine.connect() as conn:
            total = conn.exec_driver_sql(
                "SELECT count(*) FROM events WHERE seq > ?", (copied,)
            ).scalar_one()
            conn.rollback()
        return int(total) - self.appended


def others_wrote(others: int) -> DomainError:
    """The seed failed and part of it may have stayed: the copy was not put back, since that
    would have erased ``others`` events another program wrote meanwhile."""
    return DomainError(
        "demo.not_undone",
        f"示範資料未能寫完，且寫入期間另有程式（櫃檯視窗、同步服務或其他指令）寫入 {others} 筆"
        "案件紀錄：為保留這些紀錄，未退回寫入前的資料庫，資料庫中可能留有部分示範資料",
        f"The demo data could not be written in full, and another program (the counter window,"
        f" the sync service or another command) wrote {others} case records meanwhile: to keep"
        " them, the database was not put back as it was, so part of the demo data may have"
        " stayed",
    )
