"""A receipt's verification code (HMAC of its number, case, amount and day under the counter's
key), its printed form and its QR payload: what the counter prints, the demo seeds and the
verification checks, kept apart from the receipts' reads and prints (``payments_receipts``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

from sqlalchemy.orm import Session

from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.storage.models_payments import ReceiptKeyRow

#: The first field of a receipt's QR payload (its format's version).
QR_PREFIX = "ESR1"


def key_secret(session: Session, key_id: str) -> bytes | None:
    row = session.get(ReceiptKeyRow, key_id)
    return None if row is None else bytes.fromhex(row.secret_hex)


def compute_code(secret: bytes, number: str, case_number: str, amount: int, day: date) -> str:
    message = f"v1|{number}|{case_number}|{amount}|{day.isoformat()}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest[:7]).decode("ascii")[:10]


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def qr_payload(number: str, amount: int, day: date, code: str) -> str:
    y, m, d = to_roc(day)
    return f"{QR_PREFIX}|{number}|{amount}|{y:03d}{m:02d}{d:02d}|{code}"
