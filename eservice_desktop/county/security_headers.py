"""Headers every county answer carries (an outer ASGI middleware, no per-route code): nothing
the county answers is for a cache to keep (``Cache-Control: no-store``: a citizen's status on a
kiosk's or a shared browser, a proxy in front, an office's pull), no browser guesses another
content type (``X-Content-Type-Options: nosniff``) or sends the address with the case number on
(``Referrer-Policy: no-referrer``). A JSON answer also forbids a browser to run or frame
anything (``Content-Security-Policy: default-src 'none'; frame-ancestors 'none'``); an HTML page
brings its own policy (the status page: county/status_page.py; the report pages:
county/reports.py; the API's page ``/docs``: county/api_page.py). A header the route set
already is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

EVERY_ANSWER: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
#: The policy of an answer that is not a page: nothing in it is to be run, loaded or framed.
NOT_A_PAGE_CSP = b"default-src 'none'; frame-ancestors 'none'"
#: On an answer over TLS (``serve --tls-cert``, or a trusted proxy's ``X-Forwarded-Proto``): a
#: browser that met the county over https once asks it over https only for a year. Without it,
#: each visit typed without ``https://`` went out over http first (to be redirected), where
#: anyone on a café's network could answer with a status page of their own and read the case
#: number and ID characters typed into it.
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """Adds :data:`EVERY_ANSWER` (and :data:`NOT_A_PAGE_CSP` to what is not HTML, :data:`HSTS`
    to what goes over TLS) to each HTTP answer's head, unless the route set that header
    itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = with_security_headers(list(message.get("headers", ())))
                if scope.get("scheme") == "https" and all(k.lower() != HSTS[0] for k, _ in headers):
                    headers.append(HSTS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    have = {k.lower(): v for k, v in headers}
    for name, value in EVERY_ANSWER:
        if name not in have:
            headers.append((name, value))
    html = have.get(b"content-type", b"").lower().startswith(b"text/html")
    if not html and b"content-security-policy" not in have:
        headers.append((b"content-security-policy", NOT_A_PAGE_CSP))
    return headers
