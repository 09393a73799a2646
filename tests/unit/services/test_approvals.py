"""Authenticated approvals (issue 13): a supervisor approves every exception on the clerk's
counter with their own password; the approval is an event naming both accounts.

Real SQLite, real argon2id hashes (cheapest parameters in-process), the real use cases."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from approvals_support import (
    CLERK,
    CLERK_PASSWORD,
    SUPERVISOR,
    SUPERVISOR_PASSWORD,
    add_accounts,
    supervisor_approval,
)
from factories import request
from operator_support import chose_own
from pickup_support import County, ready_case
from sqlalchemy import func, select

from eservice_desktop.domain import case as dcase
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator, Role
from eservice_desktop.services import (
    approvals,
    cases,
    fees,
    intake,
    operators,
    payments,
    pickup,
    pickup_keys,
)
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import set_state
from eservice_desktop.storage.models import EventRow

REQUESTER = "tester"  # the counter operator conftest signs in


@pytest.fixture
def office(app: App) -> App:
    add_accounts(app)
    return app


def _events(app: App, case_number: str) -> list[dict[str, Any]]:
    return cases.show_case(app, case_number).events


def _count(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)


def _paid_case(app: App, copies: int = 2) -> tuple[str, str]:
    number = intake.intake(app, request(copies=copies)).case_number
    return number, payments.record_payment(app, number, "cash", 15 * copies).receipt_number


def _approval_before(events: list[dict[str, Any]], approved_type: str) -> dict[str, Any]:
    """The approval event immediately before the (last) event of ``approved_type``."""
    i = max(k for k, e in enumerate(events) if e["type"] == approved_type)
    approval = events[i - 1]
    assert approval["type"] == ev.APPROVAL_GRANTED
    assert approval["payload"]["for_event"] == events[i]["event_id"]
    assert approval["payload"]["for_type"] == approved_type
    return approval


def _assert_names_both(approval: dict[str, Any], action: str, reason: str) -> None:
    p = approval["payload"]
    assert p["action"] == action
    assert (p["requested_by"], p["approved_by"], p["reason"]) == (REQUESTER, SUPERVISOR, reason)
    assert approval["clerk"] == REQUESTER  # stamped with the requester; the payload names both


# --- the rules of an approval ------------------------------------------------------------------


def test_every_exception_without_approval_is_refused_and_nothing_is_stored(office: App) -> None:
    app = office
    number, receipt = _paid_case(app)
    payments.confirm_printed(app, receipt)
    payments.confirm_printed(app, receipt, "卡紙")  # the first reprint needs only its reason
    before = _count(app)
    attempts = [
        lambda: payments.void_receipt(app, receipt, "金額誤收"),
        lambda: payments.refund(app, receipt, 10, "溢收"),
        lambda: payments.confirm_printed(app, receipt, "民眾遺失"),
        lambda: fees.assess(app, number, reduction=10, reason="身心障礙者減半"),
        lambda: fees.assess(app, number, exempt=True, reason="低收入戶免徵（規費法第12條）"),
        lambda: intake.intake(app, request(fee_exempt=True, fee_reason="公務需要免徵")),
    ]
    actions = []
    for attempt in attempts:
        with pytest.raises(AuthError) as info:
            attempt()
        assert info.value.reason == "auth.approval_required"
        actions.append(info.value.extra["action"])
    assert actions == [
        "void",
        "refund",
        "reprint",
        "fee_reduction",
        "fee_reduction",
        "fee_reduction",
    ]
    assert _count(app) == before


def test_the_requester_cannot_approve_their_own_request(office: App) -> None:
    app = office
    _number, receipt = _paid_case(app)
    before = _count(app)
    with pytest.raises(AuthError) as info:
        payments.void_receipt(app, receipt, "金額誤收", approval=Approval(REQUESTER, "x", ""))
    assert info.value.reason == "auth.self_approval"
    # a supervisor at the counter cannot approve their own void either, even with the password
    app.operator = Operator(account=SUPERVISOR, name="林主管", roles=COUNTER_ROLES)
    with pytest.raises(AuthError) as info:
        payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval())
    assert info.value.reason == "auth.self_approval"
    assert _count(app) == before


@pytest.mark.parametrize("typed", [SUPERVISOR.upper(), f" {SUPERVISOR.capitalize()} "])
def test_the_requester_typed_in_another_case_is_still_the_requester(
    office: App, typed: str
) -> None:
    """An account typed with Caps Lock is the same account: it cannot approve its own request
    (nor with the password, which would verify it)."""
    app = office
    _number, receipt = _paid_case(app)
    before = _count(app)
    app.operator = Operator(account=SUPERVISOR, name="林主管", roles=COUNTER_ROLES)
    own = Approval(typed, SUPERVISOR_PASSWORD, "金額誤收")
    with pytest.raises(AuthError) as info:
        payments.void_receipt(app, receipt, "金額誤收", approval=own)
    assert info.value.reason == "auth.self_approval"
    with pytest.raises(AuthError) as info:
        approvals.check(app, typed, SUPERVISOR_PASSWORD, "void")
    assert info.value.reason == "auth.self_approval"
    assert _count(app) == before


def test_a_wrong_password_is_refused_and_counts_towards_the_lockout(office: App) -> None:
    app = office
    _number, receipt = _paid_case(app)
    before = _count(app)
    for _ in range(app.settings.login_max_failures):
        with pytest.raises(AuthError) as info:
            payments.refund(app, receipt, 10, "溢收", approval=Approval(SUPERVISOR, "wrong-pass-1"))
        assert info.value.reason == "auth.bad_password"
    # locked now: even the right password is refused until the lockout ends
    with pytest.raises(AuthError) as info:
        payments.refund(app, receipt, 10, "溢收", approval=supervisor_approval())
    assert info.value.reason == "auth.locked"
    with pytest.raises(AuthError) as info:
        payments.refund(app, receipt, 10, "溢收", approval=Approval("nobody9", "whatever-1"))
    assert info.value.reason == "auth.unknown_account"
    assert _count(app) == before


def test_a_clerk_cannot_approve(office: App) -> None:
    app = office
    _number, receipt = _paid_case(app)
    before = _count(app)
    with pytest.raises(AuthError) as info:
        payments.void_receipt(app, receipt, "金額誤收", approval=Approval(CLERK, CLERK_PASSWORD))
    assert info.value.reason == "auth.forbidden" and CLERK in info.value.message_en
    assert _count(app) == before


def test_an_approval_needs_a_reason(office: App) -> None:
    app = office
    number = intake.intake(app, request()).case_number
    with pytest.raises(DomainError) as info:
        cases.close_case(app, number, approval=supervisor_approval(""))
    assert info.value.code == "approval.reason_required"


# --- each exception -----------------------------------------------------------------------------


def test_void_is_recorded_with_the_supervisors_approval(office: App) -> None:
    app = office
    number, receipt = _paid_case(app)
    voided = payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval())
    assert voided.status == "void"
    events = _events(app, number)
    approval = _approval_before(events, ev.PAYMENT_VOIDED)
    _assert_names_both(approval, "void", "金額誤收")
    assert approval["payload"]["target"] == receipt
    # one approval covers the void's two events
    assert [e["type"] for e in events].count(ev.APPROVAL_GRANTED) == 1
    assert events[-1]["type"] == ev.RECEIPT_VOIDED


def test_refund_is_recorded_with_the_supervisors_approval(office: App) -> None:
    app = office
    number, receipt = _paid_case(app)
    after = payments.refund(app, receipt, 10, "溢收退還", approval=supervisor_approval("多收一份"))
    assert after.refunded == 10
    _assert_names_both(
        _approval_before(_events(app, number), ev.PAYMENT_REFUNDED), "refund", "多收一份"
    )


def test_fee_reduction_and_exemption_need_approval_a_copy_change_keeps_it(office: App) -> None:
    app = office
    number = intake.intake(app, request(copies=2)).case_number
    view = fees.assess(
        app, number, reduction=10, reason="身心障礙者減半", approval=supervisor_approval()
    )
    assert view.fees_due == 20
    _assert_names_both(
        _approval_before(_events(app, number), ev.FEE_ASSESSED), "fee_reduction", "身心障礙者減半"
    )
    # a change of copies keeps the approved reduction: no second approval
    assert fees.change_copies(app, number, 3).fees_due == 35
    types = [e["type"] for e in _events(app, number)]
    assert types.count(ev.APPROVAL_GRANTED) == 1
    # an assessment without reduction needs none
    fees.assess(app, number)
    # at intake: the exemption is approved in the intake transaction
    free = intake.intake(
        app,
        request(
            fee_exempt=True,
            fee_reason="低收入戶免徵（規費法第12條）",
            approval=supervisor_approval(),
        ),
    )
    assert free.fees_due == 0
    _assert_names_both(
        _approval_before(_events(app, free.case_number), ev.FEE_ASSESSED),
        "fee_reduction",
        "低收入戶免徵（規費法第12條）",
    )


def test_the_second_reprint_needs_approval(office: App) -> None:
    app = office
    number, receipt = _paid_case(app)
    payments.confirm_printed(app, receipt)
    assert not payments.needs_reprint_approval(app, receipt)
    payments.confirm_printed(app, receipt, "卡紙")
    assert payments.needs_reprint_approval(app, receipt)
    payments.confirm_printed(app, receipt, "民眾遺失", approval=supervisor_approval())
    events = _events(app, number)
    assert [e["type"] for e in events].count(ev.RECEIPT_REPRINTED) == 2
    _assert_names_both(_approval_before(events, ev.RECEIPT_REPRINTED), "reprint", "民眾遺失")


def test_closing_with_a_balance_is_possible_only_with_approval(office: App) -> None:
    app = office
    number = intake.intake(app, request(copies=2)).case_number
    with pytest.raises(DomainError) as info:
        cases.close_case(app, number, "急件")
    assert info.value.code == "fees_due"  # unchanged without an approval
    view = cases.close_case(app, number, "急件", approval=supervisor_approval("民眾改日補繳"))
    assert view.status == "closed" and view.balance == 30
    _assert_names_both(
        _approval_before(_events(app, number), ev.CLOSED), "close_with_balance", "民眾改日補繳"
    )
    # without a balance, an approval given anyway records nothing extra
    paid, _r = _paid_case(app)
    cases.close_case(app, paid, approval=supervisor_approval("x"))
    assert ev.APPROVAL_GRANTED not in [e["type"] for e in _events(app, paid)]


def test_handing_over_with_a_balance_is_possible_only_with_approval(office: App) -> None:
    app = office
    c = County()
    pickup_keys.import_county_keys(app, c.document())
    number, token = ready_case(app, c)
    receipt = payments.last_receipt_number(app, number)
    payments.refund(app, receipt, 15, "誤收退還", approval=supervisor_approval())
    assert pickup.handover(app, token).reason == "fees_due"
    with pytest.raises(AuthError) as info:
        pickup.handover(app, token, approval=Approval(CLERK, CLERK_PASSWORD, "急需"))
    assert info.value.reason == "auth.forbidden"
    result = pickup.handover(app, token, approval=supervisor_approval("民眾出國在即"))
    assert result.handed_over
    _assert_names_both(
        _approval_before(_events(app, number), ev.PICKED_UP),
        "handover_with_balance",
        "民眾出國在即",
    )


# --- the domain holds the same rules, whoever appends -------------------------------------------


def test_the_state_machine_refuses_self_approval_and_a_balance_approved_for_another_event(
    office: App,
) -> None:
    app = office
    number = intake.intake(app, request(copies=2)).case_number
    case_id = cases.load_case(app, number).case_id
    base = {"action": "close_with_balance", "reason": "r", "for_type": ev.CLOSED}
    with pytest.raises(DomainError) as info, app.transaction() as s:
        cases.record(
            app,
            s,
            case_id,
            ev.APPROVAL_GRANTED,
            {**base, "for_event": "e1", "requested_by": REQUESTER, "approved_by": REQUESTER},
        )
    assert info.value.code == "auth.self_approval"
    with pytest.raises(DomainError) as info, app.transaction() as s:
        cases.record(
            app,
            s,
            case_id,
            ev.APPROVAL_GRANTED,
            {**base, "for_event": "other", "requested_by": REQUESTER, "approved_by": SUPERVISOR},
        )
        cases.record(app, s, case_id, ev.CLOSED, {"note": ""})
    assert info.value.code == "fees_due"
    assert cases.load_case(app, number).lifecycle == dcase.OPEN


# --- stale sync ---------------------------------------------------------------------------------


def _synced(app: App, ago: timedelta) -> None:
    now = app.now()
    with app.transaction() as s:
        set_state(s, "enrolled", json.dumps({"office": "H01", "at": (now - ago).isoformat()}), now)
        set_state(s, "last_success", (now - ago).isoformat(), now)


def test_intake_warns_after_a_day_without_sync_and_needs_approval_after_three(
    office: App,
) -> None:
    app = office
    # a device that never enrolled does not sync: no warning
    assert intake.intake_with_warnings(app, request()).warnings == ()
    _synced(app, timedelta(hours=23))
    assert intake.intake_with_warnings(app, request()).warnings == ()
    _synced(app, timedelta(hours=25))
    result = intake.intake_with_warnings(app, request())
    assert result.warnings == ("sync.stale",)
    assert result.sync is not None and not result.sync.needs_approval
    assert ev.APPROVAL_GRANTED not in [e["type"] for e in _events(app, result.view.case_number)]
    _synced(app, timedelta(hours=73))
    before = _count(app)
    with pytest.raises(AuthError) as info:
        intake.intake(app, request())
    assert info.value.reason == "auth.approval_required"
    assert info.value.extra["action"] == "stale_sync_intake" and _count(app) == before
    result = intake.intake_with_warnings(
        app, request(approval=supervisor_approval("縣府網路中斷，民眾急件"))
    )
    assert result.warnings == ("sync.stale",)
    events = _events(app, result.view.case_number)
    assert [e["type"] for e in events][:2] == [ev.RECEIVED, ev.APPROVAL_GRANTED]
    approval = events[1]
    assert approval["payload"]["for_event"] == events[0]["event_id"]
    _assert_names_both(approval, "stale_sync_intake", "縣府網路中斷，民眾急件")
    # the limits are settings; 0 turns the approval off
    app.settings.sync_stale_approval_h = 0
    assert intake.intake_with_warnings(app, request()).warnings == ("sync.stale",)


def test_one_supervisor_entry_covers_a_stale_sync_intake_with_an_exemption(office: App) -> None:
    app = office
    _synced(app, timedelta(days=4))
    result = intake.intake_with_warnings(
        app,
        request(
            fee_exempt=True, fee_reason="公務需要免徵", approval=supervisor_approval("網路中斷")
        ),
    )
    events = _events(app, result.view.case_number)
    actions = [e["payload"]["action"] for e in events if e["type"] == ev.APPROVAL_GRANTED]
    assert actions == ["stale_sync_intake", "fee_reduction"]
    assert result.view.fees_due == 0


def test_the_approver_password_is_never_stored(office: App) -> None:
    app = office
    number, receipt = _paid_case(app)
    payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval())
    with app.reading() as s:
        payloads = [json.dumps(p) for p in s.scalars(select(EventRow.payload))]
    assert not any(SUPERVISOR_PASSWORD in p for p in payloads)
    assert any(SUPERVISOR in p for p in payloads)
    assert SUPERVISOR_PASSWORD not in repr(supervisor_approval())
    del number


def test_check_verifies_in_advance_for_a_dialog(office: App) -> None:
    from eservice_desktop.services import approvals

    app = office
    number, receipt = _paid_case(app)
    for account, password, reason in (
        (REQUESTER, "whatever-1", "auth.self_approval"),
        (SUPERVISOR, "wrong-pass-1", "auth.bad_password"),
        (CLERK, CLERK_PASSWORD, "auth.forbidden"),
        ("", "x", "auth.approval_required"),
    ):
        with pytest.raises(AuthError) as info:
            approvals.check(app, account, password, "void")
        assert info.value.reason == reason
    approval = approvals.check(app, SUPERVISOR, SUPERVISOR_PASSWORD, "void")
    assert ev.APPROVAL_GRANTED not in [e["type"] for e in _events(app, number)]
    payments.void_receipt(app, receipt, "金額誤收", approval=approval)
    _assert_names_both(
        _approval_before(_events(app, number), ev.PAYMENT_VOIDED), "void", "金額誤收"
    )


@pytest.mark.parametrize("reason", ["金額\u202e誤收", "誤收\x1b[2J", "誤" * 501])
def test_a_reason_that_cannot_be_stored_is_refused_before_a_supervisor_is_asked(
    office: App, reason: str
) -> None:
    """A void, refund or reprint reason (or the supervisor's own) that no event may hold is
    refused naming the reason, before anyone types a password and before the password is
    tried (a wrong one would count towards the supervisor's lockout)."""
    from eservice_desktop.services import approvals

    app = office
    number, receipt = _paid_case(app)
    payments.confirm_printed(app, receipt)  # printed once: printing again is a reprint
    before = _count(app)
    wrong = Approval(SUPERVISOR, "wrong-pass-1", "")
    attempts = {
        "void": lambda: payments.void_receipt(app, receipt, reason),
        "void, approved": lambda: payments.void_receipt(app, receipt, reason, approval=wrong),
        "refund": lambda: payments.refund(app, receipt, 10, reason),
        "reprint": lambda: payments.confirm_printed(app, receipt, reason),
        "the approval's reason": lambda: payments.void_receipt(
            app, receipt, "金額誤收", approval=Approval(SUPERVISOR, "wrong-pass-1", reason)
        ),
        "the dialog's check": lambda: approvals.check(
            app, SUPERVISOR, "wrong-pass-1", "void", reason
        ),
    }
    for what, attempt in attempts.items():
        with pytest.raises(DomainError) as info:
            attempt()
        error = info.value
        assert error.code in ("value.character", "value.too_long"), (what, error)
        assert error.field == "reason", what
        assert "payload" not in f"{error.message_zh} {error.message_en}", what
        assert "理由" in error.message_zh or "原因" in error.message_zh, what
    assert _count(app) == before
    # the wrong password was never tried: the supervisor is not locked out
    payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval())
    assert ev.RECEIPT_VOIDED in [e["type"] for e in _events(app, number)]


def test_an_approver_demoted_or_disabled_at_another_counter_meanwhile_approves_nothing(
    app: App, make_app: Any, settings: Any, monkeypatch: Any
) -> None:
    """The supervisor's role taken (or the account disabled) by an office admin at another
    counter after the password was checked here, before the void was written: the void was
    recorded as approved by an account that no longer was a supervisor. The approver is read
    again in the void's own transaction."""
    one = make_app(settings)  # the office admin's counter
    one.operator = None
    operators.create_first_admin(one, "boss", "林主任", SUPERVISOR_PASSWORD)
    operators.login(one, "boss", SUPERVISOR_PASSWORD)
    operators.create_operator(one, SUPERVISOR, "林主管", [Role.SUPERVISOR], SUPERVISOR_PASSWORD)
    chose_own(one, SUPERVISOR)
    _, receipt = _paid_case(app)
    checked = approvals._approver

    def meanwhile(change: Any) -> Any:
        def approver(*args: Any, **kwargs: Any) -> Operator:
            op = checked(*args, **kwargs)  # the password checked at this counter, then
            change()  # the admin's change at the other
            return op

        return approver

    for change, reason in (
        (lambda: operators.set_roles(one, SUPERVISOR, [Role.CLERK]), "auth.forbidden"),
        (lambda: operators.deactivate(one, SUPERVISOR), "auth.inactive"),
    ):
        operators.activate(one, SUPERVISOR)
        operators.set_roles(one, SUPERVISOR, [Role.SUPERVISOR])
        before = _count(app)
        monkeypatch.setattr(approvals, "_approver", meanwhile(change))
        with pytest.raises(AuthError) as e:
            payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval())
        assert (e.value.reason, e.value.field) == (reason, "approver")
        assert SUPERVISOR in e.value.message_zh and SUPERVISOR in e.value.message_en
        assert _count(app) == before  # nothing stored: the receipt stays valid
    monkeypatch.setattr(approvals, "_approver", checked)
    operators.activate(one, SUPERVISOR)
    operators.set_roles(one, SUPERVISOR, [Role.SUPERVISOR])
    assert payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval())
