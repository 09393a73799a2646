"""A counter enrolled once and given a code again (the install's ``setup --enrol-code`` run a
second time after a typo elsewhere, an MSI repair with its ``ENROL_CODE``, ``sync enrol`` typed
twice): the county is not asked, the code stays unused, the counter keeps its number."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from sync_helpers import ROOT, CountyServer, service_env

from eservice_desktop.county.store import DeviceRow


def _office(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def _settings(data: Path) -> dict[str, object]:
    return dict(json.loads((data / "settings.json").read_text(encoding="utf-8")))


def test_a_second_code_on_an_enrolled_counter_is_not_spent(
    sqlite_county: CountyServer, tmp_path: Path
) -> None:
    """Before, counter 02 given a second code became counter 03 (02 left at the county never
    to sync again), and a counter holding cases had the code taken by the county for a new
    device and then refused it: 設備編號 01 已由他機使用 of its own number, and county IT was
    sent to issue a replacement for a credential that worked."""
    county, env = sqlite_county, service_env(tmp_path / "credentials")
    first, second = tmp_path / "first", tmp_path / "second"
    setup = ["setup", "--office", "H01", "--county-url", county.url]
    assert _office(first, env, *setup, "--enrol-code", county.enrol_code("H01")).returncode == 0
    made = _office(second, env, *setup, "--enrol-code", county.enrol_code("H01"))
    assert made.returncode == 0 and "H01-02" in made.stdout, made.stdout + made.stderr
    assert county.count(DeviceRow) == 2

    spare = county.enrol_code("H01")
    again = _office(second, env, *setup, "--enrol-code", spare, "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    said = json.loads(again.stdout)
    assert said["enrolled"] and said["already_enrolled"], said
    assert _settings(second)["device_id"] == "02"
    words = _office(second, env, "sync", "enrol", "--server", county.url, "--code", spare)
    assert words.returncode == 2, words.stdout + words.stderr
    assert "本機已向縣府登記為 H01-02" in words.stderr and "登記碼未使用" in words.stderr
    english = _office(
        second, env, "--lang", "en", "sync", "enrol", "--server", county.url, "--code", spare,
        "--json",
    )  # fmt: skip
    assert english.returncode == 2, english.stdout + english.stderr
    assert json.loads(english.stdout)["error"] == "sync.already_enrolled"
    assert "enrolled with the county as H01-02" in english.stderr
    assert county.count(DeviceRow) == 2  # no device made for nobody

    # the code was not spent: the PC it was meant for takes it
    third = tmp_path / "third"
    assert _office(third, env, *setup, "--enrol-code", spare).returncode == 0
    assert _settings(third)["device_id"] == "03"
    once = _office(second, env, "sync", "once", "--json")
    assert once.returncode == 0 and json.loads(once.stdout)["ok"], once.stdout + once.stderr


def test_a_counter_whose_credential_the_county_refuses_enrols_again(
    sqlite_county: CountyServer, tmp_path: Path
) -> None:
    """A replacement code for a counter whose credential the county no longer takes (given to
    another PC, HTTP 401) is still traded: the guard asks the county, not the keyring alone."""
    county, env = sqlite_county, service_env(tmp_path / "credentials")
    data = tmp_path / "office"
    setup = ["setup", "--office", "H01", "--county-url", county.url]
    assert _office(data, env, *setup, "--enrol-code", county.enrol_code("H01")).returncode == 0
    other = tmp_path / "other"  # the same counter's credential taken by another PC
    replaced = county.enrol_code("H01", device="01")
    taken = _office(other, env, *setup, "--enrol-code", replaced)
    assert taken.returncode == 0, taken.stdout + taken.stderr
    back = county.enrol_code("H01", device="01")
    done = _office(data, env, "sync", "enrol", "--server", county.url, "--code", back)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "H01-01" in done.stdout


def test_a_mistyped_office_code_is_corrected_and_the_same_code_enrols(
    sqlite_county: CountyServer, tmp_path: Path
) -> None:
    """IT typed H02 for H01: the refusal said only that the code was H01's and stayed valid
    for that office, as if the code had gone to the wrong PC; it now says to correct the office
    code, and the same code then enrols this PC."""
    county, env = sqlite_county, service_env(tmp_path / "credentials")
    data, code = tmp_path / "office", county.enrol_code("H01")
    setup = ["setup", "--county-url", county.url, "--enrol-code", code]
    typo = _office(data, env, "--office", "H02", *setup)
    assert typo.returncode == 3, typo.stdout + typo.stderr
    assert "此登記碼核發給 H01，本機屬於 H02" in typo.stdout
    assert "setup --office 該所代碼 改正本機的事務所代碼，再以同一登記碼登記" in typo.stdout
    english = _office(data, env, "--lang", "en", "--office", "H02", *setup)
    assert "correct its office code first" in english.stdout, english.stdout
    done = _office(data, env, "--office", "H01", *setup)
    assert done.returncode == 0 and "H01-01" in done.stdout, done.stdout + done.stderr


class _Gateway(http.server.ThreadingHTTPServer):
    """The county's reverse proxy on loopback: passes every request to the real county, or
    answers 502 to the device's status question while ``down`` names it."""

    county_url = ""
    down: ClassVar[set[str]] = set()


class _Pass(http.server.BaseHTTPRequestHandler):
    def _any(self) -> None:
        gateway = self.server
        assert isinstance(gateway, _Gateway)
        if self.path.split("?")[0] in gateway.down:
            self.send_response(502)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else None
        skip = {"host", "content-length", "connection"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        request = urllib.request.Request(
            gateway.county_url + self.path, body, headers, method=self.command
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                status, answer, sent = r.status, r.read(), r.headers.items()
        except urllib.error.HTTPError as e:
            status, answer, sent = e.code, e.read(), e.headers.items()
        self.send_response(status)
        for k, v in sent:
            if k.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self) -> None:
        self._any()

    def do_POST(self) -> None:
        self._any()

    def log_message(self, *_args: object) -> None:
        pass


@contextmanager
def _gateway(county: CountyServer) -> Iterator[_Gateway]:
    gateway = _Gateway(("127.0.0.1", 0), _Pass)
    gateway.county_url, gateway.down = county.url.rstrip("/"), set()
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    try:
        yield gateway
    finally:
        gateway.shutdown()
        gateway.server_close()


def test_a_second_code_is_not_spent_while_the_county_cannot_say(
    sqlite_county: CountyServer, tmp_path: Path
) -> None:
    """The county's gateway answered 502 to the counter's status question, then passed the
    code on: the county took it and counter 01 became 02 (01 left at the county never to sync
    again). A county that cannot say whether the credential works now stops the enrolment,
    the code unused."""
    county, env = sqlite_county, service_env(tmp_path / "credentials")
    data = tmp_path / "office"
    with _gateway(county) as gateway:
        url = f"http://127.0.0.1:{gateway.server_address[1]}"
        setup = ["setup", "--office", "H01", "--county-url", url]
        first = _office(data, env, *setup, "--enrol-code", county.enrol_code("H01"))
        assert first.returncode == 0 and "H01-01" in first.stdout, first.stdout + first.stderr

        gateway.down = {"/v1/status"}
        spare = county.enrol_code("H01")
        again = _office(data, env, *setup, "--enrol-code", spare, "--json")
        assert again.returncode == 3, again.stdout + again.stderr  # as any failed enrolment
        assert json.loads(again.stdout)["enrolled"] is False, again.stdout
        words = _office(data, env, "sync", "enrol", "--server", url, "--code", spare)
        assert words.returncode != 0 and "502" in words.stderr, words.stdout + words.stderr
        assert _settings(data)["device_id"] == "01"
        assert county.count(DeviceRow) == 1  # no device made for nobody

        gateway.down = set()
        once = _office(data, env, "sync", "once", "--json")
        assert once.returncode == 0 and json.loads(once.stdout)["ok"], once.stdout + once.stderr
    # the code was not spent: the PC it was meant for takes it
    other = _office(tmp_path / "other", env, "setup", "--office", "H01", "--county-url",
                    county.url, "--enrol-code", spare)  # fmt: skip
    assert other.returncode == 0 and "H01-02" in other.stdout, other.stdout + other.stderr
