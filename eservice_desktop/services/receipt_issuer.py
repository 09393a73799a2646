"""Where a receipt was issued, for the fees page's void question: any counter of the office,
and a pickup office (a case taken in at H01 and collected at H02, docs/pickup.md), may void a
receipt another counter issued. The money then goes back out of this counter's drawer and the
receipt is listed on this counter's closing under 他所（他櫃）收據於本所（本櫃）作廢
(docs/payments.md, "Each counter's cash drawer"), which the question did not say: the clerk
at H02 voided H01's receipt as if it were a receipt of the desk."""

from __future__ import annotations

from dataclasses import dataclass

from eservice_desktop.domain.operators import Action
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.payments_corrections import voidable
from eservice_desktop.services.payments_receipts import receipt_row
from eservice_desktop.services.pickup_views import office_name, office_named_en


@dataclass(frozen=True)
class Issuer:
    """The office and counter that issued a receipt, as this counter sees them."""

    office: str
    device: str
    #: the office's name (zh-TW), and as an English message names it ("Name (H01)")
    office_name: str
    office_named_en: str
    other_office: bool
    other_counter: bool


def issuer_of(app: App, number: str) -> Issuer:
    """Who issued receipt ``number`` (spaces, dashes and full width forgiven)."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        row = receipt_row(s, number)
        office, device = row.office, row.device
    here = app.settings
    return Issuer(
        office=office,
        device=device,
        office_name=office_name(app, office),
        office_named_en=office_named_en(app, office),
        other_office=office != here.office_code,
        other_counter=office == here.office_code and device != here.device_id,
    )


def void_question(app: App, number: str) -> Issuer:
    """``payments.voidable`` (refused before the reason is asked), then who issued the
    receipt, which the question names when it was not this counter."""
    require(app, Action.VOID)
    voidable(app, number)
    return issuer_of(app, number)
