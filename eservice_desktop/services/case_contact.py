"""The applicant's mobile number changed after intake, and a new pickup code (docs/pickup.md,
"A new mobile number", "A new pickup code").

A citizen who changed phones between intake and pickup gets no notice on the new one: every
notice, the MMS with the pickup code above all, goes to the number the case holds. The change
is the event ``case.phone_changed`` through the one ingest path, so it works offline, waits in
the outbox, and shows on the case's timeline who changed it and when; the county then sends the
later notices to the new number and, on a case already ready for pickup, issues a new code to
it (the one sent to the old number no longer hands anything over).

A citizen whose MMS was forwarded to someone else (or seen on a phone lost) asks for a new
code with the same number: ``case.code_reissue_requested``, after which the county makes the
ready case ready again with a new code and pickup number, and the old code is refused at the
desks as replaced. A citizen who only lost the message gets it again with 重送通知 (the same
code, still theirs).

The clerk types the number the citizen, or an agent with a letter of authorisation, gives in
person with the ID card checked: a number changed for someone else's case would receive that
case's pickup code. The event is the record of the change (who, which counter, when), chained
and kept at the county like every event; nothing else of the case is shown or printed, so the
access log gets no record of its own (the case on screen was logged when it was opened).
"""

from __future__ import annotations

from sqlalchemy import select

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import validate_mobile
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow

#: Statuses of a case with nothing left to tell by phone (the rule of ``case.phone_changed``).
_ENDED = ("picked_up", "cancelled", "rejected")


def change_phone(app: App, case_number: str, phone: str) -> cases.CaseView:
    """Records the applicant's new mobile number on the case; the case as it is now.

    The number is read as intake reads it (``ids.validate_mobile``: +886, spaces, dashes and
    full-width digits forgiven) and refused before anything is stored (``phone.format``); the
    number the case holds already is ``phone.unchanged``, a case collected, withdrawn or
    rejected ``case.not_open``, one older than a change pulled from another counter (a clock
    behind) ``phone.changed_later``."""
    require(app, Action.PROCESS)
    new = validate_mobile(phone, "phone")
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        if state is not None and state.phone == new:
            raise DomainError(
                "phone.unchanged",
                f"本案的手機號碼已是 {new}",
                f"The case's mobile number is {new} already",
                "phone",
            )
        after = cases.record(app, s, case_id, ev.PHONE_CHANGED, {"phone": new})
        if after.phone != new:
            raise _later_change(after)  # nothing stored: the transaction rolls back
    return cases.view_of(app, after)


def _later_change(state: CaseState) -> DomainError:
    """The change this counter recorded is older than one pulled from another counter (the
    later change holds everywhere: ``phone_rule.fold_phone_changed``), which only a clock off
    at one of them makes: recorded, it changed nothing, and the answer named the old number
    as the new one."""
    at = (state.phone_changed or (state.received_at, ""))[0].astimezone(TAIPEI)
    when = f"{format_roc(at.date(), 'short')} {at:%H:%M}"
    return DomainError(
        "phone.changed_later",
        f"本案手機號碼已於 {when} 由其他櫃台變更為 {state.phone}，晚於本機現在的時間"
        "（以較晚的變更為準）；請先請資訊人員校正電腦時鐘",
        f"The case's mobile number was changed to {state.phone} at another counter at {when}, "
        "later than this computer's time (the later change holds); have IT set the clock right",
        "phone",
    )


def reissue_code(app: App, case_number: str) -> cases.CaseView:
    """Asks the county for a new pickup code of a case ready for pickup (recorded now, sent
    with the next sync); refused for a case not ready (``pickup.not_ready``) or collected
    (``pickup.already_picked_up``), nothing stored."""
    require(app, Action.PROCESS)
    with app.transaction() as s:
        after = cases.record(
            app, s, cases.resolve_case_id(s, case_number), ev.CODE_REISSUE_REQUESTED, {}
        )
    return cases.view_of(app, after)


def other_numbers(app: App, case_number: str) -> list[str]:
    """The applicant's other cases still to be told by phone (not collected, withdrawn or
    rejected) whose mobile number is not this case's: a citizen with two cases who changed
    phones at the counter for one had the other's notices, and its pickup code, still going to
    the old phone. Each is changed on its own (every action acts on the case on screen); the
    faces name them. By the applicant ID's index (``ix_cases_applicant_id_key``)."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        this = s.get(CaseRow, case_id)
        if this is None:
            return []
        phone = this.state.get("phone", "")
        rows = s.execute(
            select(CaseRow.case_number, CaseRow.state)
            .where(CaseRow.applicant_id == this.applicant_id, CaseRow.case_id != case_id)
            .where(CaseRow.status.not_in(_ENDED))
            .order_by(CaseRow.search_key)
        ).all()
    return [number for number, state in rows if state.get("phone", "") != phone]
