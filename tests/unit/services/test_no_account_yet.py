"""A new office's PC before its first account (``setup --admin``, or the county's accounts by
sync): every refusal says how the first account is made. It said 請先登入（eservice-desktop
login 帳號 …） and, to ``login``, 查無此帳號: IT on the first day, with no account to sign in
with, was told to sign in."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main

SETUP = "eservice-desktop setup --admin"


def _run(
    data: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    mp.setattr("sys.stdin", io.StringIO("Admin-pass-2026\n"))
    code = main(["--data-dir", str(data), *args])
    out = cap.readouterr()
    return code, out.out, out.err


def test_a_pc_with_no_account_names_setup_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    data = tmp_path / "office"
    for args in (["whoami"], ["case", "search", "王"], ["backup", "now"]):
        code, _, err = _run(data, monkeypatch, capsys, *args)
        assert code == 2 and "本機尚無任何操作員帳號" in err and SETUP in err, (args, err)
    code, out, err = _run(data, monkeypatch, capsys, "case", "search", "王", "--json")
    assert code == 2 and json.loads(out)["error"] == "auth.required"  # the reason stays
    code, out, err = _run(data, monkeypatch, capsys, "login", "boss", "--password-stdin", "--json")
    assert code == 2 and json.loads(out)["error"] == "auth.unknown_account", out
    assert SETUP in err
    code, _, err = _run(data, monkeypatch, capsys, "--lang", "en", "whoami")
    assert code == 2 and "This PC holds no operator account yet" in err and SETUP in err

    # once an account exists, the ordinary words: no hint that another first admin be made
    assert _run(data, monkeypatch, capsys, "setup", "--admin", "boss", "--password-stdin")[0] == 0
    code, _, err = _run(data, monkeypatch, capsys, "whoami")
    assert code == 2 and "請先登入" in err and SETUP not in err, err
    code, _, err = _run(data, monkeypatch, capsys, "login", "bosss", "--password-stdin")
    assert code == 2 and "查無此帳號" in err and SETUP not in err, err
