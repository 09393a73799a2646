"""Fixtures of the installer smoke tests (``make test-installer``; not part of ``make test``).

They test built artefacts, so they need them built first: tools/test-installer.sh runs
``make appdir``, ``make deb`` and ``make msi-check`` and points these fixtures at the results
(ESERVICE_APPDIR, ESERVICE_DEB). A real X display comes from ESERVICE_TEST_DISPLAY or a private
Xvfb started here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def appdir() -> Path:
    path = Path(os.environ.get("ESERVICE_APPDIR", ROOT / "build" / "AppDir"))
    if not (path / "AppRun").is_file():
        pytest.fail(f"no AppDir at {path}: run `make appdir` (or `make test-installer`)")
    return path


@pytest.fixture(scope="session")
def deb_file() -> Path:
    given = os.environ.get("ESERVICE_DEB")
    found = [Path(given)] if given else sorted((ROOT / "build").glob("eservice-desktop_*.deb"))
    if not found or not found[-1].is_file():
        pytest.fail("no .deb in build/: run `make deb` (or `make test-installer`)")
    return found[-1]


@pytest.fixture(scope="session")
def display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("ESERVICE_TEST_DISPLAY")
    if given:
        yield given
        return
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing: apt-get install xvfb")
    number = 96
    log = tmp_path_factory.mktemp("xvfb") / "xvfb.log"
    # Xvfb writes its display number to -displayfd once it accepts clients, and the pipe closes
    # without a word when it fails. Its socket file appears earlier, and the 5 s once waited for
    # that were no limit a slow machine keeps to.
    ready_r, ready_w = os.pipe()
    argv = ["Xvfb", f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*argv, "-displayfd", str(ready_w)],
            stdout=out,
            stderr=out,
            pass_fds=(ready_w,),
        )
    os.close(ready_w)
    try:
        said = _read_within(ready_r, 120)
    finally:
        os.close(ready_r)
    if not said.strip():
        proc.kill()
        proc.wait(10)
        pytest.fail(f"Xvfb did not start: {log.read_text()}")
    yield f":{number}"
    proc.terminate()
    proc.wait(10)


def _read_within(fd: int, seconds: float) -> bytes:
    """What the writer of ``fd`` says up to its first newline or end, within ``seconds``."""
    import select

    said = b""
    deadline = time.monotonic() + seconds
    while b"\n" not in said and (left := deadline - time.monotonic()) > 0:
        if not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        said += chunk
    return said
