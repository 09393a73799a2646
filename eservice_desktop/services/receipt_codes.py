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

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.storage.models_payments import ReceiptKeyRow, ReceiptRow

#: The first field of a receipt's QR payload (its format's version).
QR_PREFIX = "ESR1"

#: A code is base32 (A-Z, 2-7): a 0, 1 or 8 typed in one is the O, I or B read off the paper.
#: The code printed KH4K-RFXO-LZ typed as KH4K-RFX0-LZ was 驗證碼不符 (exit 3): a forgery.
MISREAD = str.maketrans("018", "OIB")


def key_secret(session: Session, key_id: str) -> bytes | None:
    row = session.get(ReceiptKeyRow, key_id)
    return None if row is None else bytes.fromhex(row.secret_hex)


def compute_code(secret: bytes, number: str, case_number: str, amount: int, day: date) -> str:
    message = f"v1|{number}|{case_number}|{amount}|{day.isoformat()}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest[:7]).decode("ascii")[:10]


def code_matches(session: Session, row: ReceiptRow, wanted: str) -> bool:
    """Whether ``wanted`` (ASCII, dashes taken out) is receipt ``row``'s code. On the counter
    that issued it, the code its key computes over the receipt's fields and the one it recorded
    must both be it. A counter's key never leaves it (no sync carries ``receipt_keys``), so
    another counter of the office answered every receipt but its own with "sync, then verify
    again", sync after sync: there the code the issuing counter recorded in the receipt's
    event, pulled with it, is the one the paper must carry. Digits no code holds are read as
    the letters they are mistaken for (``MISREAD``)."""
    wanted = wanted.translate(MISREAD)
    secret = key_secret(session, row.key_id)
    if secret is None and row.verification:
        return hmac.compare_digest(row.verification, wanted)
    if secret is None:  # no code recorded with it either: only its own counter can tell
        raise DomainError(
            "receipt.key_unknown",
            f"本機無這張收據的驗證金鑰，請至開立收據的 {row.office} 櫃檯 {row.device} 查驗",
            f"This counter does not hold the key of this receipt; verify it at counter "
            f"{row.device} of {row.office}, which issued it",
            "number",
        )
    expected = compute_code(secret, row.number, row.case_number, row.amount, row.issued_day)
    return hmac.compare_digest(expected, wanted) and hmac.compare_digest(row.verification, wanted)


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def qr_payload(number: str, amount: int, day: date, code: str) -> str:
    y, m, d = to_roc(day)
    return f"{QR_PREFIX}|{number}|{amount}|{y:03d}{m:02d}{d:02d}|{code}"
