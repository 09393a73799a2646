"""What a valid value is: one definition for the counter, the wire schema and the county.

Every edge that takes a value from outside (a clerk's keyboard, a command-line argument, a pushed
event, a pulled change) asks these functions before anything is stored, so a value that one side
would refuse can never be committed on another and later block a sync outbox or feed.

Text: no control characters (tab and newline only where a field is multi-line), no bidi
overrides or isolates (they make a name read differently from how it sorts and prints), no lone
surrogates, no noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF). Everything else is kept, rare CJK
extensions and the private-use characters offices use for 造字 included, so no legitimate name is
ever refused. Numbers: integers within fixed ranges (money is integer NTD), never NaN or
Infinity. Times: timezone-aware, inside :data:`EARLIEST` .. :data:`LATEST`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any, Final

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id, validate_mobile

#: Length limits (characters), shared with the database columns and the wire schema.
NAME_MAX: Final = 60
CLERK_MAX: Final = 64
EMAIL_MAX: Final = 120
PHONE_MAX: Final = 20
REFERENCE_MAX: Final = 64
PAYMENT_ID_MAX: Final = 64
RECEIPT_NUMBER_MAX: Final = 24
SERVICE_CODE_MAX: Final = 48
REASON_MAX: Final = 500
FIELD_KEY_MAX: Final = 40
FIELD_VALUE_MAX: Final = 500
TEXT_MAX: Final = 2000
ID_MAX: Final = 36
#: A card PIN as the counter's PIN dialog takes it (gui.identity_panel.PinDialog).
PIN_MIN: Final = 1
PIN_MAX: Final = 16

#: Ranges.
AMOUNT_MAX: Final = 99_999_999  # NTD; more than any fee or payment at a counter
COPIES_MAX: Final = 99
WORKING_DAYS_MAX: Final = 365
#: Integers anywhere in a payload (what every JSON reader keeps exactly).
JSON_INT_MAX: Final = 2**53 - 1
JSON_DEPTH_MAX: Final = 8
JSON_ITEMS_MAX: Final = 2000

#: The sane window for any stored or transmitted time.
EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)
LATEST: Final = datetime(2100, 1, 1, tzinfo=UTC)
#: The window as naive times (check_time compares a time's own wall clock with them).
_EARLIEST_NAIVE: Final = EARLIEST.replace(tzinfo=None)
_LATEST_NAIVE: Final = LATEST.replace(tzinfo=None)

OFFICE_RE: Final = re.compile(r"[A-Z][0-9]{2}")
DEVICE_RE: Final = re.compile(r"[0-9A-Za-z]{1,8}")
ID_RE: Final = re.compile(r"[0-9A-Za-z-]{1,36}")
EMAIL_RE: Final = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
PIN_RE: Final = re.compile(rf"[0-9A-Za-z]{{{PIN_MIN},{PIN_MAX}}}")

#: Bidi embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069) and marks.
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _bad(code: str, zh: str, en: str, field: str | None) -> DomainError:
    return DomainError(code, zh, en, field)


def _label(field: str | None) -> str:
    return f"{field}: " if field else ""


def _refused_class(multiline: bool) -> re.Pattern[str]:
    controls = "\x00-\x08\x0b-\x1f" if multiline else "\x00-\x1f"
    nonchars = "".join(f"{chr(p | 0xFFFE)}{chr(p | 0xFFFF)}" for p in range(0, 0x110000, 0x10000))
    return re.compile(
        f"[{controls}\x7f-\x9f{''.join(sorted(_BIDI))}\ud800-\udfff"
        f"\ufdd0-\ufdef\u2028\u2029{nonchars}]"
    )


#: The characters no stored text may hold (tab and newline allowed in multi-line text): one
#: regex search instead of a loop over the characters (the sync path checks every string).
_REFUSED: Final = _refused_class(False)
_REFUSED_MULTILINE: Final = _refused_class(True)


def _first_doubt_class(multiline: bool) -> re.Pattern[str]:
    """The refused characters of the Basic Multilingual Plane and every character beyond it:
    a class the regex engine tests with a table lookup per character (the full class, with its
    noncharacters in every plane, is a list of ranges tried one by one: ~7x slower on CJK)."""
    controls = "\x00-\x08\x0b-\x1f" if multiline else "\x00-\x1f"
    return re.compile(
        f"[{controls}\x7f-\x9f{''.join(sorted(_BIDI))}\ud800-\udfff"
        f"\ufdd0-\ufdef\u2028\u2029\ufffe\uffff\U00010000-\U0010ffff]"
    )


_DOUBT: Final = _first_doubt_class(False)
_DOUBT_MULTILINE: Final = _first_doubt_class(True)


def bad_char(text: str, *, multiline: bool = False) -> str | None:
    """The first character no stored text may hold, or None.

    The quick class finds the first refused character of the BMP or the first character
    beyond it; only text with such a character (rare CJK extensions, 造字 of a plane beyond)
    is searched again from there with the full class."""
    found = (_DOUBT_MULTILINE if multiline else _DOUBT).search(text)
    if found is None:
        return None
    if found.group() < "\U00010000":
        return found.group()  # refused, and nothing refused comes before it
    found = (_REFUSED_MULTILINE if multiline else _REFUSED).search(text, found.start())
    return found.group() if found else None


def printable(text: str, limit: int = 40) -> str:
    """``text`` made safe to echo in a message: refused characters shown as U+XXXX, cut."""
    out = []
    for ch in text[:limit]:
        out.append(f"U+{ord(ch):04X}" if bad_char(ch) is not None else ch)
    return "".join(out) + ("…" if len(text) > limit else "")


def check_text(
    value: Any,
    field: str | None = None,
    *,
    max_len: int = TEXT_MAX,
    min_len: int = 0,
    multiline: bool = False,
) -> str:
    """Returns ``value`` when it is acceptable text, else raises DomainError."""
    if not isinstance(value, str):
        raise _bad("value.type", f"{_label(field)}應為文字", f"{_label(field)}must be text", field)
    ch = bad_char(value, multiline=multiline)
    if ch is not None:
        name = "" if 0xD800 <= ord(ch) <= 0xDFFF else unicodedata.name(ch, "")
        shown = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
        raise _bad(
            "value.character",
            f"{_label(field)}含有不允許的字元（{shown}）",
            f"{_label(field)}contains a character that is not allowed ({shown})",
            field,
        )
    if len(value) > max_len:
        raise _bad(
            "value.too_long",
            f"{_label(field)}過長（最多 {max_len} 字）",
            f"{_label(field)}too long ({max_len} characters at most)",
            field,
        )
    if len(value.strip()) < min_len:
        raise _bad(
            "value.required", f"{_label(field)}不可空白", f"{_label(field)}is required", field
        )
    return value


def check_name(value: Any, field: str = "applicant_name") -> str:
    return check_text(value, field, max_len=NAME_MAX, min_len=1)


def check_clerk(value: Any, field: str = "clerk") -> str:
    return check_text(value, field, max_len=CLERK_MAX, min_len=1)


def check_email(value: Any, field: str = "email") -> str:
    """Empty, or one plain address of at most EMAIL_MAX characters."""
    text = check_text(value, field, max_len=EMAIL_MAX)
    if text and not EMAIL_RE.fullmatch(text):
        raise _bad("email.format", "電子郵件格式錯誤", "Bad e-mail address", field)
    return text


def check_office(value: Any, field: str = "office") -> str:
    if not isinstance(value, str) or not OFFICE_RE.fullmatch(value):
        raise _bad(
            "office.format",
            "機關代碼格式錯誤（例如 H01）",
            "Bad office code (e.g. H01)",
            field,
        )
    return value


#: How a case reached the office (seed appendix 2, 3): at the counter, online on the county's
#: web site, or at a convenience-store kiosk. The two last are "online" in the usage report.
CHANNELS: Final = ("counter", "web", "kiosk")
ONLINE_CHANNELS: Final = frozenset({"web", "kiosk"})
CHANNEL_NAMES: Final = {"counter": "臨櫃", "web": "網路", "kiosk": "超商"}


def check_channel(value: Any, field: str = "channel") -> str:
    """One of :data:`CHANNELS`."""
    if not isinstance(value, str) or value not in CHANNELS:
        raise _bad(
            "channel.unknown",
            "申辦管道須為臨櫃(counter)、網路(web)或超商(kiosk)",
            "The channel must be counter, web or kiosk",
            field,
        )
    return value


def check_device(value: Any, field: str = "device") -> str:
    if not isinstance(value, str) or not DEVICE_RE.fullmatch(value):
        raise _bad("device.format", "設備代碼格式錯誤", "Bad device id", field)
    return value


def check_id(value: Any, field: str) -> str:
    """Event, case and payment ids: ASCII letters, digits and dashes, 1..36."""
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise _bad("id.format", f"{field} 格式錯誤", f"Bad {field}", field)
    return value


def check_int(value: Any, field: str, lo: int, hi: int) -> int:
    """An integer (never a bool, float, NaN or string) within ``lo..hi``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad("value.type", f"{field} 應為整數", f"{field} must be a whole number", field)
    if not lo <= value <= hi:
        raise _bad(
            "value.range",
            f"{field} 須介於 {lo} 到 {hi}",
            f"{field} must be between {lo} and {hi}",
            field,
        )
    return value


def check_amount(value: Any, field: str = "amount", *, positive: bool = False) -> int:
    return check_int(value, field, 1 if positive else 0, AMOUNT_MAX)


def check_copies(value: Any, field: str = "copies") -> int:
    return check_int(value, field, 1, COPIES_MAX)


def check_working_days(value: Any, field: str = "time_limit_working_days") -> int:
    return check_int(value, field, 0, WORKING_DAYS_MAX)


def check_time(value: Any, field: str = "at") -> datetime:
    """A timezone-aware time inside the sane window (no overflow near year 1 or 9999)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise _bad("time.zone", f"{field} 須含時區", f"{field} must carry a UTC offset", field)
    if not _EARLIEST_NAIVE < value.replace(tzinfo=None) < _LATEST_NAIVE:
        raise _bad(
            "time.range",
            f"{field} 超出合理範圍（{EARLIEST.year}–{LATEST.year - 1} 年）",
            f"{field} is outside {EARLIEST.year}..{LATEST.year - 1}",
            field,
        )
    return value.astimezone(UTC)


def check_iso_time(value: Any, field: str) -> str:
    """An ISO 8601 time carried as text in a payload (empty allowed)."""
    text = check_text(value, field, max_len=40)
    if text:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as e:
            raise _bad("time.format", f"{field} 時間格式錯誤", f"{field}: bad time", field) from e
        check_time(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC), field)
    return text


def check_pin(value: Any, field: str = "pin") -> str:
    """A card PIN as the GUI accepts it: 1..16 ASCII letters or digits."""
    if not isinstance(value, str) or not PIN_RE.fullmatch(value):
        raise _bad(
            "card.pin_format",
            f"PIN 碼須為 {PIN_MIN} 到 {PIN_MAX} 個英數字元",
            f"The PIN must be {PIN_MIN} to {PIN_MAX} letters or digits",
            field,
        )
    return value


def check_json(value: Any, field: str = "payload", *, exact_ints: bool = True) -> Any:
    """A JSON document every reader keeps exactly: str keys, acceptable text, finite numbers,
    integers within ±2^53 (unless ``exact_ints`` is False: the wire's structural check leaves
    ranges to the per-type checks), bounded depth and size.

    Every stored event passes here, so a document is first tried by :func:`_plainly_valid`
    (the same rules, one pass, one character search over all its text); only a document it
    doubts is walked again value by value, which finds and names the first bad value."""
    if _plainly_valid(value, exact_ints):
        return value
    return _check_json_values(value, field, exact_ints=exact_ints)


def _plainly_valid(value: Any, exact_ints: bool) -> bool:
    """True when :func:`_check_json_values` would accept ``value`` (same walk, same limits);
    False means "not sure" (a subclass of a JSON type, a limit or character in question): the
    caller walks again to find the first bad value."""
    count = 0
    texts: list[str] = []
    keys: list[str] = []
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push, text = stack.pop, stack.append, texts.append
    while stack:
        item, depth = pop()
        count += 1
        if count > JSON_ITEMS_MAX or depth > JSON_DEPTH_MAX:
            return False
        kind = type(item)
        if kind is str:
            if len(item) > TEXT_MAX:
                return False
            text(item)
        elif kind is dict:
            for k, v in item.items():
                if type(k) is not str or len(k) > FIELD_KEY_MAX:
                    return False
                keys.append(k)
                push((v, depth + 1))
        elif kind is int:
            if exact_ints and not -JSON_INT_MAX <= item <= JSON_INT_MAX:
                return False
        elif kind is list:
            for x in item:
                push((x, depth + 1))
        elif item is None or kind is bool:
            continue
        elif kind is not float or not math.isfinite(item):
            return False
    # a space joins them: it is allowed in both, so no refused character appears by joining
    return bad_char(" ".join(texts), multiline=True) is None and bad_char(" ".join(keys)) is None


def _check_json_values(value: Any, field: str, *, exact_ints: bool) -> Any:
    """The walk that names the first bad value (the full checks raise their error)."""
    count = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    text_bad, key_bad = _REFUSED_MULTILINE.search, _REFUSED.search
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > JSON_ITEMS_MAX or depth > JSON_DEPTH_MAX:
            raise _bad("value.too_large", f"{field} 內容過大", f"{field} is too large", field)
        kind = type(item)
        if kind is str:
            if len(item) > TEXT_MAX or text_bad(item) is not None:
                check_text(item, field, max_len=TEXT_MAX, multiline=True)
        elif kind is dict:
            for k, v in item.items():
                if type(k) is not str or len(k) > FIELD_KEY_MAX or key_bad(k) is not None:
                    check_text(k, field, max_len=FIELD_KEY_MAX)
                stack.append((v, depth + 1))
        elif kind is int:
            if exact_ints and not -JSON_INT_MAX <= item <= JSON_INT_MAX:
                check_int(item, field, -JSON_INT_MAX, JSON_INT_MAX)
        elif item is None or kind is bool:
            continue
        elif kind is list:
            stack.extend((x, depth + 1) for x in item)
        else:
            _check_json_other(item, field, depth, stack, exact_ints)
    return value


def _check_json_other(
    item: Any, field: str, depth: int, stack: list[tuple[Any, int]], exact_ints: bool
) -> None:
    """A value of a subclass (of int, str, list, dict) or a float: the general rules."""
    if isinstance(item, bool):
        return
    if isinstance(item, int):
        if exact_ints:
            check_int(item, field, -JSON_INT_MAX, JSON_INT_MAX)
    elif isinstance(item, float):
        if not math.isfinite(item):
            raise _bad("value.number", f"{field} 數值無效", f"{field}: not a finite number", field)
    elif isinstance(item, str):
        check_text(item, field, max_len=TEXT_MAX, multiline=True)
    elif isinstance(item, list):
        stack.extend((x, depth + 1) for x in item)
    elif isinstance(item, dict):
        for k, v in item.items():
            check_text(k, field, max_len=FIELD_KEY_MAX)
            stack.append((v, depth + 1))
    else:
        raise _bad("value.type", f"{field} 含有無效的值", f"{field}: unsupported value", field)


def _as_field(e: DomainError, field: str) -> DomainError:
    return DomainError(e.code, e.message_zh, e.message_en, field)


def check_applicant(
    applicant_id: str,
    name: str,
    phone: str,
    email: str,
    *,
    blank_name: DomainError | None = None,
) -> tuple[dict[str, Any], dict[str, DomainError]]:
    """The applicant as every intake (the counter's, the channels') takes it in: the normalised
    applicant (``kind``, ``id_type``, ``id`` when the ID is valid; ``name`` with its spaces
    collapsed; ``phone`` normalised, "" when none) and the field errors by form field
    (``applicant_id``, ``applicant_name``, ``phone``, ``email``). ``blank_name`` is the error a
    caller reports for an empty name instead of the name rule's own."""
    errors: dict[str, DomainError] = {}
    applicant: dict[str, Any] = {}
    try:
        kind, id_type, norm = classify_applicant_id(applicant_id)
        applicant = {"kind": kind, "id_type": id_type, "id": norm}
    except DomainError as e:
        errors["applicant_id"] = _as_field(e, "applicant_id")
    applicant["name"] = " ".join(name.split())
    if not applicant["name"] and blank_name is not None:
        errors["applicant_name"] = blank_name
    else:
        try:
            check_name(applicant["name"])
        except DomainError as e:
            errors["applicant_name"] = _as_field(e, "applicant_name")
    applicant["phone"] = ""
    if phone.strip():
        try:
            applicant["phone"] = validate_mobile(phone)
        except DomainError as e:
            errors["phone"] = _as_field(e, "phone")
    try:
        check_email(email.strip())
    except DomainError as e:
        errors["email"] = _as_field(e, "email")
    return applicant, errors
