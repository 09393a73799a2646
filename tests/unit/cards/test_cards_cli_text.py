"""The text forms of the card and CRL commands show times as the counter does (Taipei, ROC)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_main_support import run_main

from eservice_desktop.services import identity


def test_crl_status_text_shows_taipei_roc_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It printed "next 2026-03-11T02:00:00+00:00" (UTC, ISO) to the IT person.
    lists: list[dict[str, Any]] = [
        {
            "kind": "crl",
            "issuer": "CN=MOICA",
            "crl_number": 7,
            "next_update": "2026-03-11T02:00:00+00:00",
            "fresh": True,
        },
        {"kind": "arl", "issuer": "CN=GRCA", "crl_number": 2, "next_update": None, "fresh": False},
    ]
    monkeypatch.setattr(identity, "crl_status", lambda app: lists)
    code, out, err = run_main(["crl", "status"], {"ESERVICE_DATA_DIR": str(tmp_path)})
    assert code == 0, err
    assert "下次更新 115/03/11 10:00  有效" in out and "2026" not in out
    assert "下次更新 —  已逾期，請更新" in out and "next" not in out  # zh-TW: no English left
    code, out, err = run_main(
        ["crl", "status", "--lang", "en"], {"ESERVICE_DATA_DIR": str(tmp_path)}
    )
    assert code == 0, err
    assert "next 115/03/11 10:00  fresh" in out and "next —  STALE" in out


def test_crl_status_with_no_list_says_so_in_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It said "no CRL cached" in English at a zh-TW counter.
    monkeypatch.setattr(identity, "crl_status", lambda app: [])
    _, out, _ = run_main(["crl", "status"], {"ESERVICE_DATA_DIR": str(tmp_path)})
    assert out.strip() == "尚無快取的憑證廢止清單（執行 crl update）"


def test_card_read_text_shows_roc_birth_and_a_wrong_check_digit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # It printed "王小明 A123456788 1986-03-12": no word of the ID's wrong check digit (the
    # counter's panel says it), the birth date in the Gregorian year.
    import argparse

    from eservice_desktop.cli import cmd_card
    from eservice_desktop.devices import nhi, pcsc
    from eservice_desktop.services import operators

    name = "王小明".encode("big5").ljust(20, b"\0")
    raw = b"000012345678" + name + b"A123456788" + b"0750312" + b"M" + b"1100101"
    status = pcsc.ReaderStatus("R", pcsc.ReaderState.SHOWN, 1, "nhi", record=nhi.parse_record(raw))

    class _App:
        settings = argparse.Namespace(lock_card_reader="")

        def close(self) -> None:
            pass

    monkeypatch.setattr(cmd_card, "open_from", lambda args: _App())
    monkeypatch.setattr(operators, "require", lambda app, action: None)
    monkeypatch.setattr(identity, "read_nhi", lambda except_reader="": status)
    args = argparse.Namespace(json=False, lang="zh_TW")
    assert cmd_card.cmd_read(args) == 0
    out = capsys.readouterr().out
    assert "A123456788 75/03/12" in out and "1986" not in out
    assert "檢查碼錯誤" in out and "check digit" in out


def test_crl_update_text_says_why_in_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It printed 「REJECTED download  crl.moica.gov.tw/x.crl」 at a zh-TW counter, and with no
    # URL set "no CRL sources configured (crl_urls)".
    from eservice_desktop.services.identity_crl import CrlUpdate

    results = [
        CrlUpdate("crl.moica.gov.tw/x.crl", False, "download"),
        CrlUpdate("/media/usb/moica.crl", False, "signature"),
        CrlUpdate("http://crl.example.tw/grca.crl", True),
    ]
    monkeypatch.setattr(identity, "update_crls", lambda app, files=None: results)
    env = {"ESERVICE_DATA_DIR": str(tmp_path)}
    code, out, _ = run_main(["crl", "update"], env)
    assert code == 3
    assert out.splitlines() == [
        "未接受（無法下載）  crl.moica.gov.tw/x.crl",
        "未接受（簽章驗證不符）  /media/usb/moica.crl",
        "已接受  http://crl.example.tw/grca.crl",
    ]
    code, out, _ = run_main(["crl", "update", "--lang", "en"], env)
    assert out.splitlines()[0] == "REJECTED download  crl.moica.gov.tw/x.crl"
    monkeypatch.setattr(identity, "update_crls", lambda app, files=None: [])
    code, out, _ = run_main(["crl", "update"], env)
    assert code == 0 and out.strip() == "未設定憑證廢止清冊網址（crl_urls），沒有下載"
