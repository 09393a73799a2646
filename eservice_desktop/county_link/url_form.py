"""What of a county URL IT typed no county answers at, said as what to change.

Each was refused before as "the county URL is malformed" or, worse, taken and then failed at the
first request: ``https://county.example/v1`` (the protocol documents its routes under ``/v1``)
reached ``/v1/v1/enrol`` and read as the county's HTTP 404 "not found", naming nothing to
correct; a query string (``?x=1``) had the routes appended to the query, every request then at
the server's root; ``user:password@`` had requests send that pair in the bearer credential's
place (every round refused as "not enrolled") and kept the password in settings.json; a space
copied along from an e-mail read as "malformed". The refusals here name what to change.

A URL with ``/v1`` (or ``/v2``…) in its path is refused, not taken with it cut off: the
setting is kept and shown (doctor, ``sync status``, the enrolment record) as IT typed it, and a
county published under a path of its own holding such a segment is told apart from a typo only
by IT; the refusal names the root to type instead (exit 2 at ``setup`` and ``sync enrol``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from eservice_desktop.county_link.errors import ConfigError

#: A path segment that is the protocol's version (``v1``; ``v2`` served beside it one day):
#: the counter adds it to the root itself.
_VERSION = re.compile(r"[vV][0-9]+")
#: Characters shown of a URL in a refusal are printable ones only.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

SPACE = (
    "縣府網址格式錯誤：含有空白字元（可能是自郵件複製時一併帶入），請刪除空白",
    "the county URL is malformed: it contains a space (perhaps copied along from an e-mail); "
    "remove it",
)
PORT = (
    "縣府網址格式錯誤：連接埠須為 1 到 65535 的數字（半形）",
    "the county URL is malformed: its port must be a number from 1 to 65535 (in ASCII digits)",
)
IPV6 = (
    "縣府網址格式錯誤：IPv6 位址須以方括號括起，如 https://[2001:db8::1]:8443",
    "the county URL is malformed: an IPv6 address goes in square brackets, e.g. "
    "https://[2001:db8::1]:8443",
)
BACKSLASH = (
    "縣府網址格式錯誤：須用斜線 /，不是反斜線 \\",
    "the county URL is malformed: it is written with slashes /, not backslashes \\",
)
USER = (
    "縣府網址不可含帳號或密碼（…@）；本機以自己的憑證登入縣府",
    "the county URL must not carry a user name or password (…@); the counter signs in with "
    "its own credential",
)
QUERY = (
    "縣府網址不可含 ? 或 # 及其後的部分",
    "the county URL takes nothing from a ? or a # on",
)


def refused(words: tuple[str, str]) -> ConfigError:
    """A ConfigError that says ``words`` (zh-TW, English): what was "malformed" alone still
    says so (縣府網址格式錯誤), followed by what to change."""
    error = ConfigError(f"county URL: {words[1]}")
    error.said = words
    return error


def check_spaces(url: str) -> None:
    """A space anywhere in the URL (a name cannot hold one; around it, it is a copy's), or a
    backslash (a Windows path's habit: ``https:\\\\county`` has no host)."""
    if any(c.isspace() for c in url):
        raise refused(SPACE)
    if "\\" in url:
        raise refused(BACKSLASH)


def check_port(url: str) -> None:
    """A port outside 1–65535 or no number (``:0``, ``:65536``, ``:8443x``, full-width digits
    an input method typed), an IPv6 address without its brackets (its colons read as a port);
    an unclosed IPv6 bracket stays "malformed"."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1"
        raise ConfigError("malformed county URL") from None
    host_port = parts.netloc.rpartition("@")[2]
    if host_port.count(":") > 1 and "[" not in host_port:  # https://2001:db8::1
        raise refused(IPV6)
    try:
        port = parts.port
    except ValueError:  # out of range, or not a number
        raise refused(PORT) from None
    if port == 0:
        raise refused(PORT)


def check_parts(url: str) -> None:
    """No user name or password, no query or fragment, no ``/v1`` in the path (an http(s)
    URL whose port and host were checked)."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise refused(USER)
    if "?" in url or "#" in url:
        raise refused(QUERY)
    segments = parts.path.split("/")
    at = next((i for i, s in enumerate(segments) if _VERSION.fullmatch(s)), None)
    if at is not None:
        root = _UNPRINTABLE.sub("", f"{parts.scheme}://{parts.netloc}{'/'.join(segments[:at])}")
        typed = _UNPRINTABLE.sub("", segments[at])
        raise refused(
            (
                f"縣府網址應為伺服器的根網址，不含 /{typed}：請改用 {root}",
                f"the county URL is the server's root, without /{typed}: use {root}",
            )
        )
