"""What a valid value is: one definition for the counter, the wire schema and the county.

Every edge that takes a value from outside (a clerk's keyboard, a command-line argument, a pushed
event, a pulled change) asks these functions before anything is stored, so a value that one side
would refuse can never be committed on another and later block a sync outbox or feed.

Text: no control characters (tab and newline only where a field is multi-line), no bidi overrides
or isolates (they make a name read differently from how it sorts and prints), no lone surrogates,
no noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF); everything else is kept, rare CJK extensions and
造字 included. A name that is a number (a case slip scanned in) is refused: ``domain.name_slips``.
Numbers: integers within fixed ranges (money is integer NTD), never NaN or Infinity. Times:
timezone-aware, inside :data:`EARLIEST` .. :data:`LATEST`. The text rule is ``domain.text_values``,
importable from here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any, Final

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id, validate_mobile
from eservice_desktop.domain.json_walk import (
    FIELD_KEY_MAX,
    JSON_DEPTH_MAX,
    JSON_INT_MAX,
    JSON_ITEMS_MAX,
    plainly_valid,
)
from eservice_desktop.domain.name_forms import composed
from eservice_desktop.domain.name_slips import check_not_a_number
from eservice_desktop.domain.text_values import (
    _REFUSED,
    _REFUSED_MULTILINE,
    FORMAT_CHAR,
    TEXT_MAX,
    Label,
    _bad,
    bad_char,
    check_shown,
    check_text,
    printable,
    printable_path,
    refused_char,
)

#: Re-exported: the text rule (domain.text_values). Only these need listing; what this module
#: defines is importable as ever.
__all__ = [
    "FIELD_KEY_MAX",
    "JSON_DEPTH_MAX",
    "JSON_INT_MAX",
    "JSON_ITEMS_MAX",
    "TEXT_MAX",
    "Label",
    "bad_char",
    "check_text",
    "printable",
    "printable_path",
]
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
FIELD_VALUE_MAX: Final = 500
ID_MAX: Final = 36
#: A card PIN as the counter's PIN dialog takes it (gui.identity_dialogs.PinDialog).
PIN_MIN: Final = 1
PIN_MAX: Final = 16

AMOUNT_MAX: Final = 99_999_999  # NTD; more than any fee or payment at a counter
COPIES_MAX: Final = 99
WORKING_DAYS_MAX: Final = 365

#: The sane window for any stored or transmitted time.
EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)
LATEST: Final = datetime(2100, 1, 1, tzinfo=UTC)
#: The window as naive times (check_time compares a time's own wall clock with them).
_EARLIEST_NAIVE: Final = EARLIEST.replace(tzinfo=None)
_LATEST_NAIVE: Final = LATEST.replace(tzinfo=None)

OFFICE_RE: Final = re.compile(r"[A-Z][0-9]{2}")
DEVICE_RE: Final = re.compile(r"[0-9A-Za-z]{1,8}")
#: An office's counter (device) number: two digits, 01 to 99, part of every case and receipt
#: number; the wider DEVICE_RE is for events, whose device may be the county's (``CTY``).
COUNTER_RE: Final = re.compile(r"0[1-9]|[1-9][0-9]")
ID_RE: Final = re.compile(r"[0-9A-Za-z-]{1,36}")
_E = r'[^@\s,;<>()\[\]\\"'  # no list, route or quoted form: one plain address (a,b@x.y)
EMAIL_RE: Final = re.compile(rf"{_E}]{{1,64}}@{_E}.]+(\.{_E}.]+)+")
PIN_RE: Final = re.compile(rf"[0-9A-Za-z]{{{PIN_MIN},{PIN_MAX}}}")


def check_name(value: Any, field: str = "applicant_name", label: Label | None = None) -> str:
    """A person's name: text, and no invisible format character (zero-width space or joiner,
    BOM, soft hyphen, tag): one pasted in looks like the name on screen and on the receipt but
    is another name to every search and comparison. Variation selectors (IVS) stay."""
    text = check_text(value, field, max_len=NAME_MAX, min_len=1, label=label)
    hidden = FORMAT_CHAR.search(text)
    if hidden is not None:
        raise refused_char(hidden.group(), field, label)
    return text


def plain_name(value: Any) -> bool:
    """Whether ``value``, of a payload that passed ``check_json`` (no character any text
    refuses), passes :func:`check_name` without more: the payload classes' light form of the
    name rule, which calls the rule itself only for a name in doubt."""
    return (
        type(value) is str
        and len(value) <= NAME_MAX
        and "\n" not in value
        and "\t" not in value
        and bool(value.strip())
        and FORMAT_CHAR.search(value) is None
    )


def check_clerk(value: Any, field: str = "clerk") -> str:
    if type(value) is str and value in _ACCEPTED_CLERKS:
        return value
    check_text(value, field, max_len=CLERK_MAX, min_len=1)
    return _accepted(_ACCEPTED_CLERKS, value)


#: Clerks, office codes and device ids already accepted: every event's envelope carries them,
#: and a batch (a seed's, a pull page) only a few distinct ones, so a value seen before is one
#: set look-up instead of its rule again. Bounded (:data:`_ACCEPTED_MAX`): past the bound a new
#: value is checked every time, as before. A refused value is never kept.
_ACCEPTED_CLERKS: set[str] = set()
_ACCEPTED_OFFICES: set[str] = set()
_ACCEPTED_DEVICES: set[str] = set()
_ACCEPTED_MAX: Final = 512


def _accepted(seen: set[str], value: str) -> str:
    """``value`` (just accepted by its rule), remembered in ``seen`` while there is room; only
    an exact ``str`` (a subclass could compare equal and differ)."""
    if type(value) is str and len(seen) < _ACCEPTED_MAX:
        seen.add(value)
    return value


def check_email(value: Any, field: str = "email", label: Label | None = None) -> str:
    """Empty, or one plain address of at most EMAIL_MAX characters."""
    text = check_text(value, field, max_len=EMAIL_MAX, label=label)
    if text and not EMAIL_RE.fullmatch(text):
        raise _bad("email.format", "電子郵件格式錯誤", "Bad e-mail address", field)
    return text


def check_office(value: Any, field: str = "office") -> str:
    if type(value) is str and value in _ACCEPTED_OFFICES:
        return value
    if not isinstance(value, str) or not OFFICE_RE.fullmatch(value):
        raise _bad(
            "office.format",
            "機關代碼格式錯誤（例如 H01）",
            "Bad office code (e.g. H01)",
            field,
        )
    return _accepted(_ACCEPTED_OFFICES, value)


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
    if type(value) is str and value in _ACCEPTED_DEVICES:
        return value
    if not isinstance(value, str) or not DEVICE_RE.fullmatch(value):
        raise _bad("device.format", "設備代碼格式錯誤", "Bad device id", field)
    return _accepted(_ACCEPTED_DEVICES, value)


def check_counter(value: Any, field: str = "device_id") -> str:
    """This office's counter number as setup, doctor and enrolment take it."""
    if not isinstance(value, str) or not COUNTER_RE.fullmatch(value):
        raise _bad(
            "device.counter",
            "櫃檯編號須為 01 到 99 的兩位數字",
            "A counter number is 01 to 99",
            field,
        )
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

    Every stored event passes here, so a document is first tried by ``json_walk.plainly_valid``
    (the same rules, one pass, one character search over all its text); only a document it
    doubts is walked again value by value, which finds and names the first bad value."""
    if plainly_valid(value, exact_ints):
        return value
    return _check_json_values(value, field, exact_ints=exact_ints)


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


#: The applicant's fields as the refusals beside them name them.
APPLICANT_NAME: Final[Label] = ("申請人姓名", "Applicant's name")
EMAIL: Final[Label] = ("電子郵件", "E-mail")


def check_applicant(
    applicant_id: str,
    name: str,
    phone: str,
    email: str,
    *,
    blank_name: DomainError | None = None,
) -> tuple[dict[str, Any], dict[str, DomainError]]:
    """The applicant as every intake (the counter's, the channels') takes it in: the normalised
    applicant (``kind``, ``id_type``, ``id`` when the ID is valid; ``name`` spaces collapsed,
    composed: ``name_forms``; ``phone`` normalised, "" when none; ``email`` NFKC-folded) and
    the field errors by form field. ``blank_name``: an empty name's error if not the rule's."""
    errors: dict[str, DomainError] = {}
    applicant: dict[str, Any] = {}
    try:
        kind, id_type, norm = classify_applicant_id(applicant_id)
        applicant = {"kind": kind, "id_type": id_type, "id": norm}
    except DomainError as e:
        errors["applicant_id"] = _as_field(e, "applicant_id")
    applicant["name"] = composed(" ".join(name.split()))  # typed, pasted decomposed: one form
    if not applicant["name"] and blank_name is not None:
        errors["applicant_name"] = blank_name
    else:
        try:
            named = check_shown(check_name(applicant["name"], label=APPLICANT_NAME), APPLICANT_NAME)
            check_not_a_number(named, APPLICANT_NAME, "applicant_name")  # a case slip scanned
        except DomainError as e:
            errors["applicant_name"] = _as_field(e, "applicant_name")
    applicant["phone"] = ""
    if phone.strip():
        try:
            applicant["phone"] = validate_mobile(phone)
        except DomainError as e:
            errors["phone"] = _as_field(e, "phone")
    # full-width letters and ＠ from an IME left in full-width mode are the address meant
    applicant["email"] = unicodedata.normalize("NFKC", email).strip()
    try:
        check_email(applicant["email"], label=EMAIL)
    except DomainError as e:
        errors["email"] = _as_field(e, "email")
    return applicant, errors
