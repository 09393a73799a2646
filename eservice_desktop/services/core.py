"""The application core every face opens: settings, database, catalogue, calendar, clock.

Opening it applies pending migrations (after a backup), loads the shipped catalogue and working
calendars once, and fixes who is working here (office, device, clerk) for the events it writes.

Reference data (catalogue, working calendar, the county clock's offset) is one immutable
:class:`Reference` snapshot, ``app.reference``. Nothing changes it in place: the sync round
(a new catalogue or calendar from the county, a new clock offset) builds a new snapshot and
swaps it in with one assignment (:meth:`App.swap_reference`), so a reader that took
``app.reference`` keeps a consistent view while a round runs on another thread.

Write transactions (:meth:`App.transaction`) of one process take turns on ``app.write_lock``:
the window's database writer and the sync loop's thread never write at the same time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.config import Settings, warn_held_back
from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar
from eservice_desktop.domain.catalogue import Catalogue, Office, Service
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.events import Actor
from eservice_desktop.domain.operators import DEVICE_ACCOUNT_PREFIX, Operator
from eservice_desktop.services.backup_files import drop_interrupted_restore
from eservice_desktop.services.shipped import load_catalogue, resources_dir, shipped_calendar_days
from eservice_desktop.storage import calendar_stamp, db, repo
from eservice_desktop.storage.sealed import Sealer

log = logging.getLogger("eservice.app")

#: What the faces need of the layers below: the shipped resources' folder (translations,
#: fonts) and the type of the file sealer the app carries.
__all__ = [
    "App",
    "Clock",
    "Reference",
    "Sealer",
    "load_catalogue",
    "open_app",
    "resources_dir",
    "shipped_calendar_days",
    "system_clock",
]

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Reference:
    """One consistent view of the reference data; replaced whole, never changed."""

    catalogue: Catalogue
    calendar: WorkingCalendar
    #: Seconds to add to this device's clock to get the county's (0 before any round).
    clock_offset_s: float = 0.0


@dataclass(init=False)
class App:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    #: The current reference snapshot (``catalogue`` and ``calendar`` read it).
    reference: Reference
    clock: Clock = system_clock
    extras: dict[str, Any] = field(default_factory=dict)
    #: Encrypts files with personal data kept beside the database (drafts, archived slips).
    sealer: Sealer | None = field(default=None, repr=False)
    #: The database key (backups are encrypted with it); never shown, never logged.
    db_key: bytes = field(default=b"", repr=False)
    #: The signed-in operator (services/operators.py); None until someone signs in. The
    #: background sync service never signs in: it acts as the device (``device_actor``).
    operator: Operator | None = None
    #: Held by every write transaction of this process (re-entrant).
    write_lock: Any = field(default_factory=threading.RLock, repr=False, compare=False)

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        sessions: sessionmaker[Session],
        catalogue: Catalogue,
        calendar: WorkingCalendar,
        *,
        clock: Clock = system_clock,
        sealer: Sealer | None = None,
        db_key: bytes = b"",
    ) -> None:
        self.settings, self.engine, self.sessions = settings, engine, sessions
        self.reference = Reference(catalogue, calendar)
        self.clock = clock
        self.extras = {}
        self.sealer, self.db_key = sealer, db_key
        self.operator = None
        self.write_lock = threading.RLock()
        self._swaps = threading.Lock()
        self._hours: tuple[Catalogue, str, OfficeHours] | None = None
        #: The calendar stamp the working calendar was read under (:meth:`refresh_calendar`).
        self.calendar_stamp = ""

    @property
    def catalogue(self) -> Catalogue:
        return self.reference.catalogue

    @property
    def calendar(self) -> WorkingCalendar:
        return self.reference.calendar

    def swap_reference(self, **changes: Any) -> Reference:
        """Replaces the snapshot by a copy with ``changes`` (catalogue=, calendar=,
        clock_offset_s=) in one assignment; returns the new one."""
        with self._swaps:  # two swaps at once (calendar, clock) must not lose one another
            new = replace(self.reference, **changes)
            self.reference = new
        return new

    @property
    def office(self) -> Office:
        return self.catalogue.office(self.settings.office_code)

    @property
    def office_kind(self) -> str:
        """The ``office_kind`` of the services taken in here: ``household``, ``land``, or
        ``county`` at a county department's desk (which :attr:`services` narrows to its own
        department)."""
        if self.settings.office_kind:
            return self.settings.office_kind
        kind = self.office.kind
        return "county" if kind == "county_department" else kind

    @property
    def services(self) -> list[Service]:
        """The services this office takes in, catalogue order: those of its kind at a household
        or land office, exactly its department's at a county department's desk."""
        office = self.office
        if office.kind == "county_department" or not self.settings.office_kind:
            return self.catalogue.services_at(office)
        return self.catalogue.services_for(self.settings.office_kind)

    @property
    def hours(self) -> OfficeHours:
        """This office's opening hours (08:00-17:00 where the catalogue gives none), built once
        per catalogue: a swapped catalogue (``swap_reference``) or another office code builds
        them again, a new clock offset or calendar (a new snapshot every sync round) does not.
        Every due date and on-time check reads them, a batch thousands of times."""
        catalogue, code, cached = self.reference.catalogue, self.settings.office_code, self._hours
        if cached is not None and cached[0] is catalogue and cached[1] == code:
            return cached[2]
        hours = catalogue.office(code).hours
        self._hours = (catalogue, code, hours)  # one assignment: a reader sees a whole entry
        return hours

    @property
    def actor(self) -> Actor:
        """The signed-in operator at this device: every event a use case writes names them."""
        if self.operator is None:
            raise AuthError(
                "auth.required",
                "請先登入（eservice-desktop login 帳號 --password-stdin）",
                "Sign in first (eservice-desktop login ACCOUNT --password-stdin)",
            )
        return Actor(self.settings.office_code, self.settings.device_id, self.operator.account)

    @property
    def device_actor(self) -> Actor:
        """The device itself (``device:01``): what the sync service signs its notes as."""
        device = self.settings.device_id
        return Actor(self.settings.office_code, device, f"{DEVICE_ACCOUNT_PREFIX}{device}")

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction per use case: all of it is committed, or none of it."""
        with self.write_lock, self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: on SQLite it begins deferred, so readers run side by side
        (and beside the one writer) instead of queueing for the write lock."""
        with self.sessions() as session:
            session.connection(execution_options={db.READ_ONLY_OPTION: True})
            yield session

    def reload_calendar(self) -> None:
        days = shipped_calendar_days()
        with self.reading() as s:
            stamp = calendar_stamp.read(s)
            for day, off, note in repo.calendar_days(s):
                days[day] = (off, note)
        self.swap_reference(calendar=WorkingCalendar.from_dgpa(days))
        self.calendar_stamp = stamp

    def refresh_calendar(self) -> bool:
        """Reads the working calendar again when another process (IT's ``calendar import``,
        the sync service's pull) stored days since this one read it: True when it did. That
        process re-dated the stored cases; this one only counts with the same days from now
        on (``storage.calendar_stamp``)."""
        with self.reading() as s:
            stamp = calendar_stamp.read(s)
        if stamp == self.calendar_stamp:
            return False
        self.reload_calendar()
        return True

    def keep_calendar_current(self, session: Session) -> None:
        """In a write transaction (``services.ingest``): the working calendar the database
        holds, read again when another process stored days since, as :meth:`refresh_calendar`
        does at the window's next round; no other writer can store days before this commits.
        A case the window wrote meanwhile was due by the calendar it held, on the typhoon day
        IT had just imported, and never re-dated (the import's re-dating had run before)."""
        if calendar_stamp.read(session) != self.calendar_stamp:
            self.reload_calendar()

    def close(self) -> None:
        self.engine.dispose()

    def reopen(self) -> None:
        """After the database file was replaced (a restore): a new engine over the new file,
        upgraded if it is older, in this same object, so every holder of the App (the window's
        pages, the sync loop) goes on with it."""
        self.engine.dispose()
        fresh = open_app(self.settings, clock=self.clock)
        self.engine, self.sessions = fresh.engine, fresh.sessions
        self.db_key, self.sealer = fresh.db_key, fresh.sealer
        self.swap_reference(calendar=fresh.calendar)


def open_app(
    settings: Settings,
    clock: Clock | None = None,
    migrate: bool = True,
    catalogue: Catalogue | None = None,
    *,
    key: bytes | None = None,
    calendar: WorkingCalendar | None = None,
    on_upgrade: Callable[[], None] | None = None,
) -> App:
    """The core over the office database. ``catalogue``: the shipped catalogue when the caller
    has loaded it already (the window's start, which names the office before the core opens).
    ``key`` and ``calendar``: the stored key and the working calendar when the caller has just
    read them from this database on this thread (the signed-in window's first list,
    ``services.queue_start``), so they are not read twice; a calendar is taken only with a
    schema that needed no upgrade. ``on_upgrade``: called before an existing database is backed
    up and upgraded (``storage.db.upgrade``'s ``on_start``: minutes for a large one), or
    a plain one encrypted; once."""
    warn_held_back(settings)  # a looser sign-in setting: in the log once (doctor says it too)
    drop_interrupted_restore(settings)  # a restore's copy, left by a restore killed midway
    on_upgrade = db.once(on_upgrade)
    engine, key = db.open_office_engine(settings, key=key, on_convert=on_upgrade)
    if migrate and not db.schema_is_current(engine):
        db.upgrade(engine, settings.db_url, settings.db_path, key, on_start=on_upgrade)
        calendar = None  # read from the upgraded database
    if catalogue is None:
        catalogue = load_catalogue()
    try:
        catalogue.office(settings.office_code)
    except DomainError:
        engine.dispose()
        raise
    app = App(
        settings=settings,
        engine=engine,
        sessions=db.session_factory(engine, (settings.office_code, settings.device_id)),
        catalogue=catalogue,
        calendar=WorkingCalendar({}) if calendar is None else calendar,
        clock=clock or system_clock,
        sealer=Sealer(key),
        db_key=key,
    )
    if migrate:
        try:
            _check_device_identity(app)
        except DomainError:
            engine.dispose()
            raise
    if calendar is None:
        app.reload_calendar()
    if settings.demo:
        # Demo mode (--demo, ESERVICE_DEMO=1): the demo operator, without a password.
        from eservice_desktop.services.operators import sign_in_demo

        sign_in_demo(app)
    return app


def _check_device_identity(app: App) -> None:
    """A database belongs to the counter whose events it records. Opened as another one
    (``--device 99`` over counter 01's data directory, a settings file copied from another
    PC), it took events under that number: the county refuses every push holding events of a
    device other than the pushing one, so this counter's sync stopped for good."""
    me = (app.settings.office_code, app.settings.device_id)
    with app.reading() as s:
        chained = repo.chained_devices(s)
    if chained and me not in chained:
        raise device_identity_error(chained, me)


def device_identity_error(
    chained: Iterable[tuple[str, str]], asked: tuple[str, str]
) -> DomainError:
    """``db.device_identity``: the database's events are those counters', not ``asked``'s."""
    owner = "、".join(f"{office}-{device}" for office, device in sorted(chained))
    named = f"{asked[0]}-{asked[1]}"
    return DomainError(
        "db.device_identity",
        f"此資料庫屬於櫃檯 {owner}，不能以 {named} 開啟；"
        "請檢查設定檔的 office_code／device_id 或 --office／--device",
        f"This database belongs to counter {owner.replace('、', ', ')}; it cannot be "
        f"opened as {named}: check office_code/device_id in the settings file, or "
        "--office/--device",
    )


#: Runs one database step of a use case that waits on the network between its steps (a county
#: look-up): ``db(fn, *args)``, the window's database writer, or :func:`run_here` elsewhere.
DbStep = Callable[..., Any]


def run_here(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A :data:`DbStep` that runs the step on the calling thread (the CLI, the services)."""
    return fn(*args, **kwargs)
