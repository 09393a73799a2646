"""Demo data: realistic synthetic cases for trying the counter and for benchmarks.

Cases go through the same domain fold and deadline rule as real ones, but are written in
batches (one transaction per batch) so a million cases take minutes, not hours. Services are
drawn in proportion to the catalogue's usage shares (seed appendix 3); receipt times fall within
office hours on working days before now, numbered in their order; some cases end in each state.

Money follows the counter's rules: the fee is assessed at intake (a few cases exempted, with
the reason), paid in cash within minutes at the counter with a numbered, printed receipt
(``DemoTill``), and no case is ever closed, made ready or picked up with a balance due;
only some open cases still owe their fee (status "payment_due").
"""

from __future__ import annotations

import logging
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from eservice_desktop.demo.seed_undo import OwnEvents, last_event, others_wrote
from eservice_desktop.domain.calendar import OfficeHours
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo

log = logging.getLogger("eservice.demo")

SURNAMES = "".join(
    [
        "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉",
        "蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴",
    ]
)
GIVEN = "".join(
    [
        "家豪志明俊傑建宏淑芬美玲雅婷怡君宗翰冠宇承恩柏翰",
        "詩涵欣怡佳穎子晴宥廷品妤彥廷思妤育辰語彤秀英麗華文雄",
    ]
)
BUSINESSES = (
    "興隆實業有限公司",
    "大園物流股份有限公司",
    "桃園土木包工業",
    "龍潭精密工業股份有限公司",
    "新屋農產行",
)
SUPPLEMENT_REASONS = (
    "身分證影本不清楚，請補正",
    "缺少委託書",
    "地號填寫錯誤，請更正",
    "請補附戶口名簿影本",
)
REJECT_REASONS = ("申請人非權利人，依法不得申請", "逾期未補正，依規定駁回")
#: Share of demo cases exempted from their fee at intake, and the reason recorded.
EXEMPT_SHARE = 0.03
EXEMPT_REASON = "低收入戶免徵（規費法第12條）"
#: Share of open demo cases (received, awaiting supplement) that paid at intake.
OPEN_PAID_SHARE = 0.6


def demo_channel(number: str) -> str:
    """The channel of a demo case, from its sequence number (the random stream stays as it
    was): 60 % at the counter, 30 % on the web, 10 % at a convenience-store kiosk."""
    slot = int(number.split("-")[3]) % 10
    return "counter" if slot < 6 else "web" if slot < 9 else "kiosk"


#: Pays ``amount`` for (case id, case number) at a time: the PAYMENT_RECORDED payload.
PayFn = Callable[[str, str, int, datetime], tuple[datetime, dict[str, Any]]]

#: Share of demo cases ending in each state (the rest stay freshly received).
OUTCOMES = (
    ("supplement", 0.08),
    ("closed", 0.35),
    ("rejected", 0.03),
    ("ready", 0.06),
    ("picked_up", 0.20),
)


def payment_time(hours: OfficeHours, received: datetime, rng: random.Random) -> datetime:
    """A cash payment a few minutes after receipt, before that day's closing time (so paying
    never moves the deadline: the case was not waiting for payment at any closing); a case
    received in the last minutes is paid halfway to the closing at the latest."""
    closing = hours.closing_at(received.astimezone(TAIPEI).date())
    wait = timedelta(seconds=rng.uniform(20, 240))
    return (received + min(wait, (closing - received) / 2)).astimezone(UTC)  # stored in UTC


def fee_assessment(
    service: Service, copies: int, rng: random.Random, shared: dict[Any, Any] | None = None
) -> tuple[dict[str, Any], int] | None:
    """The intake assessment of a demo case (payload, total), None for a service without fee.
    ``shared``: a batch's payloads by key (``demo.bulk_cases``), where equal assessments of
    the batch get one payload object; else the payload is one of its own."""
    if not service.fee_items:
        return None
    from eservice_desktop.services.fees import compute

    exempt = rng.random() < EXEMPT_SHARE
    key = (service.code, service.fee_items, copies, exempt)
    if key not in _ASSESSED:
        a = compute(service, copies, exempt=exempt, reason=EXEMPT_REASON if exempt else "")
        _ASSESSED[key] = ({**a.payload(), "copies": copies}, a.total)
    payload, total = _ASSESSED[key]
    # a payload of the batch's (or its own): its fee lines, read only, are shared with the
    # same assessments
    if shared is None:
        return dict(payload), total
    own = shared.get(key)
    if own is None:
        own = shared[key] = dict(payload)
    return own, total


#: The fee assessments already computed (service code and fee items, copies, exempt): a seed
#: of a million cases assesses a few dozen distinct ones.
_ASSESSED: dict[tuple[Any, ...], tuple[dict[str, Any], int]] = {}


#: The most demo cases one seed adds (a million is the documented load test).
DEMO_MAX_CASES = 2_000_000


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def _office_days(app: App, now: datetime, count: int) -> list[date]:
    """The last ``count`` working days up to now; today only once the office has been open
    for a while, so no demo case is received before opening time."""
    local = now.astimezone(TAIPEI)
    d = local.date()
    if local.time() < (datetime.combine(d, app.hours.opens) + timedelta(minutes=30)).time():
        d -= timedelta(days=1)
    days: list[date] = []
    while len(days) < count:
        if app.calendar.is_working_day(d):
            days.append(d)
        d -= timedelta(days=1)
    return days


def received_times(
    hours: OfficeHours, office_days: list[date], cases: int, rng: random.Random, latest: datetime
) -> Iterator[datetime]:
    """The receipt times of ``cases`` cases, oldest first, over every batch of a seed: each on
    a day drawn from ``office_days`` at a moment within its office hours (``_received_time``).

    The seed numbers cases and receipts in this order, as a counter does: each batch drew
    its own times over all the days, so every day's receipts were numbers spread over the
    whole series and the day's closing listed the numbers of the other days as missing
    (缺號), the gap a supervisor looks for first. Only the per-day counts are held at once."""
    per_day = Counter(rng.randrange(len(office_days)) for _ in range(cases))
    for i in sorted(range(len(office_days)), key=office_days.__getitem__):
        day = office_days[i]
        yield from sorted(_received_time(hours, day, rng, latest) for _ in range(per_day[i]))


def _received_time(hours: OfficeHours, day: date, rng: random.Random, latest: datetime) -> datetime:
    """A moment within office hours on ``day``, never later than a few minutes before now."""
    start = datetime.combine(day, hours.opens, TAIPEI)
    end = min(datetime.combine(day, hours.closes, TAIPEI), latest - timedelta(minutes=5))
    span = max((end - start).total_seconds(), 0.0)
    return (start + timedelta(seconds=rng.uniform(0, span))).astimezone(UTC)


def seed_demo(
    app: App,
    cases: int,
    seed: int | None = None,
    *,
    days: int = 40,
    batch: int = 20000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Adds ``cases`` synthetic cases; running it twice adds twice (numbers keep counting).

    All or nothing: the seed runs in several transactions (batches, then pickup codes and
    payments), so the database is copied first (SQLite online backup, in memory) and put back
    when any step fails, e.g. on a full disk; the error is raised after that. The process's
    other writers wait meanwhile (``app.write_lock``)."""
    if isinstance(cases, bool) or not 0 <= cases <= DEMO_MAX_CASES:
        raise DomainError(
            "demo.cases",
            f"示範案件數須介於 0 到 {DEMO_MAX_CASES}",
            f"The number of demo cases must be between 0 and {DEMO_MAX_CASES}",
            "cases",
        )
    if isinstance(days, bool) or not 1 <= days <= 3650:
        raise DomainError(
            "demo.days", "天數須介於 1 到 3650", "Days must be between 1 and 3650", "days"
        )
    # The process's other writers (the sync loop, the access log) wait from the copy to the
    # end: putting the copy back must not wipe what they wrote meanwhile. Another process's
    # writes are not held off: the copy is not put back over its events (``seed_undo``).
    with app.write_lock, OwnEvents(app.engine) as own:
        snapshot = _snapshot(app)
        if snapshot is None:
            log.warning("demo seed: the database could not be copied, a failure is not undone")
        try:
            return _seed(app, cases, seed, days=days, batch=batch, progress=progress)
        except BaseException as failure:
            if snapshot is not None:
                _undo(app, snapshot, own, failure)
            raise
        finally:
            if snapshot is not None:
                snapshot.close()


def _snapshot(app: App) -> Any:
    """An in-memory copy through the database's own driver (sqlite3 or SQLCipher: keyed with
    the database's key, as SQLCipher copies pages only between databases keyed alike), or None
    when the driver cannot copy this database (then the seed is not all-or-nothing)."""
    if app.engine.dialect.name != "sqlite":
        return None
    import sys

    from eservice_desktop.storage import cipher

    raw = app.engine.raw_connection()
    try:
        driver = raw.driver_connection
        module = sys.modules[type(driver).__module__]
        mem = module.connect(":memory:")
        try:
            if app.db_key:
                cipher.apply_key(mem, app.db_key)
            driver.backup(mem)  # type: ignore[union-attr]
        except Exception:  # e.g. SQLCipher refuses to copy an encrypted page set into plain
            mem.close()
            return None
    finally:
        raw.close()
    return mem


def _undo(app: App, snapshot: Any, own: OwnEvents, failure: BaseException) -> None:
    """Puts the copy back, unless the seed appended nothing (the failure is said as it is) or
    another program appended events meanwhile: the copy would erase them (an intake whose
    case number was printed and sent to the county), so part of the seed stays, and says so."""
    if own.appended == 0:
        return
    try:
        others = own.others_since(app.engine, last_event(snapshot))
    except Exception as e:  # the database unreadable now: the copy is put back, as before
        log.warning("demo seed: the events written meanwhile were not counted: %s", type(e))
        others = 0
    if others > 0:
        log.warning("demo seed failed; not undone over %d events of another program", others)
        raise others_wrote(others) from failure
    _restore_or_say(app, snapshot, failure)


def _restore_or_say(app: App, snapshot: Any, failure: BaseException) -> None:
    """Puts the copy back; when that fails too (the disk that stopped the seed is full, and
    putting pages back needs room), says that part of the seed stayed instead of letting the
    second failure's traceback out or the first one's message claim nothing was stored."""
    try:
        _restore(app, snapshot)
    except Exception as e:
        log.warning("demo seed: putting the database back failed too: %s", type(e).__name__)
        raise DomainError(
            "demo.not_undone",
            "示範資料未能寫完，也無法退回寫入前的資料庫（磁碟空間可能已滿）：資料庫中留有部分"
            "示範資料；請 IT 清出空間後以 backup restore 還原，或改用新的資料夾",
            "The demo data could not be written in full, nor the database put back as it was"
            " (the disk may be full): part of the demo data stayed. Ask IT to free space and"
            " run `backup restore`, or use a new data folder",
        ) from failure


def _restore(app: App, snapshot: Any) -> None:
    app.engine.dispose()  # no pooled connection keeps a view of the half-seeded database
    raw = app.engine.raw_connection()
    try:
        snapshot.backup(raw.driver_connection)
    finally:
        raw.close()
    app.engine.dispose()


def _seed(
    app: App,
    cases: int,
    seed: int | None,
    *,
    days: int,
    batch: int,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Any]:
    """The cases through the bulk builder (``demo.bulk``: plain tuples, one ingest per batch),
    then the pickup codes and the counter's payments. Ids are drawn from the system's entropy,
    not from ``seed``: seeding twice with one seed adds twice (numbers keep counting)."""
    from eservice_desktop.demo.bulk import add_cases

    rng = random.Random(seed)
    ids = random.Random(uuid.uuid4().int)
    office_days = _office_days(app, app.now(), days)
    counts = add_cases(
        app, cases, rng, office_days=office_days, batch=batch, progress=progress, ids=ids
    )
    with app.reading() as session:
        total = repo.count_cases(session)
    result: dict[str, Any] = {"added": cases, "total_cases": total, "by_status": counts}
    result["pickup_ready_with_code"] = seed_pickup_codes(app, cases, seed)
    result["payments"] = seed_payments(app, cases, seed)
    return result


def seed_payments(app: App, cases: int, seed: int | None = None) -> dict[str, int]:
    """Fees, payments and receipts on the newest demo cases (services.payments)."""
    from eservice_desktop.services.payments_demo import seed_payments_demo

    return seed_payments_demo(app, cases, seed)


def seed_pickup_codes(app: App, cases: int, seed: int | None = None) -> int:
    """Pickup desk demo: a few closed cases become ready here, with codes signed by the demo
    county key (DATA_DIR/demo-county-key.pem; accepted only in demo mode)."""
    from eservice_desktop.services.pickup import seed_pickup_demo

    return seed_pickup_demo(app, min(20, max(1, cases // 10)) if cases else 0, seed)
