"""A pickup key document imported by hand (``pickup import-keys FILE``) is IT's alone.

It asked for no sign-in at all: anyone at the PC imported a key of their own (a clerk, a pickup
desk, no one signed in), signed codes with it, and any case ready here was handed over on a
code the desk took as the county's, its timeline an ordinary MMS pickup. Real CLI, real
database, a real Ed25519 key document."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from operator_support import chose_own, sign_in_it
from pickup_support import County

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services import pickup_keys
from eservice_desktop.services.core import App


def _cli(
    data: Path, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--data-dir", str(data), "--lang", "en", *args])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip().startswith("{") else {})


def _keys(app: App) -> set[str]:
    with app.reading() as s:
        return set(pickup_keys.county_keys(s))


def test_only_it_imports_a_pickup_key_file(
    app: App,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = settings.data_dir
    own = tmp_path / "keys.json"  # a key pair of someone's own, its document as the county's
    own.write_text(json.dumps(County().document()), encoding="utf-8")
    sign_in_it(monkeypatch, data)  # boss (admin) and it01 (it), it01 signed in
    assert _cli(data, capsys, "login", "boss", "--password-stdin", stdin="admin password")[0] == 0
    add = ["operator", "add", "desk01", "--name", "領件", "--roles", "clerk,pickup"]
    assert _cli(data, capsys, *add, "--password-stdin", stdin="desk pw 1234")[0] == 0
    chose_own(data, "desk01")
    for who, password, refusal in (
        ("desk01", "desk pw 1234", "auth.forbidden"),  # a clerk at the pickup desk
        ("boss", "admin password", "auth.forbidden"),  # the office admin: not IT's keys
        ("", "", "auth.required"),  # no one signed in
    ):
        if who:
            assert _cli(data, capsys, "login", who, "--password-stdin", stdin=password)[0] == 0
        else:
            assert _cli(data, capsys, "logout")[0] == 0
        code, out = _cli(data, capsys, "pickup", "import-keys", str(own), "--json")
        assert (code, out.get("error")) == (2, refusal), (who, out)
        assert _keys(app) == set(), who
    assert _cli(data, capsys, "login", "it01", "--password-stdin", stdin="it pw 1234")[0] == 0
    code, out = _cli(data, capsys, "pickup", "import-keys", str(own), "--json")
    assert code == 0 and out["added"] == 1, out
    assert len(_keys(app)) == 1
