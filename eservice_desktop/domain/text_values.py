"""Which characters stored text may hold, and the text check every other value check builds on.

No control characters (tab and newline only where a field is multi-line), no bidi overrides or
isolates, no lone surrogates, no noncharacters; everything else is kept (rare CJK extensions and
the private-use characters of 造字 included). Apart from ``domain.values`` (which re-exports
these) because this is the one rule every edge runs on every string, tuned for speed (two
regex classes, see ``bad_char``), while ``values`` lists the fields and their limits.
"""

from __future__ import annotations

import errno
import re
import unicodedata
from datetime import date
from typing import Any, Final

from eservice_desktop.domain.errors import DomainError

#: The longest text of any field (a multi-line note, a JSON string) unless the field says less.
TEXT_MAX: Final = 2000

#: Bidi embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069) and marks.
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _bad(code: str, zh: str, en: str, field: str | None) -> DomainError:
    return DomainError(code, zh, en, field)


def _label(field: str | None) -> str:
    return f"{field}: " if field else ""


#: What a value is called in a refusal a clerk reads (zh-TW, English), e.g. ("作廢理由",
#: "Void reason"); without one the refusal begins with the field's key ("reason: ").
Label = tuple[str, str]


def _labels(field: str | None, label: Label | None) -> tuple[str, str]:
    """How the refusal of ``field`` begins, in zh-TW and English."""
    if label is None:
        return _label(field), _label(field)
    return f"{label[0]}：", f"{label[1]}: "


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


def refused_char(ch: str, field: str | None, label: Label | None = None) -> DomainError:
    """The refusal of text holding ``ch``, naming it by code point (it may be invisible)."""
    name = "" if 0xD800 <= ord(ch) <= 0xDFFF else unicodedata.name(ch, "")
    shown = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
    zh, en = _labels(field, label)
    if ch == "\ufffd":
        return _bad(
            "value.character",
            f"{zh}含有無法辨識的字（{shown}，轉碼錯誤留下的記號），請依證件重新輸入",
            f"{en}holds an unreadable character ({shown}, left by a wrong text encoding); "
            "type it again from the ID document",
            field,
        )
    return _bad(
        "value.character",
        f"{zh}含有不允許的字元（{shown}）",
        f"{en}contains a character that is not allowed ({shown})",
        field,
    )


def printable(text: str, limit: int = 40) -> str:
    """``text`` made safe to echo in a message: refused characters shown as U+XXXX, cut."""
    out = []
    for ch in text[:limit]:
        out.append(f"U+{ord(ch):04X}" if bad_char(ch) is not None else ch)
    return "".join(out) + ("…" if len(text) > limit else "")


def printable_path(text: str, limit: int = 120) -> str:
    """A path made safe to echo: like :func:`printable`, but a long one keeps its start and its
    end (the file's own name is what the reader needs) and loses the middle."""
    if len(text) <= limit:
        return printable(text, limit)
    head = limit // 4
    tail = limit - head - 1
    return printable(text[:head], head) + "…" + printable(text[-tail:], tail)


def check_text(
    value: Any,
    field: str | None = None,
    *,
    max_len: int = TEXT_MAX,
    min_len: int = 0,
    multiline: bool = False,
    label: Label | None = None,
) -> str:
    """Returns ``value`` when it is acceptable text, else raises DomainError (beginning with
    ``label``, the value's name for the clerk, when given)."""
    if not isinstance(value, str):
        zh, en = _labels(field, label)
        raise _bad("value.type", f"{zh}應為文字", f"{en}must be text", field)
    # every value of every event passes here: the quick class first, inline (bad_char's own
    # first step), and bad_char only for text it doubts
    ch = None
    if (_DOUBT_MULTILINE if multiline else _DOUBT).search(value) is not None:
        ch = bad_char(value, multiline=multiline)
    if ch is not None:
        raise refused_char(ch, field, label)
    if len(value) > max_len:
        zh, en = _labels(field, label)
        raise _bad(
            "value.too_long",
            f"{zh}過長（最多 {max_len} 字）",
            f"{en}too long ({max_len} characters at most)",
            field,
        )
    if min_len and len(value.strip()) < min_len:
        zh, en = _labels(field, label)
        raise _bad("value.required", f"{zh}不可空白", f"{en}is required", field)
    return value


#: Unicode format characters (category Cf, Unicode 14), the invisible ones a name may not hold
#: (``values.check_name``), and U+FFFD, the mark a decoder leaves for a character it could not
#: read (a Big5 list opened as UTF-8): 王�明 is no one's name, stored and printed as it was.
FORMAT_CHAR: Final = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ufffd\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


#: Letters that show nothing: the Hangul fillers and the blank Braille pattern. A name of them
#: looked empty on the screen, the receipt and the notice, and one inside a name ("王\u3164小明")
#: looked like a space but was another name to every search.
BLANK_LETTERS: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: Combining marks one letter may carry (an accent or two, a variation selector of 造字).
MARKS_IN_A_ROW: Final = 3


def pictograph(ch: str) -> bool:
    """An emoji, a dingbat or another pictographic symbol (category So: 😀 ★ ♥ ©), or an
    emoji's skin-tone modifier, outside the CJK blocks (their radicals, ideographic description
    characters and enclosed ideographs stay): no one's name, pasted along from a chat message,
    printed on the receipt and sent to the county as it was."""
    code = ord(ch)
    if 0x2E80 <= code <= 0x33FF:
        return False
    return 0x1F3FB <= code <= 0x1F3FF or unicodedata.category(ch) == "So"


def check_shown(name: str, label: Label, field: str = "applicant_name") -> str:
    """A name a reader sees as it is: no blank letter, no emoji (:func:`pictograph`), and
    every combining mark on a letter, at most :data:`MARKS_IN_A_ROW` in a row (a name of marks
    alone showed nothing, a pile of them ran over the lines above and below). For a name
    taken in (``values.check_applicant``; a collector's, ``field`` its own): events already
    stored keep theirs. The marks are
    counted decomposed: composing "a" and four acute accents leaves á and three, a pile."""
    zh, en = _labels(field, label)
    run, marked = 0, unicodedata.normalize("NFD", name)
    for i, ch in enumerate(marked):
        if ch in BLANK_LETTERS:
            raise refused_char(ch, field, label)
        if pictograph(ch):
            shown = f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip()
            raise _bad(
                "value.symbol",
                f"{zh}含有圖示或符號（{shown}），請依證件輸入姓名",
                f"{en}holds a pictograph or symbol ({shown}); type the name as on the ID",
                field,
            )
        run = run + 1 if unicodedata.category(ch).startswith("M") else 0
        if run and (i == run - 1 or marked[i - run] == " " or run > MARKS_IN_A_ROW):
            shown = f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip()
            raise _bad(
                "value.marks",
                f"{zh}組合符號（{shown}）須接在文字之後，且最多連續 {MARKS_IN_A_ROW} 個",
                f"{en}a combining mark ({shown}) must follow a letter, "
                f"{MARKS_IN_A_ROW} in a row at most",
                field,
            )
    return name


#: What the system's commonest refusals of a file mean, said in each language: the system's own
#: text (``strerror``) is English whatever the user reads, and sat inside zh-TW messages.
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("找不到這個檔案或資料夾", "No such file or directory"),
    errno.EACCES: ("沒有權限", "Permission denied"),
    errno.EPERM: ("不允許這項作業", "Operation not permitted"),
    errno.EISDIR: ("這是資料夾，不是檔案", "Is a directory"),
    errno.ENOTDIR: ("路徑中有一段不是資料夾", "Not a directory"),
    errno.EEXIST: ("已有同名的檔案", "File exists"),
    errno.EROFS: ("唯讀的磁碟", "Read-only file system"),
    errno.ENOSPC: ("磁碟空間已滿", "No space left on device"),
    errno.EFBIG: ("檔案超過這個磁碟允許的大小", "File too large"),
    errno.ENAMETOOLONG: ("檔名太長", "File name too long"),
    errno.EIO: ("磁碟讀寫錯誤", "Input/output error"),
    errno.EBUSY: ("檔案正被使用中", "Device or resource busy"),
}


#: Windows' refusals that its errno (EACCES for all three) says wrongly: a file open in another
#: program (the export open in Excel, the log in a viewer) read "Permission denied", and IT
#: went looking at the folder's permissions. Replacing a file another program has open is
#: refused as access denied (5), so that one names both.
_WINDOWS_REASONS: dict[int, tuple[str, str]] = {
    5: (
        "沒有權限，或檔案正由其他程式開啟中",
        "Access is denied, or the file is open in another program",
    ),
    32: (
        "檔案正由其他程式開啟中，請關閉後再試",
        "The file is open in another program; close it and retry",
    ),
    33: (
        "檔案有一部分被其他程式鎖定，請關閉後再試",
        "Another program has locked part of the file; close it and retry",
    ),
}


#: Why a path that is no regular file (a named pipe, a device such as /dev/zero) is refused
#: before it is read: no errno says so.
NOT_REGULAR: Final = ("是裝置或管道，不是一般檔案", "a device or a pipe, not a regular file")


class NotRegularFileError(OSError):
    """A file to import that is a pipe, a device or a socket: a pipe with no writer held the
    command for good (its open waits for one), /dev/zero was read to the limit and called too
    large or malformed. ``OSError(None, text, path)``: it names the path like any refusal."""


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why the system refused a file, in zh-TW and in English: the commonest refusals by their
    number, any other by the system's own text (or the error's name)."""
    if isinstance(exc, NotRegularFileError):
        return NOT_REGULAR
    windows = _WINDOWS_REASONS.get(getattr(exc, "winerror", None) or 0)
    if windows is not None:
        return windows
    known = _OS_REASONS.get(exc.errno or 0)
    if known is not None:
        return known
    text = exc.strerror or type(exc).__name__
    return text, text


def counted(n: int, noun: str) -> str:
    """``n`` things in English (``1 device``, ``3 devices``): "1 devices" read as a slip in
    every office with one counter."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


#: The full-width digits and signs a Chinese IME types, as ASCII (NFKC would fold these, and
#: the digits of every other script with them).
_FULL_WIDTH_NUMBER: Final = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")
_WHOLE: Final = re.compile(r"[+-]?[0-9]+")


def whole_number(text: str) -> int:
    """A typed whole number: ASCII or full-width digits, an optional sign, spaces around;
    ValueError otherwise. ``int()`` also took the digits of every other script (Arabic-Indic
    ``٣٠`` was 30, Devanagari ``३०`` too) and Python's underscores (``1_000``)."""
    folded = text.strip().translate(_FULL_WIDTH_NUMBER)
    if _WHOLE.fullmatch(folded) is None:
        raise ValueError(f"not a whole number: {printable(text, 20)}")
    return int(folded)


_FULL_WIDTH_DATE: Final = str.maketrans("０１２３４５６７８９－／：．ＴＺ", "0123456789-/:.TZ")


def typed_date(text: str) -> str:
    """A date or time as typed or pasted, before it is read: the spaces around it and the
    invisible format characters in it (a zero-width space a web page pasted along) dropped,
    the full-width digits and signs a Chinese IME types as ASCII. Refused as typed, such a
    date was echoed back unchanged to the eye (``got '2026-12-04'``)."""
    return FORMAT_CHAR.sub("", text).strip().translate(_FULL_WIDTH_DATE)


_ISO_DAY_FORM: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def no_such_day(typed: str) -> str | None:
    """The ``YYYY-MM-DD`` that starts ``typed``, written right but of a day that does not exist
    (2026-02-29, 2026-04-31, 0000-01-01), else None: said so rather than "use YYYY-MM-DD"."""
    head = typed[:10]
    if _ISO_DAY_FORM.fullmatch(head) is None:
        return None
    try:
        date.fromisoformat(head)
    except ValueError:
        return head
    return None


def typed_digits(pattern: str) -> re.Pattern[str]:
    """``pattern`` with each ``\\d`` matching ASCII and full-width digits only (``int`` reads
    both): Python's ``\\d`` matches the digits of every script, so a file or a field took
    ``٣٠`` (Arabic-Indic) as 30."""
    return re.compile(pattern.replace(r"\d", "[0-9０-９]"))
