"""The county's door (county/edge.py, county/http_server.py, county/refusals.py) without a
database: what it refuses and how it says so, zh-TW and English, to any client."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from eservice_desktop.county import http_server
from eservice_desktop.county.edge import BadJSON, BoundedStrictBodies, RateLimiter, strict_loads
from eservice_desktop.county.refusals import REFUSALS, answer_of
from eservice_desktop.county_link.protocol import ErrorBody


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


class Door:
    """Requests to the door in front of an app that answers "ok" (in-process ASGI)."""

    def post(
        self, path: str, content: bytes, headers: dict[str, str] | list[tuple[str, str]]
    ) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=BoundedStrictBodies(_echo))
            async with httpx.AsyncClient(transport=transport, base_url="http://county") as c:
                return await c.post(path, content=content, headers=headers)

        return asyncio.run(send())


@pytest.fixture(scope="module")
def door() -> Door:
    return Door()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"events": [{"at": "2026-03-10T02:00:00Z", "at": 1773108000}]}',
        b'{"a": {"b": 1, "c": {"d": 1, "d": 1}}}',
        b'{"a": 1, "a": 1}',
    ],
)
def test_a_key_named_twice_is_refused_at_the_door(door: Door, raw: bytes) -> None:
    """json keeps the last of two equal keys, another reader the first: the county checked
    and stored a value other than the one a log or a proxy saw."""
    with pytest.raises(BadJSON):
        strict_loads(raw)
    r = door.post("/v1/events", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert ErrorBody.model_validate(r.json()).code == "request.malformed_json"
    assert strict_loads(b'{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}')["b"][1] == {"a": 3}


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({"Content-Type": "application/json"}, b'{"x": NaN}', 400, "request.malformed_json"),
        ({"Content-Type": "application/json"}, b"[" * 100_000, 400, "request.malformed_json"),
        ({"Content-Length": "99999999"}, b"", 413, "request.too_large"),
        ({"Content-Length": "12x"}, b"", 400, "request.bad_length"),
        ({"Content-Encoding": "br"}, b"{}", 415, "request.encoding"),
        # a length and chunks: the server read the chunks and kept the connection, a proxy
        # before it may read the length and take the rest for another request (smuggling)
        ({"Transfer-Encoding": "chunked"}, b"{}", 400, "request.framing"),
        ({"Content-Encoding": "gzip"}, b"\x1f\x8bnot gzip", 400, "request.bad_gzip"),
    ],
)
def test_the_doors_refusals_say_why_in_both_languages(
    door: Door, headers: dict[str, str], body: bytes, status: int, code: str
) -> None:
    """The door's refusals answered ``{"detail": "<English>"}``: now the status as before
    and the shape of every other refusal, so an office shows the reason in its clerk's
    language."""
    r = door.post("/v1/access", content=body, headers=headers)
    assert r.status_code == status
    said = ErrorBody.model_validate(r.json())
    assert (said.code, said.message_zh, said.message_en) == (code, *REFUSALS[code])


def test_a_body_header_named_twice_is_refused(door: Door) -> None:
    """The door read the last Content-Type and FastAPI the first: ``application/json`` then
    ``text/plain`` passed the door unparsed and FastAPI read the body with json.loads, a key
    named twice and NaN and all."""
    twice = [("Content-Type", "application/json"), ("Content-Type", "text/plain")]
    r = door.post("/v1/events", content=b'{"a": 1, "a": NaN}', headers=twice)
    assert r.status_code == 400
    assert r.json()["code"] == "request.header_twice"


def test_the_servers_own_answers_are_refusals_too() -> None:
    """The head deadline's 408 and the descriptor reserve's 503 are written as raw bytes."""
    answers = ((http_server._408, "request.head_too_slow"), (http_server._503, "server.busy"))
    for raw, code in answers:
        head, _, body = raw.partition(b"\r\n\r\n")
        assert b"content-length: %d" % len(body) in head
        assert ErrorBody.model_validate(json.loads(body)).code == code


@pytest.mark.parametrize(
    ("status", "detail", "code", "en"),
    [
        (404, "Not Found", "request.not_found", "Not found on the county server"),
        (403, "device revoked", "request.forbidden",
         "The county server does not allow this (device revoked)"),
        (418, "odd", "request.refused", "The county server refused the request (odd)"),
    ],
)  # fmt: skip
def test_a_routes_english_refusal_gets_both_languages(
    status: int, detail: Any, code: str, en: str
) -> None:
    said = ErrorBody.model_validate(answer_of(status, detail))
    assert (said.code, said.message_en) == (code, en)
    assert said.message_zh.startswith("縣府伺服器")


@pytest.mark.parametrize(
    ("allowed", "client", "trusted"),
    [
        ("127.0.0.1,::1", ("127.0.0.1", 5000), True),
        ("127.0.0.1,::1", ("127.0.0.2", 5000), False),
        ("10.0.0.0/8, 192.0.2.5", ("10.20.30.40", 5000), True),  # a network, as uvicorn reads it
        ("10.0.0.0/8, 192.0.2.5", ("192.0.2.6", 5000), False),
        (["*"], ("198.51.100.7", 5000), True),
        ("10.0.0.0/8", None, False),
    ],
)
def test_a_trusted_proxy_has_no_connection_share(
    allowed: str | list[str], client: tuple[str, int] | None, trusted: bool
) -> None:
    """The proxies uvicorn trusts for X-Forwarded-For, named one by one or by network, bring
    every client behind them: a proxy named by its network was held to one client's share."""
    config = type("Config", (), {"forwarded_allow_ips": allowed})()
    assert http_server._trusted_proxy(config, client) is trusted


async def _client_address(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["client"][0].encode()})


@pytest.mark.parametrize(
    ("trusted", "seen"),
    [((), "127.0.0.1"), (["10.0.0.0/8"], "127.0.0.1"), (["127.0.0.1/32"], "203.0.113.9")],
)
def test_x_forwarded_for_is_believed_from_a_trusted_proxy_only(
    trusted: list[str], seen: str
) -> None:
    """A process on the county's host named any address in X-Forwarded-For (uvicorn trusts
    loopback by default), and every per-address limit counted that one: only the proxies IT
    names (``--trusted-proxy``) are believed now."""
    config = http_server.server_config(_client_address, "127.0.0.1", 0, trusted_proxies=trusted)
    config.load()

    async def ask() -> str:
        transport = httpx.ASGITransport(app=config.loaded_app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://county") as c:
            return (await c.get("/", headers={"X-Forwarded-For": "203.0.113.9"})).text

    assert asyncio.run(ask()) == seen
    assert http_server._trusted_proxy(config, ("127.0.0.1", 5000)) is (seen != "127.0.0.1")


def test_the_first_refusal_of_a_key_in_a_window_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A password-guessing run answered 429 left no line in the county's log: the first
    refusal per key and window says the key now, the rest of that window's do not flood it."""
    limiter = RateLimiter(2, 60.0)
    for t in range(6):
        limiter.hit("login:H01:a02", now=float(t))
    assert limiter.retry_after("login:H01:a02", now=6.0) > 0
    limiter.hit("login:H01:a02", now=200.0)  # a new window: allowed, nothing to say
    for t in (201.0, 202.0, 203.0):
        limiter.hit("login:H01:a02", now=t)
    said = [r.getMessage() for r in caplog.records if r.name == "eservice.county.rate"]
    assert len(said) == 2
    assert all("rate limit reached for login:H01:a02" in line for line in said)


def test_an_unexpected_error_is_logged_without_its_text(
    caplog: pytest.LogCaptureFixture, expect_error_logs: list[str]
) -> None:
    """A route's surprise reached the county's log with its text (``ValueError: 申請人 王小明
    台北市信義路…``: no redaction masks a name or an address) and the office read ``Internal
    Server Error``: now the frames and the type only, and the 500 refusal in both languages."""
    from eservice_desktop.county.quiet_errors import QuietErrors

    given = {"name": "王小明", "address": "台北市信義路"}  # what the route was sent

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            raise KeyError(given["name"])
        except KeyError as e:
            raise ValueError(f"申請人 {given['name']} {given['address']}") from e

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=QuietErrors(route))
        async with httpx.AsyncClient(transport=transport, base_url="http://county") as c:
            return await c.get("/v1/cases/H01-01-115-000001-8")

    answer = asyncio.run(ask())
    assert answer.status_code == 500 and answer.json()["code"] == "server.error"
    assert answer.json()["message_zh"] == "縣府伺服器發生錯誤"
    (said,) = [r.getMessage() for r in caplog.records if r.name == "eservice.county.http"]
    assert "GET /v1/cases/H01-01-115-000001-8" in said and "ValueError (its text" in said
    assert "KeyError (its text" in said and "test_county_door.py" in said
    assert "王小明" not in said and "信義路" not in said
