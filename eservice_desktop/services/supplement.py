"""A supplement request (通知補正) with its day to supply by (補件期限) and the documents asked for.

The day is the counter's to check, when the clerk asks (``domain/supply_by.py`` says why not
in the payload's rule): it is an office day still to come or today, a working day of the
office's calendar (the citizen brings the documents to an open counter), and within a year. The
documents are chosen from the case's own (the catalogue's 應備文件 at intake): a name typed
wrong would reach the citizen's notice as a document no office asks for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import format_roc, parse_roc
from eservice_desktop.domain.text_values import typed_date
from eservice_desktop.services.calendar import today
from eservice_desktop.services.cases import CaseView, record, resolve_case_id, said, view_of
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo

#: The latest day to supply by, in days from today: a request is answered within weeks.
FURTHEST_DAYS: Final = 366

FIELD: Final = "supply_by"


def _refuse(code: str, zh: str, en: str) -> DomainError:
    return DomainError(code, zh, en, FIELD)


def _en(day: date) -> str:
    return f"ROC {format_roc(day, 'short')}"


def check_supply_by(app: App, day: date) -> date:
    """``day`` when a citizen can be told to bring the documents by it (the office's today
    at the earliest, a working day, within FURTHEST_DAYS); refused naming the day otherwise.
    Reads the calendar held in memory: the window asks it while the clerk types."""
    now = today(app)
    zh, en = format_roc(day), _en(day)
    if day < now:
        raise _refuse(
            "supply_by.past",
            f"補件期限{zh}已經過了，請輸入今天（{format_roc(now)}）或以後的日期",
            f"The date to supply by ({en}) has passed: enter today ({_en(now)}) or later",
        )
    if day > now + timedelta(days=FURTHEST_DAYS):
        raise _refuse(
            "supply_by.too_far",
            f"補件期限{zh}超過一年，請輸入一年內的日期",
            f"The date to supply by ({en}) is more than a year away: enter one within a year",
        )
    if not app.calendar.is_working_day(day):
        nearest = app.calendar.working_day_on_or_after(day)
        note = app.calendar.note(day)
        raise _refuse(
            "supply_by.day_off",
            f"補件期限{zh}{f'（{note}）' if note else ''}不是上班日，"
            f"請改為上班日，例如{format_roc(nearest)}",
            f"The date to supply by ({en}) is not a working day{f' ({note})' if note else ''}: "
            f"choose a working day such as {_en(nearest)}",
        )
    return day


def supply_by_from_text(app: App, text: str) -> date | None:
    """The day the clerk typed as an ROC date (民國年: ``115/12/18``, ``115年12月18日``,
    full-width digits too), checked as :func:`check_supply_by`; blank: no day."""
    if not text.strip():
        return None
    return check_supply_by(app, parse_roc(typed_date(text), FIELD))


def _check_items(
    items: Sequence[str], service: Service | None, documents: Sequence[str]
) -> list[str]:
    """The documents named, as the case stores them (the catalogue's zh-TW names; an English
    name, as ``case show --lang en`` lists them, is taken for its document)."""
    english = {service.document_name(d, "en"): d for d in documents} if service else {}
    chosen = [" ".join(str(i).split()) for i in items]
    chosen = [i if i in documents else english.get(i, i) for i in chosen]
    unknown = [i for i in chosen if i not in documents]
    if unknown:
        listed_en = list(english) or list(documents)
        raise DomainError(
            "supply_items.unknown",
            f"「{unknown[0]}」不是本案的應備文件（本案：{'、'.join(documents) or '無'}）",
            f"{unknown[0]!r} is not one of this case's documents "
            f"({'; '.join(listed_en) or 'none'})",
            "items",
        )
    return list(dict.fromkeys(chosen))


def request_supplement(
    app: App,
    case_number: str,
    reason: str,
    items: Sequence[str] | None = None,
    supply_by: date | None = None,
) -> CaseView:
    """通知補正: the reason, the documents of the case asked for, the day to bring them by."""
    require(app, Action.PROCESS)
    payload: dict[str, object] = {"reason": said(reason), "items": []}
    if supply_by is not None:
        payload["supply_by"] = check_supply_by(app, supply_by).isoformat()
    with app.transaction() as s:
        case_id = resolve_case_id(s, case_number)
        if items:
            known = repo.load_state(s, case_id)
            documents = list(known.documents_required) if known else []
            code = known.service_code if known else ""
            service = app.catalogue.service(code) if app.catalogue.has_service(code) else None
            payload["items"] = _check_items(items, service, documents)
        state = record(app, s, case_id, ev.SUPPLEMENT_REQUESTED, payload)
    return view_of(app, state)
