"""Fee assessment (規費核計): the catalogue's fee items times the copies, less any exemption.

The assessment is an event (FEE_ASSESSED) so that the amount a citizen was asked to pay, and why
it was reduced, stays on the case's record; the balance due is a projection of it and the
payments. Intake assesses inside the intake transaction (:func:`assess_in` from
``services.intake``), so a case with a fee owes it from the moment it exists; a clerk may
re-assess until the documents are handed over (an exemption granted after the fact, or a change
of copies, which the assessment event carries) as long as it stays above what was already paid.
While a balance is due the case cannot be closed, made ready or handed over
(``domain.case.fees_due_error``); an exemption with its reason is the only way past.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import APPROVE_FEE_REDUCTION, CaseState
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import cases
from eservice_desktop.services.approvals import (
    Approval,
    Granted,
    append_approved,
    approval_required,
    grant,
)
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo

#: Legal grounds clerks pick from most often; free text is accepted as well.
EXEMPTION_REASONS: tuple[str, ...] = (
    "低收入戶免徵（規費法第12條）",
    "中低收入戶免徵",
    "公務需要免徵",
    "重新核發（機關錯誤）免徵",
    "身心障礙者減半",
)


@dataclass(frozen=True)
class FeeLineView:
    code: str
    name: str
    name_en: str
    unit: str
    unit_price: int
    quantity: int
    amount: int
    #: Price of each copy after the first, when it differs (英文戶籍謄本: 100, then 15 each).
    additional_unit_price: int | None = None

    def breakdown(self) -> str:
        """How the amount comes about, as printed on the receipt (數量 × 單價, or first copy plus
        the further copies at their own price)."""
        if self.additional_unit_price is None or self.quantity == 1:
            return f"{self.quantity}{self.unit} × {self.unit_price:,}"
        more = self.quantity - 1
        return (
            f"首{self.unit} {self.unit_price:,}＋{more}{self.unit} × {self.additional_unit_price:,}"
        )


@dataclass(frozen=True)
class Assessment:
    """A proposed or recorded assessment: the lines, the reduction and the total due."""

    items: tuple[FeeLineView, ...]
    subtotal: int
    reduction: int
    total: int
    exemption_reason: str = ""

    def payload(self) -> dict[str, Any]:
        return {
            "items": [asdict(i) for i in self.items],
            "subtotal": self.subtotal,
            "reduction": self.reduction,
            "total": self.total,
            "exemption_reason": self.exemption_reason,
        }

    def to_json(self) -> dict[str, Any]:
        return self.payload()


def compute(
    service: Service, copies: int, *, exempt: bool = False, reduction: int = 0, reason: str = ""
) -> Assessment:
    """Pure calculation; raises DomainError for a reduction without reason or out of range,
    and for an exemption given a reduction as well: which of the two was meant cannot be told,
    so neither is taken. Every new assessment is computed here (intake, ``payment assess``, the
    fees page); an assessment received by sync is not, and stays as recorded."""
    if exempt and reduction:
        raise DomainError(
            "fee.exempt_and_reduction",
            "免徵與減免金額只能擇一：免徵即免收全部規費，減免則填寫減免金額",
            "Give either an exemption or a reduction, not both: an exemption waives the whole "
            "fee, a reduction takes off the amount given",
            "reduction",
        )
    if not 1 <= copies <= values.COPIES_MAX:  # before any price: 10^20 copies is no fee
        raise DomainError(
            "copies.range",
            f"份數須介於 1 到 {values.COPIES_MAX}",
            f"Copies must be between 1 and {values.COPIES_MAX}",
            "copies",
        )
    lines = tuple(
        FeeLineView(
            code=f.code,
            name=f.name,
            name_en=f.name_en,
            unit=f.unit,
            unit_price=f.unit_price,
            quantity=copies,
            amount=f.amount(copies),
            additional_unit_price=f.additional_unit_price,
        )
        for f in service.fee_items
    )
    subtotal = sum(line.amount for line in lines)
    reason = reason.strip()
    if exempt:
        reduction = subtotal
    if reduction < 0 or reduction > subtotal:
        raise DomainError(
            "fee.reduction",
            f"減免金額須介於 0 到 {subtotal} 元",
            f"The reduction must be between 0 and {subtotal}",
            "reduction",
        )
    if reduction and not reason:
        raise DomainError(
            "fee.reason_required",
            "減免或免徵規費須填寫原因",
            "An exemption or reduction needs a reason",
            "exemption_reason",
        )
    return Assessment(lines, subtotal, reduction, subtotal - reduction, reason if reduction else "")


def assess_in(
    app: App,
    session: Session,
    state: CaseState,
    *,
    exempt: bool = False,
    reduction: int = 0,
    reason: str = "",
    copies: int | None = None,
    at: datetime | None = None,
    granted: Granted | None = None,
    carried: bool = False,
) -> CaseState:
    """Records the assessment inside the caller's transaction (intake uses this, at the
    moment of receipt). ``copies`` re-assesses for a new number of copies and records it.

    A reduction or exemption needs a supervisor's approval (``granted``, recorded just before
    the assessment); ``carried`` is a re-assessment that only keeps one already approved."""
    service = app.catalogue.service(state.service_code)
    n = state.copies if copies is None else copies
    a = compute(service, n, exempt=exempt, reduction=reduction, reason=reason)
    if a.reduction and granted is None and not carried:
        raise approval_required(APPROVE_FEE_REDUCTION)
    payload = {**a.payload(), "copies": n}
    event = app.actor.event(state.case_id, ev.FEE_ASSESSED, at or app.now(), payload)
    return append_approved(app, session, state, event, granted if a.reduction else None)


def needs_approval(
    app: App, service_code: str, copies: int, *, exempt: bool = False, reduction: int = 0
) -> bool:
    """An assessment with these terms reduces the fee: a supervisor approves it."""
    if not (exempt or reduction):
        return False
    return (
        compute(
            app.catalogue.service(service_code),
            copies,
            exempt=exempt,
            reduction=reduction,
            reason="-",
        ).reduction
        > 0
    )


def ensure_assessed(app: App, session: Session, state: CaseState) -> CaseState:
    """Assesses from the catalogue when the case was never assessed (a payment needs a fee)."""
    if state.fee_items or state.fees_due:
        return state
    service = app.catalogue.service(state.service_code)
    if not service.fee_items:
        return state
    return assess_in(app, session, state)


def preview(app: App, case_number: str, **kw: Any) -> Assessment:
    """What an assessment would be, for the payment page before the clerk confirms."""
    require(app, Action.VIEW_CASE)
    state = cases.load_case(app, case_number)
    return compute(app.catalogue.service(state.service_code), state.copies, **kw)


def current(state: CaseState) -> Assessment:
    """The assessment recorded on a case (empty when none was made)."""
    items = tuple(
        FeeLineView(
            code=str(i.get("code", "")),
            name=str(i.get("name", "")),
            name_en=str(i.get("name_en", "")),
            unit=str(i.get("unit", "")),
            unit_price=int(i.get("unit_price", 0)),
            quantity=int(i.get("quantity", 1)),
            amount=int(i.get("amount", 0)),
            additional_unit_price=(
                None if i.get("additional_unit_price") is None else int(i["additional_unit_price"])
            ),
        )
        for i in state.fee_items
    )
    subtotal = sum(i.amount for i in items) if items else state.fees_due
    return Assessment(
        items, subtotal, max(subtotal - state.fees_due, 0), state.fees_due, state.exemption_reason
    )


@dataclass(frozen=True)
class Terms:
    """The terms a clerk sets on the fees page's 核定 row: copies, a full exemption or a
    reduction, and its reason. The page shows the recorded assessment's terms
    (:func:`terms_of`), so a re-assessment changes only what the clerk changed: a form that
    showed none of them re-assessed an approved reduction away on one Alt+A."""

    copies: int
    exempt: bool
    reduction: int
    reason: str

    def same_relief(self, other: Terms) -> bool:
        """The same exemption or reduction with the same reason (copies aside)."""
        return (self.exempt, self.reduction, self.reason) == (
            other.exempt,
            other.reduction,
            other.reason,
        )


def terms_of(assessment: Assessment, copies: int) -> Terms:
    """The terms of a recorded assessment (``copies``: the case's): a fee waived in full is an
    exemption, as :func:`change_copies` reads it."""
    exempt = assessment.subtotal > 0 and assessment.reduction >= assessment.subtotal
    reduction = 0 if exempt else assessment.reduction
    reason = assessment.exemption_reason if assessment.reduction else ""
    return Terms(copies, exempt, reduction, reason.strip())


#: The fees page's answer to 核定 with the recorded terms unchanged: nothing is recorded again
#: (and no supervisor is asked to approve the same reduction twice).
UNCHANGED = DomainError(
    "fee.unchanged",
    "規費核定內容未變更（份數、免徵、減免與原因均同已核定者），未重新核定",
    "The fee terms are unchanged (copies, exemption, reduction and reason as assessed); "
    "nothing was re-assessed",
    "copies",
)


#: The fee page's reason of an exemption or reduction, as a refusal names it.
REDUCTION_REASON: Final[values.Label] = ("減免原因", "Reduction reason")


def assess(
    app: App,
    case_number: str,
    *,
    exempt: bool = False,
    reduction: int = 0,
    reason: str = "",
    copies: int | None = None,
    approval: Approval | None = None,
) -> cases.CaseView:
    """Re-assesses a case: an exemption or reduction (with its reason, approved by a
    supervisor: ``approval``), or new copies."""
    require(app, Action.PROCESS)
    if reason.strip():  # before a supervisor is asked to approve it
        values.check_text(
            reason.strip(),
            "reason",
            max_len=values.REASON_MAX,
            multiline=True,
            label=REDUCTION_REASON,
        )
    before = cases.load_case(app, case_number)
    n = before.copies if copies is None else copies
    granted = None
    if needs_approval(app, before.service_code, n, exempt=exempt, reduction=reduction):
        granted = grant(
            app, approval, APPROVE_FEE_REDUCTION, reason=reason, target=before.case_number
        )
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        if state is None:
            raise cases.NOT_FOUND
        new = assess_in(
            app,
            s,
            state,
            exempt=exempt,
            reduction=reduction,
            reason=reason,
            copies=copies,
            granted=granted,
        )
    return cases.view_of(app, new)


def change_copies(app: App, case_number: str, copies: int) -> cases.CaseView:
    """New number of copies: re-assessed at once, keeping an exemption or reduction already
    granted (a full exemption stays full; a reduction is capped at the new subtotal)."""
    require(app, Action.PROCESS)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        if state is None:
            raise cases.NOT_FOUND
        old = current(state)
        exempt = bool(state.fee_items) and old.total == 0 and old.reduction > 0
        service = app.catalogue.service(state.service_code)
        new_subtotal = compute(service, copies).subtotal
        new = assess_in(
            app,
            s,
            state,
            exempt=exempt,
            reduction=0 if exempt else min(old.reduction, new_subtotal),
            reason=old.exemption_reason,
            copies=copies,
            carried=True,
        )
    return cases.view_of(app, new)
