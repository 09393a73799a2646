"""An unexpected error in a county route, answered and logged without its text.

uvicorn logged such an error (a bug, a library's surprise) with Python's whole traceback, whose
last line is the exception's text: ``ValueError: 申請人 王小明 …`` reached the county's log as
it was (the redaction masks ID and phone numbers, never a name or an address), and the office
was answered ``Internal Server Error`` in plain English text. This innermost middleware catches
what the routes and FastAPI's own handlers let through: the log gets the route's method and
path, every frame (file, line, code) and the exception's type, never its text; the client gets
the county's 500 refusal, ``server.error`` in zh-TW and English.
"""

from __future__ import annotations

import json
import logging
import traceback

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eservice_desktop.county.refusals import answer_of

log = logging.getLogger("eservice.county.http")

_500 = json.dumps(answer_of(500, ""), ensure_ascii=False).encode()


def quiet_traceback(error: BaseException) -> str:
    """The frames of ``error`` and of the errors it came from, each ending with its type only
    (an exception's text may hold what a route was given: a name, an address)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{frames}{kind.__module__}.{kind.__qualname__} (its text is not logged)")
        current = current.__cause__ or current.__context__
    return "\nwhich came from:\n".join(parts)


class QuietErrors:
    """Answers an unexpected error with the 500 refusal and logs it by :func:`quiet_traceback`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as e:  # a route's or a library's surprise: logged without its text
            log.error(
                "unexpected error answering %s %s:\n%s",
                scope.get("method", ""),
                str(scope.get("path", ""))[:200],
                quiet_traceback(e),
            )
            if started:  # the answer was under way: the connection is cut
                raise
            headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
            headers.append((b"content-length", str(len(_500)).encode()))
            await send({"type": "http.response.start", "status": 500, "headers": headers})
            await send({"type": "http.response.body", "body": _500})
