"""``demo seed`` on an office's database: its made-up cases, paid with receipts in the
counter's own series, went into the office's closing, and the next sync sent them to the
county. It adds nothing there now and says why; a demo database still takes them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from operator_support import chose_own

from eservice_desktop.cli.main import main

ADMIN_PW = "admin password 1"
CLERK_PW = "clerk password 1"


def _run(
    data: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch, *args: str, stdin=""
) -> tuple[int, Any, str]:  # type: ignore[no-untyped-def]
    mp.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(data), *args])
    out = capsys.readouterr()
    try:
        return code, json.loads(out.out), out.err
    except ValueError:
        return code, out.out, out.err


def test_a_clerk_adds_no_demo_case_to_the_office_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    data = tmp_path / "office"
    run = lambda *a, stdin="": _run(data, capsys, monkeypatch, *a, stdin=stdin)  # noqa: E731
    assert run("setup", "--admin", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    assert run("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    add = ["operator", "add", "clerk07", "--name", "王承辦", "--roles", "clerk,cashier"]
    assert run(*add, "--password-stdin", stdin=CLERK_PW)[0] == 0
    chose_own(data, "clerk07")
    assert run("login", "clerk07", "--password-stdin", stdin=CLERK_PW)[0] == 0

    code, answer, _ = run("demo", "seed", "--cases", "3", "--json")
    assert code == 2
    assert answer["error"] == "demo.office_database"
    code, _, err = run("--lang", "en", "demo", "seed", "--cases", "3")
    assert code == 2 and "operator accounts" in err and "demo database" in err
    code, _, err = run("demo", "seed", "--cases", "3")
    assert code == 2 and "示範" in err

    code, found, _ = run("case", "search", "", "--json")
    assert code == 0 and found["total"] == 0  # no made-up case, so no receipt in the series
    assert run("login", "boss", "--password-stdin", stdin=ADMIN_PW)[0] == 0
    code, listed, _ = run("operator", "list", "--json")
    assert [o["account"] for o in listed] == ["boss", "clerk07"]  # no demo supervisor made


def test_a_demo_database_still_takes_demo_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    data = tmp_path / "demo"
    code, answer, err = _run(data, capsys, monkeypatch, "demo", "seed", "--cases", "2", "--json")
    assert code == 0, err
    assert answer["added"] == 2
