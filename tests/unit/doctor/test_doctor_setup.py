"""``setup``: the install-time settings the MSI and the .deb pass on."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import load_settings


def test_setup_writes_only_what_was_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"printer_name": "receipt"}), encoding="utf-8")
    code = main(
        [
            "--data-dir",
            str(data),
            "--office",
            "L02",
            "setup",
            "--county-url",
            "https://county.example.tw",
            "--json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["office_code"] == "L02"
    stored = json.loads((data / "settings.json").read_text(encoding="utf-8"))
    assert stored["office_code"] == "L02"
    assert stored["county_url"] == "https://county.example.tw"
    assert stored["printer_name"] == "receipt"
    assert load_settings(data).office_code == "L02"


def test_setup_with_unreachable_county_keeps_settings_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "data"
    code = main(
        [
            "--data-dir",
            str(data),
            "setup",
            "--county-url",
            f"http://127.0.0.1:{port}",
            "--enrol-code",
            "ABCDEF123",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert out["enrolled"] is False
    assert "sync enrol" in out["later"]
    assert load_settings(data).county_url == f"http://127.0.0.1:{port}"
    assert "ABCDEF123" not in (data / "settings.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh_TW", "註冊失敗：無法連線縣府伺服器"),
        ("en", "enrolment failed: Cannot reach the county server"),
    ],
)
def test_setup_says_why_the_county_did_not_enrol(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """The installer's log read 註冊失敗（SyncError） / enrolment failed (DomainError): the
    exception's class, never the reason (a used-up code, a closed firewall)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = ["--data-dir", str(tmp_path / "data"), "--lang", lang, "setup"]
    code = main([*argv, "--county-url", f"http://127.0.0.1:{port}", "--enrol-code", "ABCD-1234"])
    out = capsys.readouterr().out
    assert code == 3
    assert said in out, out
    assert "Error" not in out and "sync enrol --server" in out
    # the code's place named in the line's language (the Chinese line said --code CODE)
    placeholder = "--code CODE" if lang == "en" else "--code 登記碼"
    assert out.rstrip().endswith(placeholder), out


def test_setup_does_not_burn_the_code_without_a_keyring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    data = tmp_path / "data"
    code = main(
        [
            "--data-dir",
            str(data),
            "setup",
            "--county-url",
            "http://127.0.0.1:9",
            "--enrol-code",
            "ABCDEF123",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert out["error"] == "no_keyring"
    assert not (data / "eservice.sqlite3").exists()  # never got as far as opening the office


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--office", "ZZZ", "setup"], "機關代碼格式錯誤"),
        (["--device", "0 1", "setup"], "01 到 99"),
        # a device id events take, but no case number can hold (nor the county enrol)
        (["--device", "A1", "setup"], "01 到 99"),
        (["--device", "00", "setup"], "01 到 99"),
        (["setup", "--county-url", "ftp://county.example.tw"], "https://"),
        (["setup", "--county-url", "http://10.0.0.1:8765"], "https"),
        (["setup", "--county-url", "https://[::1"], "縣府網址"),
        (["setup", "--county-url", "https://c.example.tw", "--county-ca-file", "/no/ca.pem"], "CA"),
    ],
)
def test_setup_refuses_what_this_build_cannot_use_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: list[str], said: str
) -> None:
    """An installer's property IT mistyped is refused at install time (exit 2, one line, the
    settings file untouched); written, it only failed later, on every command or at enrolment.
    The MSI's empty properties still mean "unchanged"."""
    data = tmp_path / "data"
    data.mkdir()
    before = json.dumps({"office_code": "H01", "printer_name": "receipt"})
    (data / "settings.json").write_text(before, encoding="utf-8")
    assert main(["--data-dir", str(data), *given]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1, err
    assert (data / "settings.json").read_text(encoding="utf-8") == before
    empty = ["--office", "", "setup", "--county-url", "", "--county-ca-file", ""]
    assert main(["--data-dir", str(data), *empty, "--enrol-code", ""]) == 0
    assert load_settings(data).office_code == "H01"


@pytest.mark.parametrize("given", [["--office", "L01"], ["--device", "02"]])
def test_setup_refuses_another_counter_than_the_databases_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: list[str]
) -> None:
    """OFFICE_CODE mistyped on a reinstall, `setup --office L01` over counter H01-01's data
    directory: written, and every command and the window then refused 此資料庫屬於櫃檯 H01-01.
    setup now refuses it the same way before writing anything."""
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "--demo", "demo", "seed", "--cases", "1"]) == 0
    before = (data / "settings.json").read_bytes() if (data / "settings.json").exists() else None
    capsys.readouterr()
    assert main(["--data-dir", str(data), *given, "setup", "--json"]) == 2
    refusal = json.loads(capsys.readouterr().out)
    assert refusal["error"] == "db.device_identity", refusal
    assert "H01-01" in refusal["message"]
    after = (data / "settings.json").read_bytes() if (data / "settings.json").exists() else None
    assert after == before
    assert main(["--data-dir", str(data), "--office", "H01", "--device", "01", "setup"]) == 0


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh_TW", "已建立第一位事務所管理者 boss；請以 login boss"),
        ("en", "first office admin boss created; sign in with login boss"),
    ],
)
def test_setup_says_the_first_admin_was_made(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    said: str,
) -> None:
    """``setup --admin`` said 設定已寫入 alone, as if only the settings had been written: IT
    following the guide could not tell whether the account existed."""
    import io

    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", io.StringIO("Admin-pass-2026\n"))
    argv = ["--data-dir", str(data), "--lang", lang, "setup", "--admin", "boss"]
    assert main([*argv, "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert said in out, out
    # the account is there: a second first admin is refused
    monkeypatch.setattr("sys.stdin", io.StringIO("Admin-pass-2026\n"))
    assert main([*argv, "--password-stdin"]) == 2
