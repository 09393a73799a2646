"""``eservice-county-server serve`` with an address, TLS files or a gateway it cannot use:
one line ``zh / en``, exit 2, before the database is opened. Before: uvicorn's English log
line and exit 3 for a port another server held or an address not of this machine, a traceback
for a host name over 63 characters and for ``--gateway ftp://…`` or ``smtp://host:99999``, and
``Cannot access  ([SSL] PEM lib …)`` naming no file for TLS files that are no PEM."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest
from test_slow_clients import _self_signed

from eservice_desktop.county import cli as county_cli


@pytest.fixture
def listener() -> socket.socket:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--port", "{taken}"], "已有其他程式在此位址接聽"),
        (["--host", "203.0.113.1"], "not an address of this machine"),
        (["--host", "a" * 300], "no address or host name"),
        (["--gateway", "ftp://sms.example"], "--gateway ftp://sms.example cannot be used"),
        (["--gateway", "smtp://mail:99999"], "smtp://host:port"),
        # taken, and every notice failed its eight tries (a pipe held the sending thread)
        (["--gateway", "file:"], "--gateway file: cannot be used"),
        (["--gateway", "file:{tmp}/no-folder/outbox.jsonl"], "cannot be used"),
        (["--gateway", "file:{tmp}/pipe"], "cannot be used"),
        (["--gateway", "file:/dev/full"], "--gateway file:/dev/full 無法使用"),
        (["--gateway", "https://"], "--gateway https:// cannot be used"),
        (["--tls-cert", "{tmp}/not.pem", "--tls-key", "{tmp}/not.pem"], "PEM 憑證與私鑰"),
        (["--tls-key", "{tmp}/not.pem"], "--tls-key needs --tls-cert"),
    ],
)
def test_serve_refuses_what_it_cannot_use_in_one_line(
    tmp_path: Path,
    listener: socket.socket,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    said: str,
) -> None:
    (tmp_path / "not.pem").write_text("not a certificate\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    port = listener.getsockname()[1]
    given = [a.replace("{taken}", str(port)).replace("{tmp}", str(tmp_path)) for a in argv]
    if "--port" not in given:
        given += ["--port", "0"]
    db = tmp_path / "county.sqlite3"
    english = not re.search(r"[\u3400-\u9fff]", said)  # the line is said in the language asked
    lang = ["--lang", "en"] if english else []
    code = county_cli.main(["serve", *given, "--db", f"sqlite:///{db}", *lang])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert said in err and "Traceback" not in err, err
    assert bool(re.search(r"[\u3400-\u9fff]", err)) is not english, err
    assert not db.exists()  # refused before the database was opened


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_an_encrypted_tls_key_is_said_so_and_no_pass_phrase_is_asked(
    tmp_path: Path, lang: str
) -> None:
    """An encrypted key made OpenSSL ask ``Enter PEM pass phrase:`` on the terminal (twice),
    and a server started by systemd, with none, was refused as if the certificate and key
    did not match. Run as a service runs it: no terminal, nothing on stdin."""
    import subprocess
    import sys

    cert, key = _self_signed(tmp_path, b"key pass phrase")
    db = tmp_path / "county.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "eservice_desktop.county.cli", "--lang", lang, "serve",
         "--port", "0", "--tls-cert", str(cert), "--tls-key", str(key), "--db", f"sqlite:///{db}"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no controlling terminal, as under systemd
        env={**os.environ, "ESERVICE_COUNTY_PASSPHRASE": "a county passphrase"},
    )  # fmt: skip
    err = done.stderr
    assert done.returncode == 2 and err.count("\n") == 1, err
    assert "pass phrase:" not in err and "Traceback" not in err
    said = "以密語加密" if lang == "zh_TW" else "is encrypted with a pass phrase"
    assert said in err and str(key) in err and "openssl pkey" in err, err
    assert not db.exists()


@pytest.mark.parametrize(
    ("valid", "words"),
    [
        ((-400, -2), ("到期，各事務所與民眾的瀏覽器都會拒絕連線", "expired on")),
        ((3, 400), ("起才生效（請檢查本機時鐘）", "is not valid before")),
    ],
)
def test_a_certificate_out_of_its_validity_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    valid: tuple[float, float],
    words: tuple[str, str],
) -> None:
    """An expired certificate was served: the server started, said nothing, and every office
    (pinned to the county's CA) and every citizen's browser refused it. (No passphrase: a
    build that let the certificate through stops at the secret, not in a server.)"""
    monkeypatch.delenv("ESERVICE_COUNTY_PASSPHRASE", raising=False)
    monkeypatch.delenv("ESERVICE_COUNTY_KEY_FILE", raising=False)
    cert, key = _self_signed(tmp_path, valid=valid)
    db = tmp_path / "county.sqlite3"
    for lang, said in zip(("zh_TW", "en"), words, strict=True):
        argv = ["--lang", lang, "serve", "--port", "0", "--db", f"sqlite:///{db}"]
        code = county_cli.main([*argv, "--tls-cert", str(cert), "--tls-key", str(key)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and said in err and str(cert) in err, err
    assert not db.exists()


def test_a_certificate_that_ends_soon_is_said_and_served(tmp_path: Path) -> None:
    """Ten days left: the server starts (the offices still connect) and says when it ends."""
    import subprocess
    import sys

    import requests
    from sync_helpers import county_env, free_port

    cert, key = _self_signed(tmp_path, valid=(-300, 10.5))
    port = free_port()
    with (tmp_path / "serve.err").open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "eservice_desktop.county.cli", "--lang", "en", "serve",
             "--port", str(port), "--db", f"sqlite:///{tmp_path / 'county.sqlite3'}",
             "--tls-cert", str(cert), "--tls-key", str(key)],
            stderr=err, stdout=subprocess.DEVNULL, env=county_env(),
        )  # fmt: skip
    try:
        from sync_helpers import wait_http

        wait_http(f"https://127.0.0.1:{port}/v1/health", verify=str(cert))
        assert (
            requests.get(
                f"https://127.0.0.1:{port}/v1/health", verify=str(cert), timeout=30
            ).json()["status"]
            == "ok"
        )
    finally:
        proc.terminate()
        proc.wait(30)
    said = (tmp_path / "serve.err").read_text(encoding="utf-8")
    assert "Note: the certificate in --tls-cert" in said and "(in 10 days)" in said, said


def _started_saying(tmp_path: Path, *extra: str) -> str:
    """What a server started with ``extra`` said on stderr by the time it answered."""
    import subprocess
    import sys

    from sync_helpers import county_env, free_port, wait_http

    port = free_port()
    if "--gateway" not in extra:
        extra += ("--gateway", f"file:{tmp_path / 'outbox.jsonl'}")
    with (tmp_path / "serve.err").open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "eservice_desktop.county.cli", "serve", "--port", str(port),
             "--db", f"sqlite:///{tmp_path / 'county.sqlite3'}", *extra],
            stderr=err, stdout=subprocess.DEVNULL, env=county_env(),
        )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/v1/health")
    finally:
        proc.terminate()
        proc.wait(30)
    return (tmp_path / "serve.err").read_text(encoding="utf-8")


def test_a_server_without_a_gateway_says_its_notices_go_to_a_file(tmp_path: Path) -> None:
    """Without --gateway every notice went to notifications.jsonl beside the database and
    was reported sent to the offices, and the server said nothing of it."""
    said = _started_saying(tmp_path, "--lang", "en", "--gateway", "")
    assert "Note: no --gateway" in said, said
    assert str(tmp_path / "notifications.jsonl") in said
    (tmp_path / "serve.err").unlink()
    said = _started_saying(tmp_path, "--gateway", "")
    assert "注意：未指定 --gateway" in said and "不會寄出" in said, said
    (tmp_path / "serve.err").unlink()
    chosen = _started_saying(tmp_path, "--gateway", f"file:{tmp_path / 'outbox.jsonl'}")
    assert "--gateway" not in chosen, chosen


def test_a_gateway_password_is_taken_from_the_environment_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A password written into --gateway is refused without being repeated (the journal
    keeps what serve says); a login without its password is refused naming the variable."""
    monkeypatch.delenv("ESERVICE_COUNTY_GATEWAY_PASSWORD", raising=False)
    db = tmp_path / "county.sqlite3"
    for spec, said in (
        ("smtp://notices:Secret-Relay-9@relay.county:25", "ESERVICE_COUNTY_GATEWAY_PASSWORD"),
        ("smtp://notices@relay.county:25", "needs the SMTP account's password"),
        ("smtp://relay.county:25?from=nobody", "--gateway smtp://relay.county:25?from=nobody"),
    ):
        code = county_cli.main(
            ["--lang", "en", "serve", "--port", "0", "--gateway", spec, "--db", f"sqlite:///{db}"]
        )
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and said in err, err
        assert "Secret-Relay-9" not in err
    assert not db.exists()


def test_plain_http_on_the_network_is_said(tmp_path: Path) -> None:
    """--host 0.0.0.0 without TLS or a named proxy: no office can sync (a counter sends plain
    http to a county on its own machine only) and the status queries go in clear; the server
    said nothing. On loopback, with a certificate or behind a named proxy it says nothing."""
    said = _started_saying(tmp_path, "--lang", "en", "--host", "0.0.0.0")
    assert "Note: listening on 0.0.0.0 over plain http" in said, said
    (tmp_path / "serve.err").unlink()
    said = _started_saying(tmp_path, "--host", "0.0.0.0")
    assert "注意：在 0.0.0.0 以未加密的 http 接聽" in said, said
    for quiet in ((), ("--host", "0.0.0.0", "--trusted-proxy", "127.0.0.1")):
        (tmp_path / "serve.err").unlink()
        assert _started_saying(tmp_path, *quiet) == ""
