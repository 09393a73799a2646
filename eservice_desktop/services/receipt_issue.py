"""A receipt this counter issues: the next number of its series, the verification code over it
and the key the code was made with. One place for a payment's receipt
(``payments.record_payment_in``) and an online payment's (``online_receipt``): both wrote the
same four steps.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services.core import App
from eservice_desktop.services.payments_receipts import allocate_receipt_number, device_key
from eservice_desktop.services.receipt_codes import compute_code


def new_receipt(
    app: App, session: Session, case_number: str, amount: int, at: datetime
) -> tuple[str, str, str]:
    """The receipt's number, its verification code and the key id, in the caller's transaction
    (the number is used only if the transaction commits)."""
    number, _year, _seq = allocate_receipt_number(app, session, at)
    key = device_key(app, session)
    day = at.astimezone(TAIPEI).date()
    code = compute_code(bytes.fromhex(key.secret_hex), number, case_number, amount, day)
    return number, code, key.key_id
