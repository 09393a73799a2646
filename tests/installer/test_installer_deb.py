"""The .deb (`make deb`): installed with dpkg -i with silent parameters, smoke-run as installed,
the sync service started the way its systemd unit starts it, then removed and purged with nothing
left behind but the office data directory (and the `eservice` user that owns it).

It changes the machine it runs on (that is the point), so it needs root and refuses to run when
eservice-desktop is already installed; it puts the machine back as it found it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from installer_smoke import (
    check_db_upgrade,
    check_doctor,
    check_gui_renders_chinese,
    check_sync_run_stops_on_sigterm,
    check_version,
    clean_env,
    run,
)

from eservice_desktop.storage import db

DATA = Path("/var/lib/eservice-desktop")
UNIT = Path("/lib/systemd/system/eservice-sync.service")
WANTS = Path("/etc/systemd/system/multi-user.target.wants/eservice-sync.service")
#: Where a package may leave traces; the snapshot compares these before and after.
WATCHED = (
    "/opt",
    "/etc",
    "/usr/bin",
    "/usr/share/applications",
    "/usr/share/icons/hicolor",
    "/usr/share/doc",
    "/lib/systemd",
    "/var/lib",
)
#: What removal may leave: the data directory and the user/group owning it; dpkg's own records.
ALLOWED_LEFT = (
    "/var/lib/eservice-desktop",
    "/var/lib/dpkg/",
    "/var/lib/apt/",
    "/var/lib/systemd/deb-systemd-helper",
    "/etc/passwd",
    "/etc/group",
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/subuid",
    "/etc/subgid",
    "/etc/.pwd.lock",
    "/etc/ld.so.cache",
    "/usr/share/icons/hicolor/icon-theme.cache",
    "/usr/share/applications/mimeinfo.cache",
)


def _installed() -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "eservice-desktop"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "install ok installed" in done.stdout


def _snapshot() -> set[str]:
    out: set[str] = set()
    for top in WATCHED:
        for dirpath, dirnames, filenames in os.walk(top):
            if dirpath.startswith(("/var/lib/dpkg", "/var/lib/apt")):
                dirnames[:] = []
                continue
            out.update(os.path.join(dirpath, n) for n in dirnames + filenames)
    return out


def _user_exists(name: str) -> bool:
    return (
        subprocess.run(["getent", "passwd", name], capture_output=True, check=False).returncode == 0
    )


@pytest.fixture
def machine() -> Iterator[set[str]]:
    """The machine before installation; restored afterwards whatever happens."""
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root")
    if _installed() or DATA.exists():
        pytest.fail(
            "eservice-desktop is already installed here (or its data dir exists): "
            "the test would destroy it; remove it first"
        )
    had_user = _user_exists("eservice")
    before = _snapshot()
    yield before
    subprocess.run(["dpkg", "--purge", "eservice-desktop"], capture_output=True, check=False)
    shutil.rmtree(DATA, ignore_errors=True)
    if not had_user and _user_exists("eservice"):
        subprocess.run(
            ["deluser", "--system", "--quiet", "eservice"], capture_output=True, check=False
        )
        subprocess.run(
            ["delgroup", "--system", "--quiet", "eservice"], capture_output=True, check=False
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_deb_install_smoke_remove(
    deb_file: Path, machine: set[str], tmp_path: Path, display: str
) -> None:
    county = f"http://127.0.0.1:{_free_port()}"
    done = subprocess.run(
        ["dpkg", "-i", str(deb_file)],
        capture_output=True,
        text=True,
        env=clean_env(
            COUNTY_SERVER_URL=county,
            OFFICE_CODE="H02",
            ENROL_CODE="TESTCODE-1234",
            DEBIAN_FRONTEND="noninteractive",
        ),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _installed()

    # What the package put in place.
    assert Path("/opt/eservice-desktop/eservice-desktop").is_file()
    assert Path("/usr/share/applications/eservice-desktop.desktop").is_file()
    assert UNIT.is_file()
    assert WANTS.is_symlink(), "the sync service is not enabled"
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(UNIT)], capture_output=True, text=True, check=False
    )
    assert verify.returncode == 0, verify.stderr

    # The office data directory: owned by the service user, group-shared, settings from the
    # silent-install parameters, database already at this build's head.
    st = DATA.stat()
    assert (st.st_mode & 0o7777) == 0o2770
    assert (
        subprocess.run(
            ["stat", "-c", "%U:%G", str(DATA)], capture_output=True, text=True, check=False
        ).stdout.strip()
        == "eservice:eservice"
    )
    assert "device not enrolled yet" in done.stderr  # no county here: installed all the same
    settings_text = (DATA / "settings.json").read_text(encoding="utf-8")
    assert "TESTCODE-1234" not in settings_text
    stored = json.loads(settings_text)
    assert stored["office_code"] == "H02"
    assert stored["county_url"] == county
    for name in ("eservice.sqlite3", "settings.json"):
        mode = (DATA / name).stat().st_mode
        assert mode & 0o060 == 0o060, f"{name} is not group-writable: {oct(mode)}"
    current = json.loads(run(["/usr/bin/eservice-desktop"], "db", "current", "--json").stdout)

    assert current["current"] == db.head_revision()
    assert current["database"] == str(DATA / "eservice.sqlite3")

    # The same smoke run as the AppDir, against the installed copy.
    cmd = ["/usr/bin/eservice-desktop"]
    check_version(cmd)
    check_db_upgrade(cmd, tmp_path / "fresh")
    check_doctor(cmd, tmp_path / "fresh")
    check_gui_renders_chinese(cmd, tmp_path / "fresh", tmp_path, display)
    # The service as its unit starts it: the eservice user, the shared data directory.
    check_sync_run_stops_on_sigterm(
        ["/opt/eservice-desktop/eservice-desktop"],
        DATA,
        user="eservice",
        ESERVICE_DATA_DIR=str(DATA),
    )
    check_service_enrols_and_syncs_with_its_own_credential_store(tmp_path)

    # Removal: the program goes, the office's data stays.
    done = subprocess.run(
        ["dpkg", "-r", "eservice-desktop"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "office data kept" in done.stderr
    assert (DATA / "eservice.sqlite3").is_file()
    left = sorted(p for p in _snapshot() - machine if not p.startswith(ALLOWED_LEFT))
    assert not left, f"left behind after dpkg -r: {left[:20]}"
    done = subprocess.run(
        ["dpkg", "--purge", "eservice-desktop"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (DATA / "eservice.sqlite3").is_file()
    left = sorted(p for p in _snapshot() - machine if not p.startswith(ALLOWED_LEFT))
    assert not left, f"left behind after dpkg --purge: {left[:20]}"
    assert not WANTS.exists()


def _unit_environment() -> dict[str, str]:
    """The Environment= lines of the installed unit: the service's real configuration."""
    env: dict[str, str] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line.startswith("Environment="):
            key, _, value = line[len("Environment=") :].partition("=")
            env[key] = value
    return env


def check_service_enrols_and_syncs_with_its_own_credential_store(tmp_path: Path) -> None:
    """The service account has no Secret Service: with the unit's environment it enrols into
    its private credential store and then syncs, as `eservice`, against a real county server."""
    county_bin = Path(sys.executable).parent / "eservice-county-server"
    port = _free_port()
    county_db = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    county_env = {**os.environ, "ESERVICE_COUNTY_PASSPHRASE": "installer test passphrase"}
    server = subprocess.Popen(
        [str(county_bin), "serve", "--db", county_db, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=county_env,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        code = json.loads(
            subprocess.run(
                [str(county_bin), "enrol-code", "--db", county_db, "--office", "H02", "--json"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )["code"]
        unit_env = _unit_environment()
        assert unit_env["PYTHON_KEYRING_BACKEND"].endswith("ServiceKeyring")
        as_service = ["setpriv", "--reuid=eservice", "--regid=eservice", "--init-groups", "--"]
        app = ["/opt/eservice-desktop/eservice-desktop", "--data-dir", str(DATA)]
        enrol = subprocess.run(
            [*as_service, *app, "sync", "enrol", "--server", url, "--code", code, "--json"],
            capture_output=True,
            text=True,
            env=clean_env(**unit_env),
            timeout=120,
            check=False,
        )
        assert enrol.returncode == 0, enrol.stdout + enrol.stderr
        store = Path(unit_env["ESERVICE_CREDENTIALS_DIR"])
        assert (store.stat().st_mode & 0o777) == 0o700
        secret_file = store / "credentials.json"
        assert (secret_file.stat().st_mode & 0o777) == 0o600
        owner = subprocess.run(
            ["stat", "-c", "%U", str(secret_file)], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert owner == "eservice"
        secret = next(iter(json.loads(secret_file.read_text(encoding="utf-8")).values()))
        assert secret not in (DATA / "settings.json").read_text(encoding="utf-8")
        once = subprocess.run(
            [*as_service, *app, "sync", "once", "--json"],
            capture_output=True,
            text=True,
            env=clean_env(**unit_env),
            timeout=120,
            check=False,
        )
        assert once.returncode == 0, once.stdout + once.stderr
        assert json.loads(once.stdout)["ok"] is True
    finally:
        server.terminate()
        server.wait(timeout=20)
