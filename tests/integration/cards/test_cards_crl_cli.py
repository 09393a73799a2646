"""CRL/ARL download over real HTTP on loopback, the schedule, and the CLI faces end to end."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cards_pki as cp
import pytest

from eservice_desktop.config import Settings
from eservice_desktop.devices import crl as crlmod
from eservice_desktop.services import identity
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake

pytestmark = pytest.mark.softhsm


class Server:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: list[str] = []
        files, hits = self.files, self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                body = files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def test_update_over_http_and_schedule(
    make_app: Callable[..., App],
    card_settings: Settings,
    pki: cp.TestPki,
    server: Server,
    clock: object,
) -> None:
    server.files["/moica.crl"] = pki.crl()
    server.files["/grca.arl"] = pki.arl()
    card_settings.crl_urls = f"{server.url('/moica.crl')} {server.url('/grca.arl')}"
    app = make_app(card_settings)
    assert identity.crl_update_due(app)
    results = identity.update_crls(app)
    assert [r.accepted for r in results] == [True, True]
    assert sorted(r.info.kind for r in results if r.info) == ["arl", "crl"]
    status = identity.crl_status(app)
    assert all(d["fresh"] for d in status)
    crl_row = next(d for d in status if d["kind"] == "crl")
    assert crl_row["revoked_count"] == 1 and crl_row["url"].endswith("/moica.crl")
    assert not identity.crl_update_due(app)
    # Files are named by hash and written whole; nothing temporary is left behind.
    files = sorted(p.name for p in crlmod.cache_dir(card_settings.data_dir).iterdir())
    assert len(files) == 4 and not [f for f in files if f.startswith(".tmp")]
    clock.set(cp.NOW + timedelta(hours=7))  # type: ignore[attr-defined]
    assert identity.crl_update_due(app)
    # A mirror that went away: reported, and the cached lists stay in use.
    server.files.clear()
    results = identity.update_crls(app)
    assert [r.code for r in results] == ["download", "download"]
    assert len(identity.crl_status(app)) == 2


def test_lists_fetched_while_the_clock_ran_ahead_are_fetched_again_once_it_is_set_back(
    make_app: Callable[..., App],
    card_settings: Settings,
    pki: cp.TestPki,
    server: Server,
    clock: object,
) -> None:
    """Fetched with the PC's clock 12 hours ahead; set right, the schedule counted its 6 hours
    from the clock's old time and fetched nothing for 18: a card revoked meanwhile passed."""
    server.files["/moica.crl"] = pki.crl()
    card_settings.crl_urls = server.url("/moica.crl")
    app = make_app(card_settings)
    clock.set(cp.NOW + timedelta(hours=12))  # type: ignore[attr-defined]
    assert [r.accepted for r in identity.update_crls(app)] == [True]
    assert not identity.crl_update_due(app)
    clock.set(cp.NOW + timedelta(minutes=5))  # type: ignore[attr-defined]  # set right
    assert identity.crl_update_due(app)


def test_new_crl_replaces_old_and_prunes(
    id_app: App, pki: cp.TestPki, card_settings: Settings
) -> None:
    newer = cp.make_crl(pki.intermediate, [], this_update=cp.NOW - timedelta(hours=1), number=2)
    update = identity.accept_crl(id_app, newer, "t")
    assert update.accepted
    status = {d["kind"]: d for d in identity.crl_status(id_app)}
    assert status["crl"]["crl_number"] == 2 and status["crl"]["revoked_count"] == 0
    assert len(list(crlmod.cache_dir(card_settings.data_dir).glob("*.crl"))) == 2


def test_serial_index_survives_a_new_process(id_app: App, pki: cp.TestPki) -> None:
    info = next(i for i, _ in identity.cached_lists(id_app) if i.kind == "crl")
    crlmod._SETS._sets.clear()  # as if the program had restarted
    assert crlmod.is_revoked(id_app.settings.data_dir, info, pki.certs["revoked"].serial_number)
    assert not crlmod.is_revoked(id_app.settings.data_dir, info, pki.certs["valid"].serial_number)


def _cli(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    _, hsm_dir = cp.shared_pki()
    env = {
        **os.environ,
        "ESERVICE_DATA_DIR": str(data_dir),
        "SOFTHSM2_CONF": str(hsm_dir / "softhsm2.conf"),
    }
    return subprocess.run(
        [sys.executable, "-m", "eservice_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_crl_and_card_verify(
    make_app: Callable[..., App],
    card_settings: Settings,
    pki: cp.TestPki,
    server: Server,
) -> None:
    # The CLI runs on the real clock: lists issued an hour ago, valid for a day.
    now = datetime.now(UTC)
    server.files["/moica.crl"] = pki.crl(
        this_update=now - timedelta(hours=1), next_update=now + timedelta(days=1), number=3
    )
    server.files["/grca.arl"] = pki.arl(
        this_update=now - timedelta(hours=1), next_update=now + timedelta(days=1), number=3
    )
    card_settings.crl_urls = f"{server.url('/moica.crl')} {server.url('/grca.arl')}"
    app = make_app(card_settings)
    fields = {
        "registered_address": "桃園市桃園區中正路1號",
        "transcript_kind": "現戶",
        "record_detail": "省略記事",
    }
    number = intake(
        app, IntakeRequest("HR-TRANSCRIPT", cp.HOLDER_ID, cp.HOLDER_NAME, fields=fields)
    ).case_number
    card_settings.save()
    d = card_settings.data_dir

    out = _cli(d, "crl", "update", "--json")
    assert out.returncode == 0, out.stderr
    assert [r["accepted"] for r in json.loads(out.stdout)["results"]] == [True, True]
    out = _cli(d, "crl", "status", "--json")
    assert out.returncode == 0 and all(x["fresh"] for x in json.loads(out.stdout)["lists"])

    out = _cli(d, "card", "verify", "--pin-stdin", "--json", "--case", number, stdin=cp.PIN + "\n")
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "verified" and data["event_id"]
    assert {c["name"] for c in data["checks"] if c["status"] == "passed"} >= {
        "signature",
        "trusted_root",
        "policy",
        "chain_signatures",
        "validity",
        "revocation_ee",
        "revocation_ca",
        "nonce",
        "holder",
    }
    assert cp.PIN not in out.stdout + out.stderr
    logs = "".join(p.read_text(encoding="utf-8") for p in (d / "logs").glob("*") if p.is_file())
    assert cp.PIN not in logs

    out = _cli(d, "case", "show", number, "--json")
    events = [e for e in json.loads(out.stdout)["events"] if e["type"] == "case.identity_verified"]
    assert len(events) == 1

    out = _cli(d, "card", "verify", "--pin-stdin", "--json", "--lang", "en", stdin="000000\n")
    assert out.returncode == 2
    assert "Wrong PIN" in out.stderr and "000000" not in out.stdout + out.stderr

    out = _cli(
        d,
        "card",
        "verify",
        "--pin-stdin",
        "--json",
        "--applicant-name",
        "陳大文",
        "--applicant-id",
        "B123456780",  # a valid ID of someone else: the holder check refuses
        stdin=cp.PIN + "\n",
    )
    assert out.returncode == 3
    assert json.loads(out.stdout)["reasons"] == ["holder"]

    out = _cli(d, "card", "status", "--json")
    moica_status = json.loads(out.stdout)["moica"]
    assert moica_status["present"] and moica_status["label"] == "valid"
