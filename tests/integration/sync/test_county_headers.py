"""What the county's answers say to browsers and caches, read off the wire: the citizen's status
page was answered without ``Cache-Control: no-store`` (a kiosk's shared browser or a proxy could
keep a citizen's case and ID digits) and without any policy against framing or sniffing."""

from __future__ import annotations

import base64
import hashlib
import json
import socket

import pytest
from sync_helpers import County, CountyServer

from eservice_desktop.county.refusals import refusal
from eservice_desktop.county.status_page import PAGE_HEADERS, render_page


def _head(server: CountyServer, target: str) -> tuple[int, dict[str, str]]:
    """The status and headers of a raw ``GET target`` (lower-case names)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: county\r\nConnection: close\r\n\r\n".encode())
        raw = b""
        while b"\r\n\r\n" not in raw:
            chunk = s.recv(4096)
            if not chunk:
                break
            raw += chunk
    lines = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        assert name.lower() not in headers, f"{name} twice"
        headers[name.lower()] = value.strip()
    return int(lines[0].split()[1]), headers


def test_the_status_page_and_the_json_answers_are_kept_by_no_cache(
    sqlite_county: CountyServer,
) -> None:
    query = "case_number=H01-00-115-000001-0&id_last4=6789"
    for target in ("/status", f"/status?{query}"):
        status, h = _head(sqlite_county, target)
        assert status in (200, 404) and h["content-type"].startswith("text/html")
        assert h["cache-control"] == "no-store"
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert h["x-frame-options"] == "DENY"
        csp = h["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "form-action 'self'" in csp and "style-src 'sha256-" in csp
        assert "script-src" not in csp and "unsafe" not in csp
        assert "strict-transport-security" not in h  # over plain http a browser ignores it
    # JSON: the public status query, a request without credential, a refused query
    for target, want in (
        (f"/v1/public/status?{query}", 404),
        ("/v1/changes?since=0", 401),
        ("/v1/public/status?case_number=x", 422),
    ):
        status, h = _head(sqlite_county, target)
        assert status == want and h["content-type"].startswith("application/json"), target
        assert h["cache-control"] == "no-store"
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert h["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_the_status_pages_policy_allows_its_own_style_only() -> None:
    page = render_page("", None)
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}';" in PAGE_HEADERS["Content-Security-Policy"]
    assert "<script" not in page and " style=" not in page


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /v1/events HTTP/1.1\r\nHost: county\r\nContent-Length: -1\r\n\r\n{}",
        b"POST /v1/events HTTP/1.1\r\nHost: county\r\nContent-Length: +2\r\n\r\n{}",
        b"POST /v1/events HTTP/1.1\r\nHost: county\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
        b"GET /v1/health HTTP/1.1\r\nHost: county\r\nBad Header: x\r\n\r\n",
        b"NOT HTTP AT ALL\r\n\r\n",
    ],
)
def test_a_request_that_is_not_http_is_refused_as_every_request_is(
    sqlite_county: CountyServer, request_bytes: bytes
) -> None:
    """A request h11 cannot read (a request line, a header name with a space, a Content-Length
    of -1 or +2, a chunk size that is no number) was answered by uvicorn itself: the plain text
    "Invalid HTTP request received." without the refusal's words in both languages and without
    the headers every county answer carries (no-store, nosniff, no-referrer, the policy)."""
    with socket.create_connection(("127.0.0.1", sqlite_county.port), timeout=10) as s:
        s.sendall(request_bytes)
        raw = b""
        while chunk := s.recv(4096):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert lines[0].startswith("HTTP/1.1 400"), raw
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == refusal("request.malformed_http")
    assert "HTTP 格式" in json.loads(body)["message_zh"]
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert int(headers["content-length"]) == len(body)


def test_the_report_page_brings_its_own_policy_and_escapes_what_offices_pushed(
    sqlite_county: CountyServer,
) -> None:
    """``GET /reports/KIND`` is HTML drawn from what offices pushed (here the clerk holding an
    overdue case): it was answered with no Content-Security-Policy nor framing rule at all."""
    county = County(sqlite_county)
    county.enrol("H02")
    received = county.received(office="H02", pickup="H02")
    received["clerk"] = "<img src=x onerror=alert(1)>"
    assert county.push("H02", received).json()["results"][0]["status"] == "accepted"
    page = county.get(
        "/reports/on-time",
        params={"from": "2026-03-01", "to": "2026-03-31"},
        headers=county.h("H02"),
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text and "<img" not in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp and "base-uri 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"


def test_the_status_form_is_sent_in_the_body_and_answered_with_the_pages_headers(
    sqlite_county: CountyServer,
) -> None:
    """The page's form posts its fields (a GET form left the case number and the ID's four
    characters in a shared browser's address bar and history); the answer is the same page,
    with the same headers, as the query in the address gets."""
    import requests

    form = render_page("", None)
    assert "<form method='post' action='/status'>" in form
    r = requests.post(
        f"{sqlite_county.url}/status",
        data={"case_number": "Ｈ０１－００－１１５－０００００１－４", "id_last4": "6789"},
        timeout=10,
    )
    assert r.status_code == 404 and "查無此案件" in r.text
    assert "value='H01-00-115-000001-4'" in r.text  # folded as the query in the address is
    for name, value in PAGE_HEADERS.items():
        assert r.headers[name] == value
    assert r.headers["cache-control"] == "no-store"
    empty = requests.post(f"{sqlite_county.url}/status", timeout=10)
    assert empty.status_code == 200 and "id='message'" not in empty.text
