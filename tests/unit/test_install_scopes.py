"""`make run` installs what the demo needs and nothing of the test stack; `make test` adds it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_ONLY_APT = {"postgresql-15", "softhsm2", "vsmartcard-vpcd", "cups", "xdotool", "wixl"}
TEST_ONLY_PY = {"pytest", "pytest-qt", "mypy", "ruff", "schemathesis", "pyinstaller", "hypothesis"}


def _apt(scope: str) -> set[str]:
    out = subprocess.run(
        ["bash", str(ROOT / "tools" / "install-system-deps.sh"), scope, "--list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def _lock(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)$", line.strip())
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_run_scope_has_no_test_stack_and_test_scope_has_everything() -> None:
    run, test = _apt("run"), _apt("test")
    assert run and run < test
    assert not run & TEST_ONLY_APT
    assert test >= TEST_ONLY_APT
    # what the demo itself needs on a fresh machine
    assert {"xvfb", "fonts-cns11643-kai", "libpcsclite-dev", "libcups2"} <= run
    assert "poppler-utils" in test - run  # printing renders PDFs in-process (pypdfium2)


def test_runtime_lock_is_the_full_lock_without_the_dev_tools() -> None:
    run, full = _lock("requirements-run.lock"), _lock("requirements.lock")
    assert run
    assert all(full.get(name) == version for name, version in run.items()), "run pins drift"
    assert not set(run) & TEST_ONLY_PY
    assert {"pyside6-essentials", "sqlalchemy", "reportlab"} <= set(run)


def test_make_run_installs_the_runtime_scope_only() -> None:
    plan = subprocess.run(
        ["make", "-n", "-B", "run", "VENV=/nonexistent-venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "install-system-deps.sh run" in plan
    assert "requirements-run.lock" in plan
    assert "install-system-deps.sh test" not in plan
    assert "-r requirements.lock" not in plan


def _windows_pins(name: str) -> dict[str, str]:
    """The lock's Windows-only pins: ``name==version ; sys_platform == "win32"``."""
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        m = re.match(r'^([A-Za-z0-9_.\-]+)==(\S+) ; sys_platform == "win32"$', line.strip())
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def _windows_only_needs(names: set[str]) -> set[str]:
    """What the packages ``names`` require on Windows alone (their win32 markers, no extras)."""
    from importlib.metadata import PackageNotFoundError, requires

    needed: set[str] = set()
    for name in names:
        try:
            wants = requires(name) or []
        except PackageNotFoundError:
            continue
        for want in wants:
            spec, _, marker = want.partition(";")
            if "win32" in marker and "extra" not in marker:
                needed.add(re.split(r"[<>=!~\[ ]", spec.strip())[0].lower().replace("_", "-"))
    return needed


def test_what_windows_alone_pulls_in_is_pinned_in_both_locks() -> None:
    # A lock made on Linux cannot see it: keyring's pywin32-ctypes came unpinned on the MSI build.
    run, full = _lock("requirements-run.lock"), _lock("requirements.lock")
    run_win, full_win = _windows_pins("requirements-run.lock"), _windows_pins("requirements.lock")
    assert _windows_only_needs(set(run)) - set(run) <= set(run_win)
    assert _windows_only_needs(set(full)) - set(full) <= set(full_win)
    assert all(full_win.get(name) == version for name, version in run_win.items())
