"""Whether another program holds the office database open, asked before an upgrade.

A window or a sync service of the build before, left running while IT upgrades (a clerk's
window open on a shared PC, a service the installer did not stop), goes on writing into the
upgraded database as its own build knows it: an intake failed with SQLite's words
(``ON CONFLICT clause does not match``) and a viewed case's access record, written without the
access log's head (revision 0022), made ``audit verify`` report the log as tampered with. An
upgrade therefore first takes the database for itself alone (``locking_mode=EXCLUSIVE``),
which SQLite refuses while any other connection has it open, however idle; it waits a little
for a program that is only reading the revision as it starts (the service beside the
installer's upgrade, which waits its turn with its connections closed).
"""

from __future__ import annotations

from pathlib import Path

from eservice_desktop.storage import cipher

#: Seconds an upgrade waits for the other connections to close before it refuses.
WAIT_S = 10.0


class DatabaseInUse(RuntimeError):
    """Another program has the database open: it is not upgraded under that program."""


def refuse_if_open_elsewhere(db_path: Path, key: bytes | None, wait_s: float = WAIT_S) -> None:
    """Raises :class:`DatabaseInUse` when another connection (this process's included) holds
    ``db_path`` open for ``wait_s`` seconds; returns with no lock held otherwise."""
    conn = cipher.connect(db_path, key)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except cipher.DriverError as e:
            if getattr(e, "sqlite_errorname", "") not in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                raise
            raise DatabaseInUse(
                "資料庫正由其他程式開啟中（櫃檯視窗或同步服務，可能是舊版）：請先關閉該程式"
                "（登出並關閉所有櫃檯視窗、停止同步服務）後再升級；資料庫未變更。"
                " / Another program has the database open (a counter window or the sync"
                " service, perhaps of the older version): close it (sign out and close every"
                " counter window, stop the sync service), then upgrade; nothing was changed."
            ) from e
        conn.execute("ROLLBACK")
    finally:
        conn.close()
