"""The county's refusals as any client reads them: ``{"code", "message_zh", "message_en"}``
(``protocol.ErrorBody``), zh-TW first and English complete, whatever refused the request: the
door (county/edge.py, county/http_server.py: a body too large, not JSON, too slow), a route
(no credential, a revoked device, too many attempts) or FastAPI itself (no such path). Those
answered ``{"detail": "<English>"}``, so an office or a channel could show its user only the
English words or the bare status. The HTTP statuses are as before.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from fastapi import HTTPException

#: The refusals with words of their own: code -> (zh-TW, English).
REFUSALS: dict[str, tuple[str, str]] = {
    "request.too_large": ("要求內容超過上限", "The request body is too large"),
    "request.malformed_json": (
        "要求內容不是標準 JSON（須為 UTF-8，不得有 NaN、Infinity、單獨的代理字元或重複的鍵名）",
        "The request body is not standard JSON (UTF-8, without NaN, Infinity, a lone "
        "surrogate or a key named twice)",
    ),
    "request.header_twice": (
        "Content-Type、Content-Encoding 或 Content-Length 標頭重複",
        "Content-Type, Content-Encoding or Content-Length is named twice",
    ),
    "request.bad_length": ("Content-Length 標頭格式錯誤", "The Content-Length header is malformed"),
    "request.malformed_http": (
        "要求不符合 HTTP 格式（要求列、標頭、Content-Length 或分塊有誤）",
        "The request is not well-formed HTTP (its request line, a header, Content-Length or a "
        "chunk)",
    ),
    "request.framing": (
        "Content-Length 與 Transfer-Encoding 標頭不得同時出現",
        "Content-Length and Transfer-Encoding may not both be sent",
    ),
    "request.encoding": (
        "不支援此內容編碼（僅接受 gzip 或 identity）",
        "Unsupported content encoding (gzip or identity only)",
    ),
    "request.bad_gzip": ("gzip 壓縮內容損壞或不完整", "The gzip body is damaged or cut short"),
    "request.body_too_slow": ("要求內容傳送太慢", "The request body came too slowly"),
    "request.head_too_slow": ("要求標頭傳送太慢", "The request head came too slowly"),
    "request.bad_cursor": (
        "同步位置（since）超出範圍",
        "The feed position (since) is out of range",
    ),
    "server.busy": ("縣府伺服器忙碌中，請稍後再試", "The county server is busy; try again shortly"),
    "server.database": (
        "縣府資料庫暫時無法使用（無法連線或寫入），請稍後再試",
        "The county database is unavailable for now (cannot connect or write); try again shortly",
    ),
    "enrol.too_many": (
        "登記嘗試次數過多，請稍後再試",
        "Too many enrolment attempts; try again later",
    ),
    "auth.unauthenticated": (
        "本機尚未登記，或憑證不明",
        "The device is not enrolled, or its credential is unknown",
    ),
    "auth.revoked": ("本機憑證已被縣府撤銷", "The device credential was revoked"),
    "rate.too_many": ("要求次數過多，請稍後再試", "Too many requests; try again later"),
    "chain.behind": (
        "縣府保有本機事件只到較早的一筆（縣府可能由較舊的備份還原）：請自該筆之後重新上傳",
        "The county holds this device's events only up to an earlier one (it may have been "
        "restored from an older backup): send them again from after it",
    ),
    "idempotency.key_reused": (
        "此 Idempotency-Key 已用於另一份申請內容；新的申請須使用新的識別碼",
        "This Idempotency-Key was used for another application; a new application needs a new key",
    ),
}

#: The words of a refusal no table names, by status (the English text the route gave follows
#: in the English message).
_BY_STATUS: dict[int, tuple[str, str, str]] = {
    400: (
        "request.bad",
        "縣府伺服器無法接受此要求",
        "The county server cannot accept this request",
    ),
    403: ("request.forbidden", "縣府伺服器不允許此要求", "The county server does not allow this"),
    404: ("request.not_found", "縣府伺服器查無此項", "Not found on the county server"),
    405: ("request.method", "縣府伺服器不接受此方法", "Method not allowed on the county server"),
    409: ("request.conflict", "縣府伺服器拒絕此要求", "The county server refused this request"),
    413: ("request.too_large", *REFUSALS["request.too_large"]),
    429: ("rate.too_many", *REFUSALS["rate.too_many"]),
}


def body_of(code: str, zh: str, en: str) -> dict[str, str]:
    return {"code": code, "message_zh": zh, "message_en": en}


def refusal(code: str) -> dict[str, str]:
    """The body of a refusal of the table."""
    zh, en = REFUSALS[code]
    return body_of(code, zh, en)


def refusal_bytes(code: str) -> bytes:
    """The body of a refusal of the table, as the door sends it (UTF-8 JSON)."""
    return json.dumps(refusal(code), ensure_ascii=False).encode()


def refused(status: int, code: str, headers: dict[str, str] | None = None) -> HTTPException:
    """A route's refusal of the table (the app's handler answers it as it is)."""
    return HTTPException(status, refusal(code), headers)


def answer_of(status: int, detail: object) -> dict[str, str]:
    """What a refusal with ``detail`` answers: a refusal already in shape as it is; an English
    text (FastAPI's own, or a route's) with the words of its status, the text after them."""
    if isinstance(detail, dict) and {"code", "message_zh", "message_en"} <= detail.keys():
        return {k: str(detail[k]) for k in ("code", "message_zh", "message_en")}
    fallback = (
        "request.refused" if status < 500 else "server.error",
        "縣府伺服器拒絕此要求" if status < 500 else "縣府伺服器發生錯誤",
        "The county server refused the request" if status < 500 else "County server error",
    )
    code, zh, en = _BY_STATUS.get(status, fallback)
    text = str(detail or "").strip()
    plain = text in ("", en) or text == _phrase(status)  # FastAPI's "Not Found": no more
    return body_of(code, zh, en if plain else f"{en} ({text[:200]})")


def database_reason(error: Exception) -> str:
    """What a database error says, for the log: its driver's class and first line (a failed
    connection, a full disk), never the statement or its values."""
    orig = getattr(error, "orig", None) or error
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {first[:200]}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
