"""A receipt's QR code as a hand scanner types it: ``ESR1|number|amount|ROCdate|code``
(``receipt_codes.qr_payload``). The paper says 掃描 QR 碼或輸入收據號碼與驗證碼即可查驗真偽,
and ``receipt verify`` took the number and the code only: a scan was refused for want of a
code. A scan is checked as the typed pair is, and its amount and day must be the receipt's."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.services import payments
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.receipt_codes import QR_PREFIX


def scanned_fields(text: str) -> list[str] | None:
    """The four fields after ``ESR1`` of a scanned QR (full width folded, spaces dropped
    around them), None when the text is no receipt's QR."""
    parts = [p.strip() for p in unicodedata.normalize("NFKC", text).strip().split("|")]
    if len(parts) != 5 or parts[0].upper() != QR_PREFIX:
        return None
    return parts[1:]


def verify_scanned(app: App, text: str) -> tuple[str, bool]:
    """(receipt number, whether the scan is the receipt's): its code, amount and day. A text
    that is no QR is ``receipt.code_required`` (the code was left out), as it was refused."""
    require(app, Action.VIEW_CASE)
    fields = scanned_fields(text)
    if fields is None:
        raise DomainError(
            "receipt.code_required",
            "請輸入收據上的驗證碼，或掃描收據上的 QR 碼",
            "Give the verification code printed on the receipt, or scan the receipt's QR code",
            "code",
        )
    number, amount, day, code = fields
    if not payments.verify_receipt(app, number, code):
        return number, False
    found = payments.get_receipt(app, number)
    y, m, d = to_roc(datetime.fromisoformat(found.issued_at).astimezone(TAIPEI).date())
    return found.receipt_number, (amount, day) == (str(found.amount), f"{y:03d}{m:02d}{d:02d}")
