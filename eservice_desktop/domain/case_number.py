"""Case numbers allocated offline without collisions.

``H01-02-115-000042-6``: office code, device number, ROC year, the device's own sequence for that
year, and a check digit. Office + device make the number space private to one counter, so no
server round trip is needed; the groups are short enough to read aloud, and the plain ASCII form
prints as Code 128. The check digit (Luhn over the digits, letters as two digits) catches a
mistyped or misread digit at the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eservice_desktop.domain.errors import DomainError

# ASCII digits only: ``\d`` took any script's (``H01-٠٢-115-…`` made a device "٠٢"); the full
# width a Chinese IME types is folded to ASCII first (_FULL_WIDTH).
_PATTERN = re.compile(r"^([A-Z][0-9]{2})-?([0-9]{2})-?([0-9]{3})-?([0-9]{6})-?([0-9])$")
_OFFICE = re.compile(r"[A-Z][0-9]{2}")
_DEVICE = re.compile(r"[0-9]{2}")
#: Full-width letters, digits and signs (Ｈ０１－０２…) as their ASCII forms.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


#: ASCII letters as their two digits (A = 10 ... Z = 35; lower case as ``ord - 55`` too).
_LETTERS = str.maketrans(
    {c: str(ord(c) - 55) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
)


def _digits(body: str) -> str:
    if body.isascii():  # the case number's own alphabet: one C-speed pass (every push checks)
        return body.translate(_LETTERS)
    return "".join(str(ord(c) - 55) if c.isalpha() else c for c in body)


#: A digit doubled, its digits summed (Luhn): ``_DOUBLED[d]``.
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
#: The same by the digit's character, and each ASCII digit's value: summed by ``map`` in C.
_DOUBLED_OF = {str(d): doubled for d, doubled in enumerate(_DOUBLED)}
_VALUE_OF = {str(d): d for d in range(10)}


def check_digit(body: str) -> int:
    """Luhn over ``body``'s digits from the right: every other one, from the last, doubled
    (table look-ups: every case number is checked wherever an event carries it)."""
    return _luhn(_digits(body))


def _luhn(digits: str) -> int:
    """:func:`check_digit` of a body already written as its digits."""
    digits = digits[::-1]
    if digits.isascii() and digits.isdigit():
        total = sum(map(_DOUBLED_OF.__getitem__, digits[0::2])) + sum(
            map(_VALUE_OF.__getitem__, digits[1::2])
        )
    else:  # other digits (int reads them) or none (int refuses them, as ever)
        total = sum(_DOUBLED[int(ch)] for ch in digits[0::2]) + sum(map(int, digits[1::2]))
    return (10 - total % 10) % 10


@dataclass(frozen=True, order=True)
class CaseNumber:
    office: str
    device: str
    roc_year: int
    sequence: int

    def __post_init__(self) -> None:
        if not _OFFICE.fullmatch(self.office):
            raise DomainError("case_number.office", "機關代碼格式錯誤", "Bad office code", "office")
        if not _DEVICE.fullmatch(self.device):
            raise DomainError(
                "case_number.device", "設備代碼須為兩位數字", "Device must be 2 digits"
            )
        if not (1 <= self.roc_year <= 999 and 1 <= self.sequence <= 999_999):
            raise DomainError("case_number.range", "案號超出範圍", "Case number out of range")

    @property
    def body(self) -> str:
        return f"{self.office}{self.device}{self.roc_year:03d}{self.sequence:06d}"

    def __str__(self) -> str:
        c = check_digit(self.body)
        return f"{self.office}-{self.device}-{self.roc_year:03d}-{self.sequence:06d}-{c}"


def parse_case_number(text: str) -> CaseNumber:
    """Accepts the printed form with or without dashes (scanners and typists drop them)."""
    cleaned = text.strip().upper().replace(" ", "")
    if not cleaned.isascii():
        cleaned = cleaned.translate(_FULL_WIDTH).upper()
    m = _PATTERN.match(cleaned)
    if not m:
        raise DomainError(
            "case_number.format",
            "案號格式錯誤，例如 H01-02-115-000042-6",
            "Bad case number; example H01-02-115-000042-6",
            "case_number",
        )
    office, device, year, seq, check = m.groups()
    roc_year, sequence = int(year), int(seq)
    if cleaned.isascii() and roc_year and sequence:
        # every pushed, pulled and seeded number is parsed here: the pattern matched what
        # CaseNumber's own checks match (its office and device patterns are the groups'; three
        # and six ASCII digits, not zero, are in range), so it is made without them, and the
        # body's digits are the groups' own with the office's letter as its two digits
        number = object.__new__(CaseNumber)
        number.__dict__.update(office=office, device=device, roc_year=roc_year, sequence=sequence)
        digit = _luhn(f"{ord(office[0]) - 55}{office[1:]}{device}{year}{seq}")
    else:
        number = CaseNumber(office, device, roc_year, sequence)
        digit = check_digit(number.body)
    if digit != int(check):
        raise DomainError(
            "case_number.check", "案號檢查碼不符，請再核對", "Case number check digit is wrong"
        )
    return number


#: A case number as a citizen reads it off the slip or the SMS: the ROC year and the sequence
#: (``115-000002``), maybe the office in front (``H01-115-000002``) and the check digit after,
#: without the counter's two digits.
_SHORT = re.compile(r"^(?:([A-Z][0-9]{2})-?)?([0-9]{3})-?([0-9]{6})(?:-?([0-9]))?$")


@dataclass(frozen=True)
class ShortCaseNumber:
    """The parts of a case number typed without its counter (:func:`short_case_number`); the
    office and the check digit are "" when they were not typed."""

    office: str
    roc_year: str
    sequence: str
    check: str

    @property
    def glob(self) -> str:
        """An SQLite GLOB over the full case numbers this one can be."""
        office = self.office or "[A-Z][0-9][0-9]"
        return f"{office}-[0-9][0-9]-{self.roc_year}-{self.sequence}-{self.check or '[0-9]'}"


def short_case_number(text: str) -> ShortCaseNumber | None:
    """``115-000002``, ``115000002``, ``H01-115-000002`` (full width, spaces and a check digit
    allowed) as its parts; None for any other text, a full case number included.

    The number printed is ``H01-01-115-000002-6``, but citizens read and say the year and the
    sequence, and the search and the case look-ups found nothing for them."""
    cleaned = "".join(text.split()).upper().translate(_FULL_WIDTH).upper()
    m = _SHORT.match(cleaned)
    if not m or _PATTERN.match(cleaned):
        return None
    office, year, seq, check = m.groups()
    if int(year) == 0 or int(seq) == 0:
        return None
    return ShortCaseNumber(office or "", year, seq, check or "")


def looks_like_case_number(text: str) -> bool:
    return bool(_PATTERN.match(text.strip().upper().replace(" ", "").translate(_FULL_WIDTH)))
