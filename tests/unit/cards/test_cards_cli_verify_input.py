"""`card verify` refuses a holder typed wrong before the card is asked for the PIN (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_main_support import run_main

from eservice_desktop.services import identity


@pytest.mark.parametrize(
    ("given", "error"),
    [
        (["--applicant-id", "ABC", "--applicant-name", "王小明"], "id.format"),
        (["--applicant-id", "A123456788", "--applicant-name", "王小明"], "id.checksum"),
        (["--applicant-id", "A123456789"], "identity.applicant_incomplete"),
        (["--applicant-name", "王小明", "--applicant-id", " "], "identity.applicant_incomplete"),
        (["--applicant-id", "A123456789", "--applicant-name", "x" * 100_000], "value.too_long"),
    ],
)
def test_bad_holder_exits_2_before_the_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: list[str], error: str
) -> None:
    # They went to the card: the holder typed the PIN and got "refused", exit 3.
    def never(*a: object, **k: object) -> None:
        raise AssertionError("the card was asked")

    monkeypatch.setattr(identity, "verify_moica", never)
    env = {"ESERVICE_DATA_DIR": str(tmp_path)}
    argv = ["card", "verify", "--pin-stdin", "--json", *given]
    code, out, err = run_main(argv, env, stdin="482913\n")
    assert code == 2, out + err
    data = json.loads(out)
    assert data["ok"] is False and data["error"].startswith(error)
    assert "482913" not in out + err
    code, _, err = run_main(["--lang", "en", *argv], env, stdin="482913\n")
    assert code == 2 and err.strip()


def test_no_pin_and_no_terminal_is_one_line_not_a_prompt(tmp_path: Path) -> None:
    """``card verify`` without ``--pin-stdin`` from cron or the Task Scheduler (a real process
    with no terminal at all): getpass warned that the PIN would be echoed, printed ``PIN: ``
    and ended in an EOFError traceback, exit 1; given input, it took the script's first line
    as the PIN. Now one line naming ``--pin-stdin``, exit 2, before the card is asked."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
    env |= {"ESERVICE_DATA_DIR": str(tmp_path / "office"), "ESERVICE_DEMO": "1"}
    for lang, said in (([], "--pin-stdin"), (["--lang", "en"], "No terminal")):
        p = subprocess.run(
            [sys.executable, "-m", "eservice_desktop", *lang, "card", "verify", "--json"],
            input="482913\n", capture_output=True, text=True, env=env, timeout=120,
            start_new_session=True,  # no controlling terminal, as a scheduled task has
        )  # fmt: skip
        assert p.returncode == 2, p.stderr
        assert json.loads(p.stdout)["error"] == "pin.stdin"
        assert p.stderr.count("\n") == 1 and said in p.stderr, p.stderr
        assert "PIN: " not in p.stderr and "Traceback" not in p.stderr, p.stderr
