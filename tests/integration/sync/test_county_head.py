"""``HEAD`` answered as ``GET`` without the body, read off the wire of a real server: the
county's routes answered 405 to it (FastAPI adds no ``HEAD`` to a ``GET`` route), so a
monitoring tool checking ``/v1/health`` with ``HEAD`` (``curl -I``, an uptime check, a load
balancer's probe) reported the county down while it served every office."""

from __future__ import annotations

import json
import socket

from sync_helpers import County, CountyServer


def _ask(server: CountyServer, lines: str) -> bytes:
    """What the server sends back on one connection for the raw requests in ``lines`` (the
    last one says ``Connection: close``), read to the end."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
        s.sendall(lines.encode())
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    return raw


def _request(method: str, target: str, close: bool = False, auth: str = "") -> str:
    extra = "Connection: close\r\n" if close else ""
    extra += f"Authorization: Bearer {auth}\r\n" if auth else ""
    return f"{method} {target} HTTP/1.1\r\nHost: county\r\n{extra}\r\n"


def _status_and_headers(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.lower()] = value.strip()
    return int(lines[0].split()[1]), headers, rest


def test_head_answers_as_get_without_a_body(sqlite_county: CountyServer) -> None:
    county = County(sqlite_county)
    credential = county.enrol("H01")
    for target, auth, want in (
        ("/v1/health", "", 200),
        ("/status", "", 200),
        ("/v1/keys", credential, 200),
        ("/v1/status", credential, 200),
        ("/v1/status", "", 401),  # HEAD asks what GET asks: no credential, no answer
        ("/v1/public/status?case_number=x", "", 422),
    ):
        got = _ask(sqlite_county, _request("GET", target, close=True, auth=auth))
        get_status, get_headers, body = _status_and_headers(got)
        assert get_status == want, (target, got[:300])
        raw = _ask(sqlite_county, _request("HEAD", target, close=True, auth=auth))
        status, headers, rest = _status_and_headers(raw)
        assert status == want, (target, raw[:300])
        assert rest == b""  # the head only
        assert headers["content-type"] == get_headers["content-type"]
        if target == "/v1/health":
            assert headers["content-length"] == get_headers["content-length"]
            assert json.loads(body)["status"] == "ok"
    # three HEADs and a GET on one kept-alive connection: no body was sent between them, so
    # each answer starts where the one before ended
    raw = _ask(
        sqlite_county,
        _request("HEAD", "/v1/health") * 3 + _request("GET", "/v1/health", close=True),
    )
    answers = raw.split(b"HTTP/1.1 ")[1:]
    assert [a[:3] for a in answers] == [b"200"] * 4
    assert all(a.endswith(b"\r\n\r\n") for a in answers[:3])
    assert json.loads(answers[3].partition(b"\r\n\r\n")[2])["status"] == "ok"


def test_a_route_without_get_still_refuses_head(sqlite_county: CountyServer) -> None:
    raw = _ask(sqlite_county, _request("HEAD", "/v1/events", close=True))
    status, headers, _ = _status_and_headers(raw)
    assert status == 405 and headers["allow"] == "POST"
