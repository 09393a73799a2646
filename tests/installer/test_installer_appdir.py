"""The AppDir (`make appdir`): layout, libraries, and the frozen program's smoke run."""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

from installer_smoke import (
    ROOT,
    check_db_upgrade,
    check_doctor,
    check_gui_renders_chinese,
    check_sync_run_stops_on_sigterm,
    check_version,
    run,
)


def _frozen(appdir: Path) -> Path:
    return appdir / "usr" / "lib" / "eservice-desktop"


def test_appdir_layout(appdir: Path) -> None:
    assert os.access(appdir / "AppRun", os.X_OK)
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(appdir / "eservice-desktop.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] == "eservice-desktop"
    assert (appdir / f"{desktop['Icon']}.png").is_file()
    assert (appdir / ".DirIcon").resolve().is_file()
    assert (appdir / "usr/bin/eservice-desktop").resolve() == _frozen(appdir) / "eservice-desktop"
    assert (appdir / "usr/share/eservice-desktop/fonts.conf").is_file()
    assert list((appdir / "usr/share/fonts/eservice-desktop").glob("*.tt?"))


def test_frozen_tree_carries_data_the_program_finds_by_path(appdir: Path) -> None:
    internal = _frozen(appdir) / "_internal"
    # Every migration and resource of this source tree is in the bundle (a stale build fails).
    shipped = {p.name for p in (internal / "migrations" / "versions").glob("*.py")}
    assert shipped == {p.name for p in (ROOT / "migrations" / "versions").glob("*.py")}
    for folder in (ROOT / "resources").iterdir():
        if folder.is_dir():
            want = {
                p.relative_to(ROOT / "resources")
                for p in folder.rglob("*")
                if p.is_file() and p.suffix != ".ts"
            }
            have = {
                p.relative_to(internal / "resources")
                for p in (internal / "resources" / folder.name).rglob("*")
                if p.is_file()
            }
            assert want <= have, f"resources/{folder.name} incomplete: {sorted(want - have)[:5]}"
    # Translations ship compiled only (gui/i18n.py would look for lrelease next to a .ts).
    assert not list((internal / "resources").rglob("*.ts"))
    for ts in (ROOT / "resources" / "translations").glob("*.ts"):
        assert (internal / "resources" / "translations" / f"{ts.stem}.qm").is_file(), ts.name
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in (
        "platforms/libqxcb.so",
        "platforms/libqwayland.so",
        "printsupport/libcupsprintersupport.so",
        "imageformats/libqsvg.so",
    ):
        assert (plugins / plugin).is_file(), plugin
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_zh_TW.qm").is_file()
    assert not (internal / "eservice_desktop" / "county").exists()


def test_every_shared_object_resolves(appdir: Path) -> None:
    frozen = _frozen(appdir)
    internal = frozen / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal}/PySide6/Qt/lib")
    missing = []
    files = [frozen / "eservice-desktop", *internal.rglob("*.so*")]
    for f in files:
        if not f.is_file() or f.is_symlink():
            continue
        done = subprocess.run(["ldd", str(f)], capture_output=True, text=True, env=env, check=False)
        missing += [
            f"{f.name}: {line.strip()}" for line in done.stdout.splitlines() if "not found" in line
        ]
    assert not missing, "\n".join(missing[:20])


def test_bundled_font_is_visible_through_apprun_config(appdir: Path, tmp_path: Path) -> None:
    conf = appdir / "usr/share/eservice-desktop/fonts.conf"
    done = subprocess.run(
        ["fc-list", ":lang=zh-tw", "file"],
        capture_output=True,
        text=True,
        env=dict(os.environ, FONTCONFIG_FILE=str(conf), XDG_CACHE_HOME=str(tmp_path)),
        check=False,
    )
    assert str(appdir / "usr/share/fonts/eservice-desktop") in done.stdout


def test_apprun_version(appdir: Path) -> None:
    check_version([str(appdir / "AppRun")])


def test_apprun_db_upgrade_and_doctor(appdir: Path, tmp_path: Path) -> None:
    cmd = [str(appdir / "AppRun")]
    check_db_upgrade(cmd, tmp_path / "data")
    checks = check_doctor(cmd, tmp_path / "data")
    assert checks["fonts"]["status"] == "ok"


def test_apprun_gui_shows_chinese(appdir: Path, tmp_path: Path, display: str) -> None:
    data = tmp_path / "data"
    check_db_upgrade([str(appdir / "AppRun")], data)
    check_gui_renders_chinese([str(appdir / "AppRun")], data, tmp_path, display)


def test_apprun_sync_run_stops_on_sigterm(appdir: Path, tmp_path: Path) -> None:
    check_sync_run_stops_on_sigterm([str(appdir / "AppRun")], tmp_path / "data")


def test_apprun_unknown_command_fails_cleanly(appdir: Path) -> None:
    done = run([str(appdir / "AppRun")], "no-such-command")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
