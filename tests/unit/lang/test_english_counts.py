"""English counts agree with their number: an office with one counter read "hash chains
intact: 1 devices"."""

from __future__ import annotations

import factories
import pytest
from test_cli_english import run

from eservice_desktop.config import Settings
from eservice_desktop.domain.text_values import counted
from eservice_desktop.services import audit
from eservice_desktop.services.core import App


def test_counted_says_one_thing_and_many() -> None:
    assert [counted(n, "case") for n in (0, 1, 2, 12345)] == [
        "0 cases",
        "1 case",
        "2 cases",
        "12,345 cases",
    ]


def test_audit_of_one_counter_says_one_device(app: App) -> None:
    factories.new_case(app)
    said = audit.verify(app).message("en")
    assert said.startswith("hash chains intact: 1 device, "), said
    assert "1 devices" not in said


def test_backup_verify_of_one_case_says_one_case(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.new_case(app)
    assert run(settings, capsys, "--lang", "en", "backup", "now")[0] == 0
    code, out, err = run(settings, capsys, "--lang", "en", "backup", "verify")
    assert code == 0, err
    assert "(1 case, " in out, out
