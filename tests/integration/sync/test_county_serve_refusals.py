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
