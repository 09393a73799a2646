"""A web server at the typed county address that is not the county (another site, a proxy's
page, an intranet server): ``sync enrol`` against it on loopback says the address does not
answer as a county server does, not "county server error" or a refused code."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from eservice_desktop.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    """The command run in this process: its status and what it said on stderr."""
    capsys.readouterr()
    status = main(["--data-dir", str(data), *args])
    return status, capsys.readouterr().err


@pytest.fixture
def counter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "counter"
    assert _run(capsys, data, "setup", "--office", "H01")[0] == 0
    return data


class _NotCounty(http.server.BaseHTTPRequestHandler):
    """Another web server at the typed address: a page for every request it knows (``status``),
    and its own 501 page for a POST when it takes none (http.server's, as many do)."""

    status: ClassVar[int] = 501

    def do_GET(self) -> None:
        body = b"<html><body>Intranet</body></html>"
        self.send_response(self.status if self.status != 501 else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Answers(_NotCounty):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()


@pytest.fixture
def not_county(request: pytest.FixtureRequest) -> Iterator[str]:
    status = int(request.param)
    handler = _NotCounty if status == 501 else type("H", (_Answers,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.parametrize("not_county", [501, 403, 500], indirect=True)
def test_a_web_server_that_is_not_the_county_is_said_so(
    not_county: str, counter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its 501 or 500 page read 縣府伺服器發生錯誤 / "county server error" (IT looked at the
    county), its 403 page 登記碼無效、已使用或已過期 (IT asked the county for another code)."""
    args = ("sync", "enrol", "--server", not_county, "--code", "ABCD-EFGH-JKLM")
    status, said = _run(capsys, counter, *args)
    assert status == 1 and "不像縣府同步伺服器" in said, said
    assert "發生錯誤" not in said and "登記碼" not in said
    status, said = _run(capsys, counter, "--lang", "en", *args)
    assert "does not answer as a county server does" in said, said


@pytest.mark.parametrize("not_county", [502], indirect=True)
def test_a_gateways_page_still_says_the_county_behind_it(
    not_county: str, counter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gateway's 502 page stands before a county that is down: the URL is right."""
    args = ("--lang", "en", "sync", "enrol", "--server", not_county, "--code", "ABCD-EFGH-JKLM")
    status, said = _run(capsys, counter, *args)
    assert status == 1 and "HTTP 502: county server error" in said, said
