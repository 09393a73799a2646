"""The access log (個資法 accountability): who viewed, searched, printed or exported which case,
who changed which operator account, and who signed in or out (or was refused: ``signin``).

The use cases that show personal data call :func:`record` (``cases.show_case`` a view,
``cases.search_page`` a search, ``payments.receipt_pdf``, ``pickup.pickup_record``,
``pickup.mms_png`` and
``daily_closing.closing_document`` a print, the closing, the reconciliation and
``report_views.export_report`` an export). Each record is appended to ``access_log`` in a short
transaction of its own (an account change, action ``account``, in the transaction of the
change: ``services.operators_audit``), linked into the log's own hash chain (the same
canonical encoding as the events, domain/chain.py), and pushed to the county by the sync
round (``/v1/access``). Its last link is kept beside it (``services.access_head``): each
record links from there, and ``audit verify`` finds the last records deleted too.
``report access --operator ACCOUNT | --case NUMBER | --action ACTION`` reads it back.

The operator is the account stamped on events (``app.actor.clerk``; who made an account
change when no one is signed in: ``append(operator=...)``). A search record keeps the
search text (an auditor must be able to answer "who looked this person up"); the log lives in
the encrypted database and at the county, never in a log file.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import chain
from eservice_desktop.domain.case_number import looks_like_case_number, parse_case_number
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.text_values import printable
from eservice_desktop.services import access_head
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_signin import require
from eservice_desktop.storage import db
from eservice_desktop.storage.models_audit import AccessLogRow

VIEW: Final = "view"
SEARCH: Final = "search"
PRINT: Final = "print"
EXPORT: Final = "export"
#: A change to an operator account: one action for every kind of change (the kind is the
#: detail's first word, services/operators_audit.py), so ``--action account`` lists them all.
ACCOUNT: Final = "account"
#: A sign-in, a refused one (a wrong password, a locked, disabled or unknown account), a
#: sign-out: the kind is the detail's first word (services/operators_audit.py).
SIGNIN: Final = "signin"
ACTIONS: Final = (VIEW, SEARCH, PRINT, EXPORT, ACCOUNT, SIGNIN)
DETAIL_MAX: Final = 200
#: The most records one ``report access`` lists (oldest first); it says when more follow.
REPORT_LIMIT: Final = 10_000

ACTION_LABELS = {
    VIEW: ("檢視", "viewed"),
    SEARCH: ("查詢", "searched"),
    PRINT: ("列印", "printed"),
    EXPORT: ("匯出", "exported"),
    ACCOUNT: ("帳號異動", "account changed"),
    SIGNIN: ("登入登出", "sign-in/out"),
}


@dataclass(frozen=True)
class AccessRecord:
    access_id: str
    office: str
    device: str
    operator: str
    action: str
    case_id: str
    case_number: str
    detail: str
    at: datetime
    prev: str
    hash: str

    def canonical_fields(self) -> dict[str, Any]:
        return {
            "access_id": self.access_id,
            "office": self.office,
            "device": self.device,
            "operator": self.operator,
            "action": self.action,
            "case_id": self.case_id,
            "case_number": self.case_number,
            "detail": self.detail,
            "at": self.at.astimezone(UTC).isoformat(),
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.canonical_fields(), "prev": self.prev, "hash": self.hash}


def record_hash(fields: dict[str, Any], prev: str) -> str:
    """SHA-256 of the record's canonical JSON with ``prev`` (as domain/chain.py does events)."""
    doc = {**fields, "prev": prev}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _row_record(r: AccessLogRow) -> AccessRecord:
    at = r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)
    return AccessRecord(
        r.access_id,
        r.office,
        r.device,
        r.operator,
        r.action,
        r.case_id,
        r.case_number,
        r.detail,
        at,
        r.prev,
        r.hash,
    )


def append(
    app: App,
    s: Session,
    action: str,
    *,
    case_id: str = "",
    case_number: str = "",
    detail: str = "",
    operator: str | None = None,
) -> AccessRecord:
    """Appends one record inside the caller's write transaction. ``operator`` names who acted
    when no one is signed in (the first admin at setup, the county's provisioning by sync);
    otherwise it is the signed-in operator."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    actor = app.actor if operator is None else replace(app.device_actor, clerk=operator)
    head = access_head.read(s)
    if head is not None:
        prev = str(head["hash"])
    else:  # no head: an empty log (or its head deleted: audit verify says so)
        last = s.scalar(select(AccessLogRow.hash).order_by(AccessLogRow.seq.desc()).limit(1))
        prev = last or chain.GENESIS
    base = AccessRecord(
        str(uuid.uuid4()),
        actor.office,
        actor.device,
        actor.clerk,
        action,
        case_id,
        case_number,
        "".join(ch for ch in detail if ch.isprintable())[:DETAIL_MAX],
        app.now(),
        prev,
        "",
    )
    rec = replace(base, hash=record_hash(base.canonical_fields(), prev))
    s.add(
        AccessLogRow(
            access_id=rec.access_id,
            office=rec.office,
            device=rec.device,
            operator=rec.operator,
            action=rec.action,
            case_id=rec.case_id,
            case_number=rec.case_number,
            detail=rec.detail,
            at=rec.at,
            prev=rec.prev,
            hash=rec.hash,
            acked_at=None,
        )
    )
    access_head.write(s, rec.to_json(), rec.at)
    return rec


def record(
    app: App, action: str, *, case_id: str = "", case_number: str = "", detail: str = ""
) -> AccessRecord:
    """Appends one record in a transaction of its own (the use case only read)."""
    with app.transaction() as s:
        return append(app, s, action, case_id=case_id, case_number=case_number, detail=detail)


# --- verify -----------------------------------------------------------------------------------


def first_break(s: Session) -> dict[str, Any] | None:
    """The first broken link of the access log's chain (``audit verify`` runs it)."""
    expected = chain.GENESIS
    rows = list(s.scalars(select(AccessLogRow).order_by(AccessLogRow.seq)))
    hashes = {r.hash: i for i, r in enumerate(rows)}
    seen: set[str] = set()
    for i, r in enumerate(rows):
        rec = _row_record(r)
        what = None
        if rec.prev != expected:
            later = hashes.get(rec.prev)
            moved = (later is not None and later > i) or rec.prev in seen
            what = chain.REORDERED if moved else chain.DELETED
        elif record_hash(rec.canonical_fields(), rec.prev) != rec.hash:
            what = chain.EDITED
        if what is not None:
            return {
                "table": "access_log",
                "office": rec.office,
                "device": rec.device,
                "case_id": rec.case_id,
                "case_number": rec.case_number,
                "access_id": rec.access_id,
                "event_id": rec.access_id,
                "what": what,
            }
        seen.add(rec.hash)
        expected = rec.hash
    return access_head.tail_break(s, rows[-1] if rows else None)


def count(s: Session) -> int:
    from sqlalchemy import func

    return int(s.scalar(select(func.count()).select_from(AccessLogRow)) or 0)


# --- sync -------------------------------------------------------------------------------------


def outbox(
    s: Session, limit: int, skip: Iterable[str] = (), *, elsewhere: bool = False
) -> list[AccessRecord]:
    """This counter's access records the county has not acknowledged, oldest first, but for
    the actions in ``skip`` (those an older county refused this round). Those made here under
    another counter's code (``elsewhere``: before ``setup`` corrected it, or a database once
    written as two) are pushed apart (services/sync/access_push.py): the county refuses a
    whole push holding one as they are, and this counter's own would never leave."""
    office, device = db.counter_of(s)
    own = (AccessLogRow.office == office) & (AccessLogRow.device == device)
    query = select(AccessLogRow).where(AccessLogRow.acked_at.is_(None), ~own if elsewhere else own)
    if skip := list(skip):
        query = query.where(AccessLogRow.action.not_in(skip))
    rows = s.scalars(query.order_by(AccessLogRow.seq).limit(limit))
    return [_row_record(r) for r in rows]


def pending_count(s: Session) -> int:
    """The access records the county has not acknowledged (``outbox``'s, those made under a
    code corrected since and the actions an older county refuses included: they wait for
    its upgrade)."""
    from sqlalchemy import func

    query = select(func.count()).where(AccessLogRow.acked_at.is_(None))
    return int(s.scalar(query) or 0)


def mark_acked(s: Session, access_ids: Iterable[str], at: datetime) -> None:
    from sqlalchemy import update

    ids = list(access_ids)
    if ids:
        s.execute(update(AccessLogRow).where(AccessLogRow.access_id.in_(ids)).values(acked_at=at))


# --- report -----------------------------------------------------------------------------------


def _bad(code: str, zh: str, en: str, field: str) -> DomainError:
    return DomainError(code, zh, en, field)


def _printed_number(text: str) -> str:
    """The case number as the log keeps it (printed form), from how it was typed: without
    dashes, in lower case or full width, as ``case show`` takes it. Anything typed as the log
    never holds it answered 0 records, read by an auditor as "nobody looked at this case"; a
    text that is no case number (or has a wrong check digit) is refused instead."""
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    if not looks_like_case_number(cleaned):
        raise _bad(
            "access.case_number",
            f"案號格式錯誤：{printable(text)}（例如 H01-02-115-000042-6）",
            f"Bad case number: {printable(text)} (example H01-02-115-000042-6)",
            "case_number",
        )
    return str(parse_case_number(cleaned))


def report(
    app: App,
    *,
    operator: str | None = None,
    case_number: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = REPORT_LIMIT,
    action: str | None = None,
) -> list[AccessRecord]:
    """The records of one operator, of one case or of one action (``account``: every account
    change), oldest first, within ``[start, end)``: the first ``limit`` of them (ask for one
    more than you show to know whether more follow)."""
    require(app, Action.AUDIT)
    if not operator and not case_number and not action:
        raise _bad(
            "access.filter",
            "請指定 --operator 帳號、--case 案號或 --action 動作",
            "Give --operator ACCOUNT, --case NUMBER or --action ACTION",
            "operator",
        )
    if action and action not in ACTIONS:
        raise _bad(
            "access.action",
            "不明的動作，可用：" + "、".join(ACTIONS),
            "Unknown action; one of: " + ", ".join(ACTIONS),
            "action",
        )
    if start is not None and end is not None and end <= start:
        raise _bad("access.range", "結束日須晚於起始日", "--to must be after --from", "to")
    account = operator.strip().lower() if operator else ""  # accounts are lower case
    number = _printed_number(case_number) if case_number else ""
    stmt = select(AccessLogRow)
    if account:
        stmt = stmt.where(AccessLogRow.operator == account)
    if number:
        stmt = stmt.where(AccessLogRow.case_number == number)
    if action:
        stmt = stmt.where(AccessLogRow.action == action)
    if start is not None:
        stmt = stmt.where(AccessLogRow.at >= start.astimezone(UTC))
    if end is not None:
        stmt = stmt.where(AccessLogRow.at < end.astimezone(UTC))
    with app.reading() as s:
        found = [_row_record(r) for r in s.scalars(stmt.order_by(AccessLogRow.seq).limit(limit))]
        if not found:
            _check_known(s, account, number, signed_in=app.actor.clerk)
        return found


def _check_known(s: Session, account: str, number: str, *, signed_in: str) -> None:
    """No record found: an account or a case neither of this office nor named by any record
    is refused, not answered "0 records" (a mistyped ``clerk1`` for ``clerk01`` read as "this
    clerk looked at nothing"; another office's case number as "nobody here looked at it")."""
    from eservice_desktop.storage.models import CaseRow
    from eservice_desktop.storage.models_operators import OperatorRow

    if (
        account
        and account != signed_in
        and not _named(s, OperatorRow.account, account, AccessLogRow.operator)
    ):
        raise _bad(
            "access.unknown_operator",
            f"本所沒有帳號「{printable(account)}」，存取紀錄中也沒有",
            f"No operator account '{printable(account)}' here, nor in the access log",
            "operator",
        )
    if number and not _named(s, CaseRow.case_number, number, AccessLogRow.case_number):
        raise _bad(
            "access.unknown_case",
            f"本所沒有案件「{number}」，存取紀錄中也沒有",
            f"No case {number} here, nor in the access log",
            "case_number",
        )


def _named(s: Session, held: Any, value: str, logged: Any) -> bool:
    """Whether this office holds ``value`` (in column ``held``) or an access record names it
    (in column ``logged``)."""
    if s.scalar(select(held).where(held == value).limit(1)) is not None:
        return True
    return s.scalar(select(AccessLogRow.seq).where(logged == value).limit(1)) is not None


def summary(records: Sequence[AccessRecord]) -> dict[str, int]:
    out = dict.fromkeys(ACTIONS, 0)
    for r in records:
        out[r.action] = out.get(r.action, 0) + 1
    return out
