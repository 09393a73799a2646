"""Identifiers typed or read at the counter: national ID, resident certificate number, UBN, mobile.

Each validator returns the normalised value (what is stored and compared) or raises
:class:`DomainError` with a message the clerk can act on. Input is passed through NFKC first
because counter PCs often have a Chinese IME left in full-width mode (Ａ１２３…); the digits
must then be 0-9 (another script's, which NFKC keeps, are refused).
"""

from __future__ import annotations

import random
import re
import unicodedata
from operator import mul
from typing import Literal

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.name_forms import composed

__all__ = [
    "classify_applicant_id",
    "generate_national_id",
    "generate_resident_id",
    "generate_ubn",
    "mask_id",
    "mask_name",
    "payer_id_label",
    "payer_id_shown",
    "validate_mobile",
    "validate_national_id",
    "validate_resident_id",
    "validate_ubn",
]

# The letter codes are not alphabetical: I, O, W, Z were added after the original table was
# fixed, so they were given the codes left over at the end (34, 35, 32, 33).
_LETTER_CODES: dict[str, int] = {
    "A": 10,
    "B": 11,
    "C": 12,
    "D": 13,
    "E": 14,
    "F": 15,
    "G": 16,
    "H": 17,
    "I": 34,
    "J": 18,
    "K": 19,
    "L": 20,
    "M": 21,
    "N": 22,
    "O": 35,
    "P": 23,
    "Q": 24,
    "R": 25,
    "S": 26,
    "T": 27,
    "U": 28,
    "V": 29,
    "W": 32,
    "X": 30,
    "Y": 31,
    "Z": 33,
}

# ASCII digits only: ``\d`` took any script's digits (٠١٢ … ٩, which NFKC keeps), and
# A12345678٩ passed as a national ID, stored as another string than A123456789 (no search, no
# pickup with the ID card, no status query found it); 09١٢٣٤٥٦٧٨ was an SMS number no gateway
# could send to.
_NATIONAL_ID_RE = re.compile(r"^[A-Z][12]\d{8}$", re.ASCII)
_RESIDENT_OLD_RE = re.compile(r"^[A-Z][A-D]\d{8}$", re.ASCII)
_RESIDENT_NEW_RE = re.compile(r"^[A-Z][89]\d{8}$", re.ASCII)
_UBN_RE = re.compile(r"^\d{8}$", re.ASCII)
_MOBILE_RE = re.compile(r"^09\d{8}$", re.ASCII)

# Weights for [letter tens, letter units, 2nd char, d3 .. d9, check digit].
_ID_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)

_MASK_CHAR = "*"
_NAME_MASK_CHAR = "○"


def _normalise(s: str) -> str:
    """Fold full-width characters and case, and drop the spaces people type inside numbers."""
    folded = unicodedata.normalize("NFKC", s)
    return "".join(folded.split()).upper()


def _id_checksum_ok(letter: str, second: int, digits: str) -> bool:
    """Shared by the national ID and both resident-certificate formats, which differ only in
    how the second character becomes a digit."""
    return _id_sum(letter, second, digits, _ID_WEIGHTS) % 10 == 0


def _id_check_digit(letter: str, second: int, body: str) -> str:
    """The digit that makes a 9-character prefix valid; used only to generate test/demo IDs."""
    return str((10 - _id_sum(letter, second, body, _ID_WEIGHTS[:-1]) % 10) % 10)


def _id_sum(letter: str, second: int, digits: str, weights: tuple[int, ...]) -> int:
    """The weighted sum of [letter tens, letter units, 2nd char, digits...] (one ``map`` over
    the digits: every received case's applicant ID passes here, and every demo one)."""
    if len(digits) != len(weights) - 3:
        raise ValueError("digits")
    code = _LETTER_CODES[letter]
    head = weights[0] * (code // 10) + weights[1] * (code % 10) + weights[2] * second
    return head + int(sum(map(mul, weights[3:], map(int, digits))))


def _checksum_error(field: str) -> DomainError:
    return DomainError(
        "id.checksum",
        "身分證字號檢查碼錯誤，請再核對一次",
        "The national ID number's check digit is wrong; please check it again",
        field=field,
    )


def validate_national_id(s: str, field: str = "national_id") -> str:
    """Accept a 身分證字號 (letter, 1 or 2 for sex, eight digits with a check digit)."""
    value = _normalise(s)
    if not _NATIONAL_ID_RE.fullmatch(value):
        raise DomainError(
            "id.format",
            "身分證字號格式錯誤：應為 1 個英文字母加 9 個數字，第 2 碼為 1 或 2",
            "Malformed national ID number: one letter then 9 digits, the second character "
            "being 1 or 2",
            field=field,
        )
    if not _id_checksum_ok(value[0], int(value[1]), value[2:]):
        raise _checksum_error(field)
    return value


def validate_resident_id(s: str, field: str = "resident_id") -> str:
    """Accept a 居留證號 in either format still in circulation.

    Certificates issued before 2021 carry two letters (the second A-D, whose code's units digit
    enters the checksum); those issued since carry a letter then 8 (male) or 9 (female), and use
    the national ID checksum unchanged so that systems can validate both the same way.
    """
    value = _normalise(s)
    if _RESIDENT_OLD_RE.fullmatch(value):
        second = _LETTER_CODES[value[1]] % 10
    elif _RESIDENT_NEW_RE.fullmatch(value):
        second = int(value[1])
    else:
        raise DomainError(
            "id.format",
            "居留證號格式錯誤：應為英文字母加 A～D 或 8、9，再加 8 個數字",
            "Malformed resident certificate number: a letter, then A-D or 8/9, then 8 digits",
            field=field,
        )
    if not _id_checksum_ok(value[0], second, value[2:]):
        raise DomainError(
            "id.checksum",
            "居留證號檢查碼錯誤，請再核對一次",
            "The resident certificate number's check digit is wrong; please check it again",
            field=field,
        )
    return value


def _ubn_sum(value: str) -> int:
    """Digit-wise sum of the weighted products (28 counts as 2 + 8 = 10, kept as 10)."""
    total = 0
    for weight, char in zip(_UBN_WEIGHTS, value, strict=True):
        product = weight * int(char)
        total += product // 10 + product % 10
    return total


def _ubn_ok(value: str) -> bool:
    """The Ministry of Finance's 2023 rule: divisible by 5 (it was 10 before numbers ran out).

    When the 7th digit is 7 its product 28 sums to 10, which the rule reads either as 1 or 0;
    hence "sum or sum + 1 divisible by 5".
    """
    total = _ubn_sum(value)
    if total % 5 == 0:
        return True
    return value[6] == "7" and (total + 1) % 5 == 0


def validate_ubn(s: str, field: str = "ubn") -> str:
    """Accept a 統一編號 (unified business number) of a company, firm or agency."""
    value = _normalise(s)
    if not _UBN_RE.fullmatch(value):
        raise DomainError(
            "ubn.format",
            "統一編號格式錯誤：應為 8 位數字",
            "Malformed unified business number: it must be 8 digits",
            field=field,
        )
    if not _ubn_ok(value):
        raise DomainError(
            "ubn.checksum",
            "統一編號檢查碼錯誤，請再核對一次",
            "The unified business number's check digit is wrong; please check it again",
            field=field,
        )
    return value


ApplicantKind = Literal["person", "business"]
IdKind = Literal["national_id", "resident_id", "ubn"]


def classify_applicant_id(s: str, field: str = "applicant_id") -> tuple[ApplicantKind, IdKind, str]:
    """Let the intake form take one "ID number" box for citizens, residents and businesses.

    The shape decides which validator applies, so a typo gets that validator's precise message
    (a wrong check digit rather than "not any kind of ID").
    """
    value = _normalise(s)
    if _UBN_RE.fullmatch(value):
        return ("business", "ubn", validate_ubn(value, field=field))
    if len(value) >= 2 and value[0] in _LETTER_CODES and value[1] in "12":
        return ("person", "national_id", validate_national_id(value, field=field))
    if len(value) >= 2 and value[0] in _LETTER_CODES and value[1] in "ABCD89":
        return ("person", "resident_id", validate_resident_id(value, field=field))
    raise DomainError(
        "id.format",
        "無法辨識的證號：請輸入身分證字號、居留證號或 8 位數統一編號",
        "Unrecognised ID: enter a national ID, a resident certificate number or an 8-digit "
        "unified business number",
        field=field,
    )


def validate_mobile(s: str, field: str = "mobile") -> str:
    """Accept a Taiwanese mobile number as people write it and store it as 09xxxxxxxx.

    SMS and MMS notifications (received, payment, supplement, closed, pickup) go to this number,
    so the one stored form matters more than the way it was typed.
    """
    value = unicodedata.normalize("NFKC", s)
    value = re.sub(r"[\s\-().]", "", value)
    for prefix in ("+886", "00886", "886"):
        if value.startswith(prefix) and len(value) > len(prefix) + 8:
            # After the country code people write either "9xx…" or, by habit, "09xx…".
            value = "0" + value[len(prefix) :].removeprefix("0")
            break
    if not _MOBILE_RE.fullmatch(value):
        raise DomainError(
            "phone.format",
            "手機號碼格式錯誤：應為 09 開頭的 10 位數字（例如 0912345678）",
            "Malformed mobile number: 10 digits starting with 09 (e.g. 0912345678)",
            field=field,
        )
    return value


def mask_id(s: str) -> str:
    """Hide the last 4 characters, as on the payment voucher (seed appendix 30).

    The visible prefix lets a citizen recognise their own slip without the full number being
    readable by whoever else handles it.
    """
    value = s.strip()
    keep = max(len(value) - 4, 0)
    return value[:keep] + _MASK_CHAR * (len(value) - keep)


def payer_id_shown(applicant_kind: str, applicant_id: str) -> str:
    """The payer's number on a receipt: a person's ID masked (the voucher of appendix 30), a
    business's UBN in full. The seed issues the receipt for 代書或公司行號 to claim the fee back
    (核銷), which a company does under its 統一編號, a public registration number, not a
    person's: 0459**** could be claimed by no one."""
    return applicant_id if applicant_kind == "business" else mask_id(applicant_id)


def payer_id_label(applicant_kind: str) -> str:
    """The label beside :func:`payer_id_shown`: 統一編號 for a business, else the voucher's
    身分證統一編號."""
    return "統一編號" if applicant_kind == "business" else "身分證統一編號"


def _letters(name: str) -> list[str]:
    """The letters of ``name`` as a reader counts them: each character with the marks and
    variation selectors that follow it (葛 + U+E0100 is one, and so is e + U+0302 + U+0303)."""
    out: list[str] = []
    for ch in composed(name):
        if out and unicodedata.category(ch).startswith("M"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def mask_name(name: str) -> str:
    """Keep the first and last letters of a name, as queue screens and slips customarily do.

    A two-letter name keeps only its first, since keeping "both ends" would hide nothing.
    Letters, not code points: a variation selector counted as a character of its own, so the
    two-character 葛雲 written with an IVS (葛 + U+E0100 + 雲) was shown as 葛○雲, its given
    name in view, and 王明 with one on 明 as 王○ and a selector on nothing.
    """
    value = _letters(name.strip())
    if len(value) <= 1:
        return _NAME_MASK_CHAR if value else ""
    if len(value) == 2:
        return value[0] + _NAME_MASK_CHAR
    return value[0] + _NAME_MASK_CHAR * (len(value) - 2) + value[-1]


#: The first letters of a national ID, in the order the generators draw from.
_LETTERS = tuple(sorted(_LETTER_CODES))


def generate_national_id(rng: random.Random, sex: int | None = None) -> str:
    """A valid but random national ID, for demo data and tests (never a real person on purpose:
    the randomness is seeded by the caller, and the output is not looked up anywhere)."""
    if sex is not None and sex not in (1, 2):
        raise ValueError("sex must be 1 (male), 2 (female) or None")
    letter = rng.choice(_LETTERS)
    sex_digit = sex if sex is not None else rng.choice((1, 2))
    body = "".join(str(rng.randrange(10)) for _ in range(7))
    return f"{letter}{sex_digit}{body}{_id_check_digit(letter, sex_digit, body)}"


def generate_resident_id(rng: random.Random, new_format: bool = True) -> str:
    """A valid but random resident certificate number in the 2021 or the older format."""
    letter = rng.choice(_LETTERS)
    if new_format:
        second_char = rng.choice("89")
        second = int(second_char)
    else:
        second_char = rng.choice("ABCD")
        second = _LETTER_CODES[second_char] % 10
    body = "".join(str(rng.randrange(10)) for _ in range(7))
    return f"{letter}{second_char}{body}{_id_check_digit(letter, second, body)}"


def generate_ubn(rng: random.Random) -> str:
    """A valid but random UBN; the last digit has weight 1, so some last digit always fits."""
    prefix = "".join(str(rng.randrange(10)) for _ in range(7))
    candidates = [prefix + str(d) for d in range(10) if _ubn_ok(prefix + str(d))]
    return rng.choice(candidates)
