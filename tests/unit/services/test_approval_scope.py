"""A supervisor's approval holds to the approver's scope (業務範圍), as the clerk's own intake
does: only the role was asked, so a supervisor of one service approved a void, a refund or a
reduction on a case of another, and a scope the county provisioned naming the land office's
services approved at a household office.

Real SQLite, real argon2id hashes, the real use cases."""

from __future__ import annotations

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
from sqlalchemy import func, select

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import AuthError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import cases, fees, intake, operators, payments
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow

OTHER = "super05"  # a supervisor of the household book only
PASSWORD = "super-secret-5"
LAND = "landsup"  # the county's, scoped to the land office's department
LAND_PASSWORD = "land-secret-6"


@pytest.fixture
def office(app: App) -> App:
    add_accounts(app)
    boss = app.operator
    operators.create_operator(
        app, OTHER, "張主管", [Role.SUPERVISOR], PASSWORD, departments=["HR-HOUSEHOLD-BOOK"]
    )
    chose_own(app, OTHER)
    record = {
        "account": LAND,
        "name": "地政主管",
        "roles": ["supervisor"],
        "departments": ["land"],
        "password_hash": operators.hash_password(LAND_PASSWORD, LAND),
    }
    operators.upsert_provisioned(app, [record])
    app.operator = boss
    return app


def _count(app: App) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)


def _refused(app: App, call: Any, account: str) -> AuthError:
    before = _count(app)
    with pytest.raises(AuthError) as refused:
        call()
    assert _count(app) == before  # nothing of the exception stored
    e = refused.value
    assert e.reason == "auth.forbidden"
    assert e.field == "approver"
    assert e.extra == {"account": account, "service": "HR-TRANSCRIPT"}
    assert "業務範圍" in e.message_zh and "HR-TRANSCRIPT" in e.message_zh
    assert "scope" in e.message_en and "HR-TRANSCRIPT" in e.message_en
    return e


def test_a_supervisor_of_another_service_approves_no_void_refund_or_reduction(
    office: App,
) -> None:
    app = office
    number = intake.intake(app, request(copies=2)).case_number  # HR-TRANSCRIPT
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number
    other = Approval(OTHER, PASSWORD)
    _refused(app, lambda: payments.void_receipt(app, receipt, "金額誤收", approval=other), OTHER)
    _refused(app, lambda: payments.refund(app, receipt, 10, "溢收", approval=other), OTHER)
    fresh = intake.intake(app, request(copies=2)).case_number
    _refused(
        app,
        lambda: fees.assess(app, fresh, reduction=10, reason="減半", approval=other),
        OTHER,
    )
    # a supervisor whose scope takes the service in (here: every service) still approves
    assert payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval()).status
    approvals = [e for e in cases.show_case(app, number).events if e["type"] == ev.APPROVAL_GRANTED]
    assert [a["payload"]["approved_by"] for a in approvals] == [SUPERVISOR]


def test_a_land_scoped_supervisor_approves_nothing_on_a_household_case(office: App) -> None:
    app = office
    number = intake.intake(app, request(copies=2)).case_number
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number
    land = Approval(LAND, LAND_PASSWORD)
    e = _refused(app, lambda: payments.void_receipt(app, receipt, "誤收", approval=land), LAND)
    assert "(land)" in e.message_en
    # at intake too: a reduction approved out of scope leaves no case behind
    _refused(
        app,
        lambda: intake.intake(
            app, request(copies=2, fee_reduction=10, fee_reason="減半", approval=land)
        ),
        LAND,
    )


def test_a_scope_naming_the_service_or_its_department_approves(office: App) -> None:
    app = office
    operators.set_roles(app, OTHER, [Role.SUPERVISOR], ["household"])
    number = intake.intake(app, request(copies=2)).case_number
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number
    assert payments.refund(app, receipt, 10, "溢收", approval=Approval(OTHER, PASSWORD)).refunded
    operators.set_roles(app, OTHER, [Role.SUPERVISOR], ["HR-TRANSCRIPT"])
    again = payments.refund(app, receipt, 5, "溢收", approval=Approval(OTHER, PASSWORD))
    assert again.refunded == 15


def _printed_twice(app: App) -> tuple[str, str]:
    number = intake.intake(app, request(copies=2)).case_number
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number
    payments.confirm_printed(app, receipt)
    payments.confirm_printed(app, receipt, "民眾遺失")  # the first reprint: no approval
    return number, receipt


def test_a_reprint_out_of_scope_is_refused_before_it_prints(office: App) -> None:
    """The window's and ``receipt pdf``'s check before printing asked only the role: an
    approver out of scope let the reprint out of the printer, and its record was refused."""
    app = office
    _, receipt = _printed_twice(app)
    other = Approval(OTHER, PASSWORD)
    _refused(app, lambda: payments.reprint_granted(app, receipt, "又遺失", other), OTHER)
    granted = payments.reprint_granted(app, receipt, "又遺失", supervisor_approval())
    assert granted is not None and granted.approved_by == SUPERVISOR
    assert payments.confirm_printed(app, receipt, "又遺失", approval=supervisor_approval())


def test_receipt_pdf_writes_nothing_for_an_approver_out_of_scope(
    office: App, tmp_path: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import json

    from eservice_desktop.cli.main import main

    app = office
    number, _ = _printed_twice(app)
    app.close()
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)

    def cli(*args: str, stdin: str) -> tuple[int, Any]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--data-dir", str(app.settings.data_dir), *args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    assert cli("login", CLERK, "--password-stdin", stdin=CLERK_PASSWORD + "\n")[0] == 0
    out = tmp_path / "again.pdf"
    code, said = cli(
        "receipt", "pdf", number, "--out", str(out), "--reprint-reason", "又遺失",
        "--approver", OTHER, "--approver-password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert (code, said["error"], said["service"]) == (2, "auth.forbidden", "HR-TRANSCRIPT")
    assert not out.exists()  # nothing of the receipt left the counter


def test_the_dialogs_check_named_the_case_refuses_an_approver_out_of_its_scope(
    office: App,
) -> None:
    """``approvals.check`` (the approval dialog's check) with the case's number reads its
    service: a supervisor out of scope is refused there, before the write; an unknown case
    leaves the refusal to the write, in its own words."""
    from eservice_desktop.services import approvals

    app = office
    number = intake.intake(app, request(copies=2)).case_number  # HR-TRANSCRIPT

    def check(case_number: str) -> Approval:
        return approvals.check(app, OTHER, PASSWORD, "void", "誤收", case_number=case_number)

    _refused(app, lambda: check(number), OTHER)
    assert check("H01-999-999999").account == OTHER  # no such case: not held against anyone
    assert check("").account == OTHER  # no case named: the role only, as before
    assert approvals.check(app, SUPERVISOR, SUPERVISOR_PASSWORD, "void", case_number=number)
