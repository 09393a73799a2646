"""A name that is a number: what a scanner or a slip of the hand puts in a name field.

The intake form's 申請人姓名 took the previous citizen's case slip scanned into it
(``H01-01-115-000302-5``, Enter and all: only a pickup code is caught on the way,
``gui/stray_scans.py``), a receipt's barcode, the ID number typed one field too low, or the
mobile number typed one field too high; the case was taken in, its receipt printed to a payer
named ``H01-01-115-R000287``, and the county notified under that name. No one's name is any of
these, so the name is refused, saying what it looks like; a name with digits among its letters
(a company's ``3M 台灣``) is no such slip and stays.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from eservice_desktop.domain.case_number import looks_like_case_number
from eservice_desktop.domain.errors import DomainError

_RECEIPT: Final = re.compile(r"[A-Z][0-9]{2}-?[0-9]{2}-?[0-9]{3}-?R[0-9]{6}", re.ASCII)
_ID: Final = re.compile(r"[A-Z][A-D0-9][0-9]{8}", re.ASCII)
#: Digits with nothing but a number's punctuation: a phone, a UBN, a date, an amount.
_DIGITS: Final = re.compile(r"[0-9\-+().,/#:]*[0-9][0-9\-+().,/#:]*", re.ASCII)

#: What the name looks like, in zh-TW and English.
_KINDS: Final = {
    "case": ("案號", "a case number"),
    "receipt": ("收據號碼", "a receipt number"),
    "id": ("證號", "an ID number"),
    "digits": ("數字", "a number"),
}


def looks_like(name: str) -> str | None:
    """Which number ``name`` is (a key of :data:`_KINDS`), None when it may be a name. Full
    width (an IME's) and spaces inside are folded first, as the numbers' own rules fold them."""
    text = "".join(unicodedata.normalize("NFKC", name).split()).upper()
    if looks_like_case_number(text):
        return "case"
    if _RECEIPT.fullmatch(text):
        return "receipt"
    if _ID.fullmatch(text):
        return "id"
    if _DIGITS.fullmatch(text):
        return "digits"
    return None


def check_not_a_number(name: str, label: tuple[str, str], field: str) -> str:
    """``name`` when it may be a name, else ``value.not_a_name`` naming what it looks like."""
    kind = looks_like(name)
    if kind is None:
        return name
    zh, en = _KINDS[kind]
    raise DomainError(
        "value.not_a_name",
        f"{label[0]}是{zh}，不是姓名（掃描或打錯欄位？），請輸入{label[0]}",
        f"{label[1]} is {en}, not a name (scanned or typed into the wrong field?); "
        f"type the {label[1].lower()}",
        field,
    )
