"""The county link's errors, by what failed (offline, the county, the credential, the settings,
a refused request), and how a clerk reads them. Re-exported by ``county_link.client``.
"""

from __future__ import annotations


class SyncError(Exception):
    """A round failed; ``transient`` errors are retried with back-off. ``status`` is the HTTP
    status the county answered, when it answered. :meth:`message` is what a clerk reads."""

    transient = True
    #: Seconds the county asked to be left alone for (``Retry-After`` of a 503 or a 429), or
    #: None: the sync loop waits at least that long before its next round.
    retry_after: float | None = None
    #: What to do about it, when the office can tell (zh-TW, English), said after the failure
    #: itself; ``reason`` its code. A county's 401 to a counter never enrolled said only
    #: "device not enrolled", naming no command (``services/sync/refused_why.py`` sets them).
    hint: tuple[str, str] | None = None
    reason: str | None = None
    #: The answer was not a county's (a web page of another site or a proxy, a 501 of a server
    #: that does not know the county's requests): it read "county server error", and IT looked
    #: at the county instead of the URL.
    foreign: bool = False

    def __init__(self, detail: str = "", status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status

    def message(self, lang: str = "zh_TW") -> str:
        return sync_error_message(self, lang)


class Offline(SyncError):
    """Could not reach the server (refused, reset, timeout)."""


class _CountyWords(SyncError):
    """An answer the county may give its reason for: ``words``, its code, zh-TW and English
    (docs/protocol.md), kept as ``code``, ``message_zh`` and ``message_en``."""

    def __init__(
        self,
        detail: str = "",
        status: int | None = None,
        words: tuple[str, str, str] | None = None,
    ) -> None:
        super().__init__(detail, status)
        self.code, self.message_zh, self.message_en = words or ("", "", "")


class ServerError(_CountyWords):
    """The server answered 5xx or something unreadable, with the county's reason when it gave
    one (its database unavailable, ``server.database``)."""


class AuthError(SyncError):
    """401/403: the device is not enrolled, or its credential was revoked."""

    transient = False


class DeviceRevoked(AuthError):
    """Enrolment: the code replaces a device the county revoked (the code is left unused);
    the county's words say the way on, a code for a new device."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh, self.message_en = message_zh, message_en


class ConfigError(SyncError):
    """The URL/TLS settings are unacceptable (plain http to a remote host, no pinned CA).
    ``said``: its words (zh-TW, English) when they name more than the table's (the county
    URL to type instead, ``county_link.url_form``)."""

    transient = False
    said: tuple[str, str] | None = None


class RequestRefused(_CountyWords):
    """4xx other than auth: a bug or a version mismatch; retrying will not help. The county's
    reason when it gave one."""

    transient = False


class CountyOlder(RequestRefused):
    """The county refused an event this build's wire model takes (an event type it does not
    know yet): it is older than this counter. That event and those after it wait in the
    outbox for its upgrade; the round pulled before it failed."""


class ChainBehind(RequestRefused):
    """409 ``chain.behind`` to a push that asked for it: the county holds this device's chain
    only up to ``head`` (the hash of its last link there; None: none of it), not up to the
    event the batch follows on from. A county restored from an older backup lost what the
    device pushed after it (services/sync/rewound.py)."""

    def __init__(self, head: str | None) -> None:
        super().__init__(f"county holds the chain up to {head or 'nothing'}", 409)
        self.code = "chain.behind"
        self.head = head


class WrongOffice(RequestRefused):
    """Enrolment: the code was issued for another office (the county did not use it)."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en, 409)
        self.message_zh, self.message_en = message_zh, message_en


class RateLimited(RequestRefused):
    """429: too many attempts; ``retry_after`` seconds (as the county said) to wait."""

    retry_after: int  # always a number here: 60 when the county gave none

    def __init__(self, retry_after: str, status: int = 429) -> None:
        super().__init__(f"too many attempts, retry after {retry_after or '?'} s", status)
        self.retry_after = int(retry_after_s(retry_after) or 60)


class LookupRefused(RequestRefused):
    """A document-free look-up the county answered with a reason (no record, unknown kind, no
    consent, case of another office); ``code`` is the county's reason code."""

    def __init__(self, code: str, message_zh: str, message_en: str, status: int) -> None:
        super().__init__(message_en, status)
        self.code, self.message_zh, self.message_en = code, message_zh, message_en


#: Why the county refused us, by HTTP status: (zh-TW, English).
_STATUS_REASONS: dict[int, tuple[str, str]] = {
    401: ("本機尚未登記", "device not enrolled"),
    403: ("本機憑證已被縣府撤銷", "device credential revoked"),
    404: ("縣府伺服器沒有這項服務", "not found on the county server"),
    407: (
        "本所網路的代理伺服器要求登入，同步無法送出；請洽資訊人員",
        "the office network's proxy server asks for a sign-in; call IT",
    ),
    409: ("縣府伺服器拒絕此要求", "refused by the county server"),
    413: ("資料太大", "too large"),
    429: ("縣府伺服器忙碌中", "county server busy"),
    503: ("縣府伺服器忙碌中，稍後自動重試", "county server busy, trying again shortly"),
}

#: Transport failures (requests exception names): (zh-TW, English).
_OFFLINE_REASONS: dict[str, tuple[str, str]] = {
    "ConnectionError": ("連線被拒或網路中斷", "connection refused or network down"),
    "ConnectTimeout": ("連線逾時", "connection timed out"),
    "ReadTimeout": ("等候回應逾時", "no answer in time"),
    "Timeout": ("逾時", "timed out"),
    "NameResolution": (
        "找不到縣府伺服器的主機名稱（DNS）",
        "the county server's host name does not resolve (DNS)",
    ),
    "TLSCut": (
        "建立安全連線（TLS）時連線中斷",
        "the connection broke off during the secure (TLS) handshake",
    ),
    "ChunkedEncodingError": ("回應傳送到一半連線中斷", "the connection broke off mid-answer"),
    "ContentDecodingError": ("回應內容不完整或已損毀", "the answer arrived cut short or damaged"),
    "the county answered too slowly": (
        "縣府伺服器回應太慢，已中斷",
        "the county server answered too slowly; cut off",
    ),
    "the sync round ran out of time": (
        "本輪同步時間已到，下一輪接續",
        "the sync round ran out of time; the next one goes on",
    ),
}


#: What a ConfigError names (the start of its text), for IT: which setting to correct.
_CONFIG_REASONS: dict[str, tuple[str, str]] = {
    "malformed county URL": ("縣府網址格式錯誤", "the county URL is malformed"),
    "plain http": (
        "非本機的縣府網址須使用 https",
        "plain http is only for this machine (loopback); use https",
    ),
    "unsupported URL scheme": (
        "縣府網址須以 https:// 開頭",
        "the county URL must start with https://",
    ),
    "https needs the county CA": (
        "https 須設定縣府 CA 憑證（county_ca_file）",
        "https needs the county CA certificate (county_ca_file)",
    ),
    "county CA file missing": (
        "找不到或無法讀取縣府 CA 憑證檔（county_ca_file）",
        "the county CA file (county_ca_file) is missing or unreadable",
    ),
    "TLS handshake failed": (
        "縣府網址的連接埠未提供安全連線（TLS），請確認網址與連接埠",
        "nothing at the county URL's port speaks TLS; check the URL and the port",
    ),
    "TLS verification failed": (
        "縣府伺服器憑證未通過驗證（county_ca_file 不是簽發它的 CA，或本機時鐘錯誤）",
        "the county server's certificate does not verify (county_ca_file is not its CA, "
        "or this PC's clock is wrong)",
    ),
}


#: What a ServerError of an answer the office refuses names (the start of its text).
_SERVER_REASONS: dict[str, tuple[str, str]] = {
    "county cursor": (
        "縣府傳回的同步位置不合理，本所未採用",
        "it sent an impossible feed position; not taken",
    ),
    "county attachment": (
        "縣府傳回的附件上傳位置不合理",
        "it sent an impossible attachment upload position",
    ),
    "answer from county too large": (
        "回應超過 64 MiB 上限，未讀完",
        "its answer passed the 64 MiB limit; not read",
    ),
    "a web page": (
        "收到的是網頁而非縣府的回應，可能是網路登入頁；請洽資訊人員",
        "a web page came back instead of the county's answer, perhaps a network sign-in page; "
        "call IT",
    ),
}

#: A redirect (3xx): no county route answers one (zh-TW, English).
_REDIRECTED = (
    "網路將連線轉到其他網址，可能是網路登入頁；請洽資訊人員",
    "the network sent the request elsewhere, perhaps to a network sign-in page; call IT",
)


#: An answer no county gives (:attr:`SyncError.foreign`) (zh-TW, English).
_FOREIGN = (
    "此網址的伺服器不像縣府同步伺服器那樣回應；請確認縣府網址（county_url）指向縣府同步伺服器",
    "the server at this address does not answer as a county server does; check that the "
    "county URL (county_url) points at the county sync server",
)


#: What a :class:`CountyOlder` round says (zh-TW, English).
_COUNTY_OLDER = (
    "縣府伺服器版本較本機舊，無法讀取本機部分事件；這些事件留在本機，待縣府更新後自動送出，請洽資訊人員",
    "The county server is older than this counter and cannot read some of its events; they "
    "wait here and go once the county is upgraded; call IT",
)


def error_named(name: str) -> SyncError | None:
    """The error class a stored ``last_error`` names, as an instance to describe."""
    kinds = (Offline, ServerError, AuthError, ConfigError, RequestRefused, CountyOlder)
    cls = {c.__name__: c for c in kinds}
    found = cls.get(name)
    return found() if found is not None else None


def config_reason(error: ConfigError) -> tuple[str, str]:
    """Which setting a ConfigError is about, in (zh-TW, English)."""
    if error.said is not None:
        return error.said
    what = next((r for k, r in _CONFIG_REASONS.items() if str(error).startswith(k)), None)
    return what or ("縣府網址或憑證", "county URL or certificate")


def _status_reason(status: int) -> tuple[str, str]:
    """Why an answer of ``status`` failed the round, in (zh-TW, English)."""
    if status >= 500 and status not in _STATUS_REASONS:
        return ("縣府伺服器發生錯誤", "county server error")
    if 300 <= status < 400:
        return _REDIRECTED
    return _STATUS_REASONS.get(status, ("縣府伺服器拒絕此要求", "request refused"))


def retry_after_s(header: str | None) -> float | None:
    """A ``Retry-After`` of delay-seconds (what the county and most proxies send), or None; an
    HTTP date or a value that is no number is none (the back-off applies)."""
    value = (header or "").strip()
    return float(value) if value.isdigit() else None


def sync_error_message(error: BaseException, lang: str = "zh_TW") -> str:
    """A failed round as a clerk reads it, in the clerk's language, never an exception name:
    e.g. "Cannot reach the county server (HTTP 401: device not enrolled)", followed by what to
    do when the error carries it (its ``hint``)."""
    said = _failure_sentence(error, lang)
    hint = getattr(error, "hint", None)
    if not hint:
        return said
    return f"{said}; {hint[1]}" if lang.lower().startswith("en") else f"{said}；{hint[0]}"


def _failure_sentence(error: BaseException, lang: str) -> str:
    """The failure itself, in ``lang``."""
    en = lang.lower().startswith("en")

    def say(zh: str, english: str) -> str:
        return english if en else zh

    status = getattr(error, "status", None)
    if isinstance(error, ServerError) and error.message_zh and error.message_en:
        return say(
            f"無法與縣府伺服器同步（HTTP {status}：{error.message_zh}）",
            f"Cannot sync with the county server (HTTP {status}: {error.message_en})",
        )
    if isinstance(error, CountyOlder):
        return say(*_COUNTY_OLDER)
    if isinstance(error, RequestRefused) and error.message_zh and error.message_en:
        return say(
            f"縣府伺服器拒絕此要求（HTTP {status}：{error.message_zh}）",
            f"The county server refused the request (HTTP {status}: {error.message_en})",
        )
    if isinstance(error, (AuthError, ServerError, RequestRefused)) and status is not None:
        reason = _FOREIGN if error.foreign else _status_reason(status)
        return say(
            f"無法與縣府伺服器同步（HTTP {status}：{reason[0]}）",
            f"Cannot reach the county server (HTTP {status}: {reason[1]})",
        )
    if isinstance(error, AuthError):
        return say(
            "無法與縣府伺服器同步（本機未登記或憑證已撤銷）",
            "Cannot reach the county server (device not enrolled or credential revoked)",
        )
    if isinstance(error, ServerError):
        what = next((r for k, r in _SERVER_REASONS.items() if str(error).startswith(k)), None)
        if what is not None:
            return say(
                f"無法與縣府伺服器同步（{what[0]}）",
                f"Cannot sync with the county server ({what[1]})",
            )
        return say(
            "無法與縣府伺服器同步（回應無法辨識）",
            "Cannot reach the county server (unreadable answer)",
        )
    if isinstance(error, Offline):
        reason = _OFFLINE_REASONS.get(str(error), ("網路無法連線", "network unreachable"))
        return say(
            f"無法連線縣府伺服器（{reason[0]}）", f"Cannot reach the county server ({reason[1]})"
        )
    if isinstance(error, ConfigError):
        what = config_reason(error)
        return say(
            f"同步設定不正確（{what[0]}），請洽資訊人員",
            f"The sync settings are wrong ({what[1]}); call IT",
        )
    if isinstance(error, RequestRefused):
        return say("縣府伺服器拒絕此要求", "The county server refused the request")
    return say("同步發生錯誤，請洽資訊人員", "Sync failed; call IT")
