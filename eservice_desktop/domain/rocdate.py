"""ROC (民國) dates and capital-numeral amounts, the two notations every official slip uses.

Receipts, fee slips and case documents are dated in the ROC calendar (year = AD - 1911) and state
money in capital numerals (大寫) so that an amount cannot be altered by adding a stroke.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Literal

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI

__all__ = ["ROC_OFFSET", "capital_numerals", "format_roc", "parse_roc", "to_roc"]

ROC_OFFSET = 1911

RocStyle = Literal["long", "receipt", "short"]

# ASCII digits only: NFKC has folded the full-width ones a Chinese IME types, and ``\d`` (with
# ``int()``) would take the digits of every other script (Arabic-Indic ``١١٥/٠١/٠٢``).
_YMD_CJK = re.compile(r"^([0-9]{1,3})年([0-9]{1,2})月([0-9]{1,2})日$")
_YMD_SEP = re.compile(r"^([0-9]{1,3})([/.\-])([0-9]{1,2})\2([0-9]{1,2})$")
_YMD_PACKED = re.compile(r"^([0-9]{3})([0-9]{2})([0-9]{2})$")

_DIGITS = "零壹貳參肆伍陸柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "萬", "億", "兆")
_MAX_AMOUNT = 10 ** (4 * len(_GROUP_UNITS)) - 1


def _before_roc_error(field: str | None) -> DomainError:
    return DomainError(
        "date.before_roc",
        "日期早於民國元年，無法以民國紀年表示",
        "The date is before ROC year 1 and cannot be written as an ROC date",
        field=field,
    )


def check_roc(d: date, field: str | None = None) -> date:
    """``d``, refused (``date.before_roc``, naming ``field``) when it has no ROC year: a
    period or day that every print and page writes in ROC years."""
    if d.year - ROC_OFFSET < 1:
        raise _before_roc_error(field)
    return d


def to_roc(d: date) -> tuple[int, int, int]:
    """(ROC year, month, day); dates before 1912 have no ROC year and are refused."""
    year = d.year - ROC_OFFSET
    if year < 1:
        raise _before_roc_error(None)
    return (year, d.month, d.day)


def format_roc(d: date, style: RocStyle = "long") -> str:
    """Render a date the way the three kinds of output need it.

    ``long`` for screens and letters, ``receipt`` for the fee slip's spaced official form,
    ``short`` for tables and lists where width matters.
    """
    year, month, day = to_roc(d)
    if style == "long":
        return f"民國{year}年{month}月{day}日"
    if style == "receipt":
        return f"中華民國 {year} 年 {month} 月 {day} 日"
    if style == "short":
        return f"{year}/{month:02d}/{day:02d}"
    raise ValueError(f"unknown ROC date style: {style!r}")


def parse_roc(text: str, field: str | None = None) -> date:
    """Read an ROC date in the forms clerks type and forms print.

    Accepted: 民國115年2月13日, 中華民國115年2月13日, 115年2月13日, 115/2/13, 115.02.13,
    115-2-13 and the packed 7-digit 1150213 used by older government systems.
    """
    value = "".join(unicodedata.normalize("NFKC", text).split())
    value = value.removeprefix("中華民國").removeprefix("民國")
    match = _YMD_CJK.fullmatch(value) or _YMD_PACKED.fullmatch(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif sep_match := _YMD_SEP.fullmatch(value):
        year, month, day = int(sep_match[1]), int(sep_match[3]), int(sep_match[4])
    else:
        raise DomainError(
            "date.format",
            f"日期格式錯誤：「{text}」，請以民國年輸入，例如 115/2/13 或 115年2月13日",
            f"Malformed date {text!r}: enter an ROC date such as 115/2/13 or 115年2月13日",
            field=field,
        )
    if year < 1:
        raise _before_roc_error(field)
    try:
        return date(year + ROC_OFFSET, month, day)
    except ValueError:
        raise DomainError(
            "date.invalid",
            f"日期不存在：民國{year}年{month}月{day}日",
            f"No such date: ROC {year}-{month:02d}-{day:02d}",
            field=field,
        ) from None


def capital_numerals(n: int) -> str:
    """NTD amount in the financial capital numerals printed on receipts (新台幣壹仟元整).

    Follows the Taiwanese banking convention: a run of zeros inside the number is written as a
    single 零, zeros ending a group or the number are not written, a group of four zeros drops
    its 萬/億 marker, and a leading ten keeps its 壹 (壹拾, never a bare 拾) so that nothing can
    be written in front of it.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("amount must be an int number of NTD")
    if n < 0:
        raise DomainError(
            "amount.negative",
            "金額不可為負數",
            "The amount cannot be negative",
        )
    if n > _MAX_AMOUNT:
        raise DomainError(
            "amount.too_large",
            "金額過大，無法以大寫表示",
            "The amount is too large to write in capital numerals",
        )
    if n == 0:
        return "新台幣零元整"
    digits = str(n)
    length = len(digits)
    parts: list[str] = []
    pending_zero = False
    for index, char in enumerate(digits):
        position = length - 1 - index
        small, group = position % 4, position // 4
        value = int(char)
        if value == 0:
            pending_zero = True
        else:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(_DIGITS[value] + _SMALL_UNITS[small])
        if small == 0 and group > 0 and int(digits[max(0, index - 3) : index + 1]) != 0:
            parts.append(_GROUP_UNITS[group])
            # Zeros closing a group are silent: 101000 is 壹拾萬壹仟, not 壹拾萬零壹仟.
            pending_zero = False
    return "新台幣" + "".join(parts) + "元整"


def roc_minute(moment: datetime) -> str:
    """A moment as the counter's lists and prints show it: Taipei, ROC year, to the minute
    (``115/03/10 09:05``); a time without a zone is UTC, as stored."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TAIPEI)
    return f"{format_roc(local.date(), 'short')} {local:%H:%M}"


def roc_second(moment: datetime) -> str:
    """:func:`roc_minute` to the second (``115/03/10 09:05:12``): the lists that tell records a
    few seconds apart (the access log, the backups)."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TAIPEI)
    return f"{format_roc(local.date(), 'short')} {local:%H:%M:%S}"


def refuse_time_to_come(
    at: datetime, now: datetime, field: str, what: tuple[str, str, str]
) -> None:
    """A time typed for later than now is refused, naming both times as the counter shows them
    (``time.future``): a case "received" tomorrow was missing from today's list, an
    authorisation of a day to come went on that day's reconciliation. ``what``: the time's name
    in zh-TW and English, and the English verb (``("收件時間", "receipt", "received")``)."""
    if at > now:
        given, current = roc_second(at), roc_second(now)
        zh, en, verb = what
        raise DomainError(
            "time.future",
            f"{zh}不可晚於現在（{zh} {given}，現在 {current}）",
            f"The {en} time cannot be in the future ({verb} {given}, now {current})",
            field,
        )


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-(\d{2})")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")


def roc_text(text: str) -> str:
    """An ISO day, month or time (what a report or a command's JSON carries) as the counter
    shows dates: Taipei, ROC year (``115/03/10``, ``115/03``, ``115/03/10 09:05``; a time
    without a zone is UTC, as stored). Any other text as it is."""
    try:
        if _ISO_DAY.fullmatch(text):
            return format_roc(date.fromisoformat(text), "short")
        if (month := _ISO_MONTH.fullmatch(text)) and 1 <= int(month[1]) <= 12:
            return format_roc(date.fromisoformat(text + "-01"), "short")[:-3]
        if _ISO_TIME.fullmatch(text):
            return roc_minute(datetime.fromisoformat(text))
    except (ValueError, DomainError):  # no such day, or before the ROC
        pass
    return text
