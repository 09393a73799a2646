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
    assert "next 115/03/11 10:00  fresh" in out and "2026" not in out
    assert "next —  STALE" in out
