"""The command line driven in-process (``main([...])``) as a clerk types it, for the tests of
its refusals: the intake argv of a valid household transcript, an office with the test
accounts, and a runner that answers (exit code, parsed JSON or text, stderr)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from approvals_support import add_accounts
from factories import FIELDS

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services.core import App

#: ``case intake`` arguments of a valid household transcript (the factories' fields).
HR = ["--service", "HR-TRANSCRIPT", "--applicant-id", "A123456789", "--applicant-name", "王小明"]
for _key, _value in FIELDS.items():
    HR += ["--field", f"{_key}={_value}"]

#: ``run(*argv, stdin="", json_out=True, lang="zh_TW")`` -> (exit code, JSON or text, stderr)
Run = Callable[..., tuple[int, Any, str]]


def office_with_accounts(make_app: Callable[[Settings], App], settings: Settings) -> Settings:
    """The office's data directory, made, with the clerk and supervisor accounts added."""
    app = make_app(settings)
    add_accounts(app)
    app.close()
    return settings


def cli_runner(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """Runs the CLI over ``settings``' data directory; argparse's own refusals are exit codes
    too. With ``json_out`` the output is parsed when there is any."""

    def call(*args: str, stdin: str = "", json_out: bool = True, lang: str = "zh_TW") -> Any:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        argv = ["--data-dir", str(settings.data_dir), "--lang", lang, *args]
        try:
            code = main(argv + (["--json"] if json_out else []))
        except SystemExit as e:
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        if json_out and out.strip():
            return code, json.loads(out), err
        return code, out, err

    return call
