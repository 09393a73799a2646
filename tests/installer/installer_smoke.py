"""The smoke run shared by the AppDir and the installed .deb: the same checks against a command.

``cmd`` is how the installed program is started (``[AppDir/AppRun]`` or
``[/usr/bin/eservice-desktop]``); every helper runs it as a real subprocess with its own data
directory, the way IT and the operating system start it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from PIL import Image, ImageChops

from eservice_desktop import __version__
from eservice_desktop.storage import db

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a desktop session: no test-only Qt platform, no leftover data dir."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ESERVICE_", "QT_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(extra)
    return env


def run(
    cmd: list[str], *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(**env),
        check=False,
    )


def check_version(cmd: list[str]) -> None:
    done = run(cmd, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"eservice-desktop {__version__}"


def check_db_upgrade(cmd: list[str], data_dir: Path) -> None:
    done = run(cmd, "--data-dir", str(data_dir), "db", "upgrade", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["before"] is None
    assert out["after"] == db.head_revision()
    assert (data_dir / "eservice.sqlite3").is_file()
    current = json.loads(run(cmd, "--data-dir", str(data_dir), "db", "current", "--json").stdout)
    assert current["up_to_date"] is True


def check_doctor(cmd: list[str], data_dir: Path) -> dict[str, dict[str, object]]:
    done = run(cmd, "--data-dir", str(data_dir), "doctor", "--json", "--no-network")
    assert done.returncode in (0, 1), done.stderr
    checks = {c["key"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["version"]["data"]["frozen"] is True  # type: ignore[index]
    assert checks["database"]["status"] == "ok", checks["database"]
    office = checks["office"]
    # a data directory never set up: doctor names what `setup` must give (the defaults' office
    # would otherwise own the database from its first case on)
    assert office["status"] == "warn", office
    assert office["data"]["unset"] == ["office_code", "county_url"], office  # type: ignore[index]
    return checks


def desktop_session() -> list[str]:
    """A command prefix giving the program what a clerk's desktop login gives it: a D-Bus session
    with an unlocked Secret Service (gnome-keyring, login keyring created on first use), where
    the device credential lives. Run it with a private HOME: the keyring is created there."""
    script = (
        'printf "eservice" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; '
        'exec "$@"'
    )
    return ["dbus-run-session", "--", "sh", "-c", script, "sh"]


def screenshot(cmd: list[str], data_dir: Path, shot: Path, display: str, **env: str) -> Image.Image:
    """Starts the counter window on a real X display; gui/launcher.py grabs it once idle, quits."""
    home = shot.parent / "home"
    home.mkdir(exist_ok=True)
    done = run(
        [*desktop_session(), *cmd],
        "--data-dir",
        str(data_dir),
        "gui",
        timeout=90,
        DISPLAY=display,
        HOME=str(home),
        ESERVICE_SCREENSHOT=str(shot),
        **env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert shot.is_file(), "the window never reached the screenshot hook"
    return Image.open(shot).convert("RGB")


def assert_not_blank(image: Image.Image) -> None:
    assert image.width >= 400 and image.height >= 300, image.size
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 20, f"only {len(colours)} colours: a blank window"
    # No single colour may cover (nearly) everything.
    assert max(n for n, _ in colours) < 0.97 * image.width * image.height


def latin_only_fontconfig(folder: Path) -> Path:
    """A fontconfig file that sees DejaVu only: Chinese falls back to empty boxes."""
    conf = folder / "latin-only-fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<fontconfig>\n'
        "  <dir>/usr/share/fonts/truetype/dejavu</dir>\n"
        f"  <cachedir>{folder}/fc-cache</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def check_gui_renders_chinese(cmd: list[str], data_dir: Path, work: Path, display: str) -> None:
    """The window shows, is not blank, and its Chinese text is drawn with real glyphs.

    The same window is taken twice: as installed, and with fontconfig limited to a Latin font
    (Chinese then becomes boxes). Identical pictures would mean the installed run drew boxes too.
    """
    shot = screenshot(cmd, data_dir, work / "window.png", display)
    assert_not_blank(shot)
    boxes = screenshot(
        cmd,
        data_dir,
        work / "window-latin-only.png",
        display,
        FONTCONFIG_FILE=str(latin_only_fontconfig(work)),
    )
    assert boxes.size == shot.size
    diff = ImageChops.difference(shot, boxes).convert("L").point(lambda v: 255 if v > 40 else 0)
    changed = diff.histogram()[255]
    assert changed > 500, f"only {changed} pixels change without CJK fonts: no Chinese rendered"


def check_sync_run_stops_on_sigterm(
    cmd: list[str], data_dir: Path, user: str | None = None, **env: str
) -> None:
    """``sync run`` starts, works (offline: no county here) and exits 0 on SIGTERM."""
    full = [*cmd, "--data-dir", str(data_dir), "sync", "run", "--interval", "0.5"]
    if user:
        # As systemd's User= does it: switch user and exec (runuser would stay in between and
        # turn SIGTERM into a kill of its "session").
        full = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--", *full]
    proc = subprocess.Popen(
        full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(**env)
    )
    try:
        # Wait for this process's own start line: it is written after the SIGTERM handler is in
        # place. A log directory that already exists (the package's postinst writes one) says
        # nothing, and a SIGTERM sent before the handler kills a slow-starting frozen build.
        started = f"sync service started (pid {proc.pid},"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if _logged(data_dir / "logs", started):
                break
            time.sleep(0.1)
        assert _logged(data_dir / "logs", started) or proc.poll() is not None, "no start line"
        time.sleep(1.5)  # a few rounds against the (absent) county
        assert proc.poll() is None, f"sync run exited early: {proc.communicate()[1][-2000:]}"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]


def _logged(log_dir: Path, line: str) -> bool:
    """Whether any log file in ``log_dir`` holds ``line`` (files may be mid-write)."""
    if not log_dir.is_dir():
        return False
    for path in log_dir.iterdir():
        try:
            if line in path.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False
