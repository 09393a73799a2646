"""Demo data: realistic synthetic cases for trying the counter and for benchmarks.

Cases go through the same domain fold and deadline rule as real ones, but are written in
batches (one transaction per batch) so a million cases take minutes, not hours. Services are
drawn in proportion to the catalogue's usage shares (seed appendix 3); receipt times fall within
office hours on working days before now; some cases end in each state.

Money follows the counter's rules: the fee is assessed at intake (a few cases exempted, with
the reason), paid in cash within minutes at the counter with a numbered, printed receipt
(``DemoTill``), and no case is ever closed, made ready or picked up with a balance due;
only some open cases still owe their fee (status "payment_due").
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import APPROVE_FEE_REDUCTION
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.ids import generate_national_id, generate_ubn
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.services.approvals import Granted, demo_granted
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.services.payments_demo import DemoTill
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CounterRow

TAIPEI = ZoneInfo("Asia/Taipei")

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
PayFn = Callable[[str, str, int, datetime], dict[str, Any]]

#: Share of demo cases ending in each state (the rest stay freshly received).
OUTCOMES = (
    ("supplement", 0.08),
    ("closed", 0.35),
    ("rejected", 0.03),
    ("ready", 0.06),
    ("picked_up", 0.20),
)


def payment_time(app: App, received: datetime, rng: random.Random) -> datetime:
    """A cash payment a few minutes after receipt, before that day's closing time (so paying
    never moves the deadline: the case was not waiting for payment at any closing)."""
    closing = app.hours.closing_at(received.astimezone(TAIPEI).date())
    at = received + timedelta(seconds=rng.uniform(20, 240))
    latest = max(received + timedelta(seconds=1), closing - timedelta(seconds=1))
    return min(at, latest).astimezone(UTC)  # events are stored in UTC


def fee_assessment(
    service: Service, copies: int, rng: random.Random
) -> tuple[dict[str, Any], int] | None:
    """The intake assessment of a demo case (payload, total), None for a service without fee."""
    if not service.fee_items:
        return None
    from eservice_desktop.services.fees import compute

    exempt = rng.random() < EXEMPT_SHARE
    a = compute(service, copies, exempt=exempt, reason=EXEMPT_REASON if exempt else "")
    return {**a.payload(), "copies": copies}, a.total


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


def _received_time(app: App, day: date, rng: random.Random, latest: datetime) -> datetime:
    """A moment within office hours on ``day``, never later than a few minutes before now."""
    start = datetime.combine(day, app.hours.opens, TAIPEI)
    end = min(datetime.combine(day, app.hours.closes, TAIPEI), latest - timedelta(minutes=5))
    span = max((end - start).total_seconds(), 0.0)
    return (start + timedelta(seconds=rng.uniform(0, span))).astimezone(UTC)


def build_case(
    *,
    app: App,
    service: Service,
    number: str,
    received: datetime,
    rng: random.Random,
    now: datetime,
    make_event: Callable[..., Event],
    pay: PayFn | None = None,
    exemption_approval: Granted | None = None,
) -> list[Event]:
    """The event stream of one synthetic case, consistent with the domain's transitions (a
    case that finishes has paid its fee first; ``pay`` numbers the receipt)."""
    case_id = str(uuid.uuid4())
    business = service.office_kind == "land" and rng.random() < 0.1
    applicant = (
        {
            "kind": "business",
            "id_type": "ubn",
            "id": generate_ubn(rng),
            "name": rng.choice(BUSINESSES),
        }
        if business
        else {
            "kind": "person",
            "id_type": "national_id",
            "id": generate_national_id(rng),
            "name": _name(rng),
        }
    )
    fields: dict[str, Any] = {}
    for spec in service.fields:
        if spec.required:
            fields[spec.key] = (
                spec.choices[0]
                if spec.choices
                else (
                    f"{rng.randint(1, 2000):04d}-{rng.randint(0, 999):04d}"
                    if spec.type == "land_parcel"
                    else "桃園市桃園區中正路" + str(rng.randint(1, 999)) + "號"
                )
            )
    pickup = service.pickup_options[0] if service.pickup_options else "counter"
    copies = rng.choice((1, 1, 1, 2, 3))
    evs = [
        make_event(
            case_id,
            ev.RECEIVED,
            received,
            {
                "case_number": number,
                "service_code": service.code,
                "time_limit_working_days": service.time_limit_working_days,
                "applicant": applicant,
                "phone": "09" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
                "email": "",
                "copies": copies,
                "fields": fields,
                "channel": demo_channel(number),
                "consent": sorted(
                    rng.sample(
                        sorted(service.document_free_lookups),
                        k=min(1, len(service.document_free_lookups)),
                    )
                ),
                "pickup": {"method": pickup, "office": app.settings.office_code},
                # Every document brought except those only needed in some cases ("…時）").
                "documents": {
                    "required": list(service.required_documents),
                    "presented": [d for d in service.required_documents if "時）" not in d],
                },
            },
        )
    ]
    if demo_channel(number) != "counter":
        # a web or kiosk case is accepted (收件) by the clerk before anything else happens
        evs.append(make_event(case_id, ev.ACCEPTED, received, {"note": ""}))
    roll = rng.random()
    outcome = "received"
    acc = 0.0
    for name, share in OUTCOMES:
        acc += share
        if roll < acc:
            outcome = name
            break
    t = received
    age = now - received
    # Offices close ~96 % of cases on time (seed appendix 11): old cases are mostly finished.
    calendar_days_allowed = service.time_limit_working_days * 1.5 + 3
    late = age.days > calendar_days_allowed
    if outcome in ("received", "supplement") and late and rng.random() < 0.96:
        outcome = rng.choice(("closed", "picked_up", "picked_up"))

    def later(max_fraction: float = 0.4) -> datetime:
        nonlocal t
        step = timedelta(seconds=rng.uniform(60, max(120.0, age.total_seconds() * max_fraction)))
        t = min(t + step, now - timedelta(seconds=30))
        return t

    assessed = fee_assessment(service, copies, rng)
    if assessed is not None:
        payload, total = assessed
        fee_event = make_event(case_id, ev.FEE_ASSESSED, received, payload)
        if payload["reduction"] and exemption_approval is not None:
            # the demo supervisor approved the exemption, recorded just before the assessment
            approved = exemption_approval.for_action(APPROVE_FEE_REDUCTION, number)
            evs.append(
                make_event(case_id, ev.APPROVAL_GRANTED, received, approved.payload(fee_event))
            )
        evs.append(fee_event)
        finishes = outcome in ("closed", "ready", "picked_up")
        if total > 0 and pay is not None and (finishes or rng.random() < OPEN_PAID_SHARE):
            t = payment_time(app, received, rng)
            evs.append(make_event(case_id, ev.PAYMENT_RECORDED, t, pay(case_id, number, total, t)))
            issued = make_event(
                case_id,
                ev.RECEIPT_ISSUED,
                t + timedelta(seconds=5),
                {"receipt_number": evs[-1].payload["receipt_number"]},
            )
            evs.append(issued)
            t = issued.at

    if outcome == "supplement":
        evs.append(
            make_event(
                case_id,
                ev.SUPPLEMENT_REQUESTED,
                later(),
                {"reason": rng.choice(SUPPLEMENT_REASONS), "items": []},
            )
        )
    elif outcome == "rejected":
        evs.append(
            make_event(case_id, ev.REJECTED, later(), {"reason": rng.choice(REJECT_REASONS)})
        )
    elif outcome in ("closed", "ready", "picked_up"):
        if rng.random() < 0.2:
            evs.append(
                make_event(
                    case_id,
                    ev.SUPPLEMENT_REQUESTED,
                    later(0.2),
                    {"reason": rng.choice(SUPPLEMENT_REASONS), "items": []},
                )
            )
            evs.append(make_event(case_id, ev.SUPPLEMENT_RECEIVED, later(0.2), {"note": ""}))
        evs.append(make_event(case_id, ev.CLOSED, later(0.2), {"note": ""}))
        if outcome in ("ready", "picked_up"):
            evs.append(
                make_event(
                    case_id,
                    ev.READY_FOR_PICKUP,
                    later(0.1),
                    {
                        "office": app.settings.office_code,
                        "pickup_number": f"{rng.randint(0, 9999):04d}",
                    },
                )
            )
        if outcome == "picked_up":
            evs.append(make_event(case_id, ev.PICKED_UP, later(0.1), {"by": {"self": True}}))
    return evs


def seed_demo(
    app: App,
    cases: int,
    seed: int | None = None,
    *,
    days: int = 40,
    batch: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Adds ``cases`` synthetic cases; running it twice adds twice (numbers keep counting).

    All or nothing: the seed runs in several transactions (batches, then pickup codes and
    payments), so the database is copied first (SQLite online backup, in memory) and put back
    when any step fails, e.g. on a full disk; the error is raised after that."""
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
    snapshot = _snapshot(app)
    try:
        return _seed(app, cases, seed, days=days, batch=batch, progress=progress)
    except BaseException:
        if snapshot is not None:
            _restore(app, snapshot)
        raise
    finally:
        if snapshot is not None:
            snapshot.close()


def _snapshot(app: App) -> Any:
    """An in-memory copy through the database's own driver (sqlite3 or SQLCipher), or None
    when the driver cannot copy this database (then the seed is not all-or-nothing)."""
    if app.engine.dialect.name != "sqlite":
        return None
    import sys

    raw = app.engine.raw_connection()
    try:
        driver = raw.driver_connection
        module = sys.modules[type(driver).__module__]
        mem = module.connect(":memory:")
        try:
            driver.backup(mem)  # type: ignore[union-attr]
        except Exception:  # e.g. SQLCipher refuses to copy an encrypted page set into plain
            mem.close()
            return None
    finally:
        raw.close()
    return mem


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
    rng = random.Random(seed)
    now = app.now()
    services = app.services
    weights = [max(s.usage_share, 1e-6) for s in services]
    office_days = _office_days(app, now, days)
    actor = app.actor
    s = app.settings
    counts: dict[str, int] = {}
    # exemptions at intake are approved by the demo supervisor (verified before any transaction)
    exemption_approval = demo_granted(app, APPROVE_FEE_REDUCTION, reason=EXEMPT_REASON)
    done = 0

    def make_event(case_id: str, type_: str, at: datetime, payload: dict[str, Any]) -> Event:
        return Event(
            event_id=str(uuid.uuid4()),
            case_id=case_id,
            type=type_,
            office=actor.office,
            device=actor.device,
            clerk=actor.clerk,
            at=at,
            payload=payload,
        )

    while done < cases:
        n = min(batch, cases - done)
        with app.transaction() as session:
            till = DemoTill(app, session)
            pay = till.payer(rng, actor.clerk)
            received_list = sorted(
                _received_time(app, rng.choice(office_days), rng, now) for _ in range(n)
            )
            batch_events: list[Event] = []
            years = [to_roc(r.astimezone(TAIPEI).date())[0] for r in received_list]
            # the batch's case numbers reserved with one counter write per ROC year
            next_seq = {
                y: repo.reserve_counter(
                    session, f"case:{s.office_code}:{s.device_id}:{y}", years.count(y)
                )
                for y in sorted(set(years))
            }
            for received, year in zip(received_list, years, strict=True):
                seq = next_seq[year]
                next_seq[year] = seq + 1
                number = str(CaseNumber(s.office_code, s.device_id, year, seq))
                service = rng.choices(services, weights)[0]
                batch_events.extend(
                    build_case(
                        app=app,
                        service=service,
                        number=number,
                        received=received,
                        rng=rng,
                        now=now,
                        make_event=make_event,
                        pay=pay,
                        exemption_approval=exemption_approval,
                    )
                )
            till.flush()
            report = ingest_many(app, session, batch_events, strict=True)
            for state in report.states.values():
                counts[state.status] = counts.get(state.status, 0) + 1
        done += n
        if progress:
            progress(done, cases)
    with app.reading() as session:
        total = repo.count_cases(session)
        _ = session.scalar(select(CounterRow.value).limit(1))
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
