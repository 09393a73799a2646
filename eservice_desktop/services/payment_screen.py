"""What the fees page (規費收費) shows for one case, read in one go on a worker: the case, its fee
assessment (the stored one, or a preview before the clerk assesses) and its receipts."""

from __future__ import annotations

from dataclasses import dataclass

from eservice_desktop.services import cases, fees, payments
from eservice_desktop.services.core import App


@dataclass(frozen=True)
class PaymentScreen:
    """Everything the page shows for one case."""

    view: cases.CaseView
    assessment: fees.Assessment
    assessed: bool
    receipts: list[payments.PaymentResult]


def load(app: App, case_number: str) -> PaymentScreen:
    """The page's read model; each read is guarded by the service it goes through."""
    view = cases.show_case(app, case_number)
    state = cases.load_case(app, case_number)
    assessed = bool(state.fee_items) or state.fees_due > 0
    a = fees.current(state) if assessed else fees.preview(app, case_number)
    return PaymentScreen(view, a, assessed, payments.receipts_of_case(app, view.case_number))
