"""A counter whose clock went back is not let write a case with the wrong time.

Every event carries the time ``app.now()`` gives: the device's clock, corrected by the county's
once a sync round has learned the offset (``services/sync/clock.py``). A PC that has never
synced (a new counter, an office whose link is down) has only its own clock; when that clock is
days behind (a flat CMOS battery, a restored image, a clerk's slip in the date settings) it
stamped intakes, payments and receipts days in the past: a receipt dated before the case it
paid, a due date counted from the wrong day, a payment on a closing already taken.

Such a clock shows itself against the database: every event's ``recorded_at`` is this
device's own now when it was written, so a now well before the last one's means the clock went
back. Until the clock is corrected (or a sync round has learned the county's time, which the
events then carry) :func:`check` refuses the write (``clock.behind``): nothing is written, and
the clerk is told to call IT. A clock less than a day back is let through: a time zone set
right (8 hours), a clock an hour ahead that the system's time service set right would otherwise
stop the counter for as long; the county's offset corrects those at the next round. A demo
database is not asked: its seeding dates each case by the demo's timeline.

The other way round looks the same: a clock days *ahead* stamped the records, and once IT set it
right every write was refused until a sync round, which an office without its link waits for.
IT, having checked the clock, says so (:func:`confirm`, ``db confirm-clock``): the records made
before that word no longer hold the clock back; those after it do.

A learned offset is right only while the PC's clock does not move: set back days after the
round that learned it, ``app.now()`` went back with it and the guard, which trusted any
counter with an offset, let every case and receipt be dated so until the next round (never,
for an office whose link is down). Such a counter is held to the county's time of that round
instead (:func:`_check_since_learned`); IT's word moves that time to its own.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import roc_second
from eservice_desktop.services import restore_guard
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_demo import DEMO_DATABASE
from eservice_desktop.services.operators_signin import require
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncStateRow

__all__ = ["CONFIRMED", "OFFSET", "SLACK", "check", "confirm"]

#: How far before the last record the clock may read and still be taken as right.
SLACK: Final = timedelta(days=1)
#: ``sync_state`` name of the county's clock offset; its ``updated_at`` is the county's time
#: when the last round learned it (services/sync/clock.py).
OFFSET: Final = "clock_offset_s"
#: ``sync_state`` name of IT's word that the clock is right: the last event then, when, by whom.
CONFIRMED: Final = "clock_confirmed"


def confirm(app: App) -> dict[str, Any]:
    """IT's word that this PC's clock is right now (``Action.DB_ADMIN``): the records made
    before it no longer hold the clock back. Kept with who said it and when."""
    require(app, Action.DB_ADMIN)
    now = app.now()
    with app.transaction() as s:
        last = s.scalar(select(func.max(EventRow.seq))) or 0
        word = {"seq": last, "at": now.isoformat(), "by": app.actor.clerk}
        row = s.get(SyncStateRow, CONFIRMED)
        if row is None:
            s.add(SyncStateRow(name=CONFIRMED, value=json.dumps(word), updated_at=now))
        else:
            row.value, row.updated_at = json.dumps(word), now
        learned = s.get(SyncStateRow, OFFSET)
        if learned is not None:  # the county's time learned before no longer holds it back
            learned.updated_at = now
    return {"confirmed_at": now.isoformat(), "records_before": last, "operator": word["by"]}


def _confirmed_seq(session: Session) -> int:
    row = session.get(SyncStateRow, CONFIRMED)
    try:
        return int(json.loads(row.value)["seq"]) if row is not None else 0
    except (ValueError, KeyError, TypeError):
        return 0  # unreadable: as if never said


def check(session: Session, now: datetime, origin: str = "local") -> None:
    """Refuses (``clock.behind``) a write at ``now`` of this device's own (``origin`` local)
    when ``now`` is more than :data:`SLACK` before the county's time the last sync round
    learned or, when it never learned it, before the last event it recorded."""
    if origin != "local":
        return  # pulled events carry their own counters' times
    restore_guard.check(session, origin)  # nor writes a restore not yet recovered (its door)
    if session.get(SyncStateRow, DEMO_DATABASE) is not None:
        return  # the demo's data is dated by its timeline (services/payments_demo.py)
    learned = session.get(SyncStateRow, OFFSET)
    if learned is not None:  # app.now() follows the county's time, as learned then
        _check_since_learned(now, learned.updated_at)
        return
    last = session.scalar(
        select(EventRow.recorded_at)
        .where(EventRow.seq > _confirmed_seq(session))
        .order_by(EventRow.seq.desc())
        .limit(1)
    )
    if last is None:
        return
    _hold_to(
        now,
        last,
        ("資料庫最後一筆紀錄的時間", "且尚未與縣市伺服器對時"),
        ("the last record in its database", " and has never set its time by the county server"),
    )


def _check_since_learned(now: datetime, learned_at: datetime) -> None:
    """Once a round learned the county's time, ``app.now()`` is the PC's clock plus the offset
    learned then: a clock set back since (by days: a clerk's slip in the date settings, a
    time service gone wrong) dated every case and receipt that far back until the next round,
    for the whole day of an office whose link was down, where the guard let everything
    through. ``now`` more than :data:`SLACK` before the county's time of that round is refused
    the same way (``clock.behind``)."""
    _hold_to(
        now,
        learned_at,
        ("上次與縣市伺服器對時的時間", "電腦時鐘可能被調回"),
        ("the time it last set by the county server", "; the PC's clock may have been set back"),
    )


def _hold_to(now: datetime, then: datetime, zh: tuple[str, str], en: tuple[str, str]) -> None:
    """Refuses (``clock.behind``) ``now`` more than :data:`SLACK` before ``then``: what
    ``then`` is and why it holds, in each language (zh: what, why; en: what, the clause after
    its time)."""
    then = then if then.tzinfo else then.replace(tzinfo=UTC)
    if now >= then - SLACK:
        return
    raise DomainError(
        "clock.behind",
        f"本機時鐘（{roc_second(now)}）早於{zh[0]}（{roc_second(then)}），{zh[1]}；為免案件與收據"
        "記下錯誤的時間，本次未儲存。請通知資訊人員校正電腦時鐘或連線同步"
        "（時鐘已正確者，由資訊人員執行 eservice-desktop db confirm-clock 確認）",
        f"This PC's clock ({_in_english(now)}) is behind {en[0]} ({_in_english(then)}){en[1]}: "
        "nothing was saved, so that no case or receipt carries a wrong time. Ask IT to correct "
        "the PC's clock or to sync (a clock already right: IT confirms it with "
        "eservice-desktop db confirm-clock)",
        extra={"now": now.isoformat(), "last": then.isoformat()},
    )


def _in_english(moment: datetime) -> str:
    """Taipei time as an English counter reads a date (``2026-03-07 12:00:00``): the refusal's
    English said ``115/03/07 12:00:00``, a year 115 to a reader of the English, where the rest
    of the English window writes its dates as ISO."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{aware.astimezone(TAIPEI):%Y-%m-%d %H:%M:%S}"
