"""The county's clock on this device: the offset learned each round, and ``app.now()``
following it, so events and deadlines written on a device whose clock is off carry county
time. The offset lives in the reference snapshot (``app.reference.clock_offset_s``): a round
swaps in a new snapshot, it never changes one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from eservice_desktop.config import Settings
from eservice_desktop.domain.values import EARLIEST, LATEST
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import get_state


def base_now(app: App) -> datetime:
    """The device's own clock, before the county offset is applied."""
    base: Callable[[], datetime] = app.extras.get("sync_base_clock", app.clock)
    return base().astimezone(UTC)


def install_clock_correction(app: App) -> None:
    """Makes ``app.now()`` follow the county's clock (offset learned each round)."""
    if "sync_base_clock" in app.extras:
        return
    with app.reading() as s:
        stored = get_state(s, "clock_offset_s")
    app.swap_reference(clock_offset_s=float(stored) if stored else 0.0)
    base = app.clock
    app.extras["sync_base_clock"] = base

    def corrected() -> datetime:
        return base() + timedelta(seconds=app.reference.clock_offset_s)

    app.clock = corrected


def follow_stored_offset(app: App) -> None:
    """A process that runs no rounds (the counter window while the sync service syncs) follows
    the county's clock as the last round of any process learned it: such a window dated its
    intakes, payments and receipts by the PC's clock, the service and every command on the same
    PC by the county's."""
    install_clock_correction(app)
    with app.reading() as s:
        stored = get_state(s, "clock_offset_s")
    if stored and float(stored) != app.reference.clock_offset_s:
        app.swap_reference(clock_offset_s=float(stored))


def learn_clock(app: App, t0: datetime, t1: datetime, server_time: datetime) -> float:
    """The offset from a request sent at ``t0`` and answered at ``t1`` (device clock). A county
    time outside the window every stored time must fall in (``values.EARLIEST`` ..
    ``LATEST``: a county clock set to 2100 or 1970) is not learned, the offset held stays:
    followed, it stamped every event here with a time the value rules refuse, so no case
    could be taken in (and a year near 9999 made ``app.now()`` itself overflow)."""
    if not EARLIEST <= server_time.astimezone(UTC) < LATEST:
        return app.reference.clock_offset_s
    midpoint = t0 + (t1 - t0) / 2
    offset = (server_time.astimezone(UTC) - midpoint).total_seconds()
    app.swap_reference(clock_offset_s=offset)
    return offset


def county_clock(
    settings: Settings, base: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Callable[[], datetime]:
    """``base`` (the PC's clock) corrected by the offset the last round stored, for what runs
    without opening the app (``doctor``, ``backup list``: they must work on a database that
    will not open). A backup is named by ``app.now()``, the county's time: measured by the
    PC's clock, one just taken on a PC 8 hours behind read ``age_h`` -8.0 and doctor, which
    counts no backup stamped ahead of its clock, said there was no usable backup after every
    ``backup now``. The PC's clock alone when nothing was stored or the database cannot be
    read (the check reading it says why)."""
    from eservice_desktop.services.clock_guard import OFFSET
    from eservice_desktop.services.database import present
    from eservice_desktop.storage import cipher, db, dbkey

    offset = 0.0
    if present(settings):  # never opened: SQLite would make -wal and -shm beside it
        try:
            conn = db.raw_connect(settings, read_only=True)
            try:
                sql = "SELECT value FROM sync_state WHERE name = ?"
                stored = conn.execute(sql, (OFFSET,)).fetchone()
            finally:
                conn.close()
            offset = float(stored[0]) if stored else 0.0
        except (cipher.DatabaseError, dbkey.KeyUnavailable, RuntimeError, OSError, ValueError):
            offset = 0.0  # no sync_state yet, a wrong key, an unreadable value
    return lambda: base() + timedelta(seconds=offset)
