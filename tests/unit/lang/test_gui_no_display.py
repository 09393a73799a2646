"""The window asked for where there is no screen (an ssh session, a service): Qt aborted the
process (exit 134) after a paragraph about xcb plugins; now one line in the user's language and
exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is X11's")
@pytest.mark.parametrize(
    ("argv", "said"),
    [(["gui"], "沒有可開啟視窗的螢幕"), (["--lang", "en"], "No screen to open the window on")],
)
def test_no_display_is_one_line_and_exit_2(tmp_path: Path, argv: list[str], said: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    out = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(tmp_path), *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 2, out
    assert said in out.stderr and out.stderr.count("\n") == 1, out.stderr


def _no_core_files() -> None:
    """A child that aborts (as Qt did) leaves no core file in the checkout."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def unused_display() -> str:
    """A display number no X server of this machine has (no socket file, no lock file, no
    abstract socket)."""
    sockets = Path("/proc/net/unix").read_text(encoding="utf-8")
    for n in range(99, 200):
        taken = (Path(f"/tmp/.X11-unix/X{n}"), Path(f"/tmp/.X{n}-lock"))
        if not any(p.exists() for p in taken) and f"@/tmp/.X11-unix/X{n}\n" not in sockets:
            return f":{n}"
    pytest.fail("no unused display number between :99 and :199")


@pytest.fixture
def x_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment a desktop session gives the window: DISPLAY only (each test sets it)."""
    for name in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is X11's")
@pytest.mark.parametrize("platform", ["", "xcb"])
def test_a_display_with_no_x_server_is_refused_before_qt(
    x_env: pytest.MonkeyPatch, platform: str
) -> None:
    from eservice_desktop.cli.cmd_gui import check_display
    from eservice_desktop.domain.errors import DomainError

    display = unused_display()
    x_env.setenv("DISPLAY", display)
    if platform:
        x_env.setenv("QT_QPA_PLATFORM", platform)
    with pytest.raises(DomainError) as refused:
        check_display()
    assert refused.value.code == "gui.display_unreachable"
    assert f"DISPLAY='{display}'" in refused.value.message_zh
    x_env.setenv("QT_QPA_PLATFORM", "offscreen")  # the user's own choice: left to Qt
    check_display()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is X11's")
def test_the_test_services_xvfb_display_passes(x_env: pytest.MonkeyPatch) -> None:
    from eservice_desktop.cli.cmd_gui import check_display
    from eservice_desktop.gui.start_failure import has_screen

    display = os.environ.get("ESERVICE_TEST_DISPLAY")
    if not display:
        pytest.fail("ESERVICE_TEST_DISPLAY is not set: run the suite through `make test`")
    for form in (display, "unix" + display, display + ".0"):
        x_env.setenv("DISPLAY", form)
        check_display()
        assert has_screen()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is X11's")
def test_a_tcp_display_is_reached_on_port_6000_plus_n(x_env: pytest.MonkeyPatch) -> None:
    """ "host:N" is TCP port 6000+N: a listener there passes, nothing there is refused."""
    import socket

    from eservice_desktop.cli.cmd_gui import check_display
    from eservice_desktop.domain.errors import DomainError

    listener = socket.socket()
    for n in range(50, 100):
        try:
            listener.bind(("127.0.0.1", 6000 + n))
            break
        except OSError:
            continue
    else:
        pytest.fail("no free port between 6050 and 6099")
    x_env.setenv("DISPLAY", f"127.0.0.1:{n}.0")
    with listener:
        listener.listen(1)
        check_display()
    with pytest.raises(DomainError) as refused:
        check_display()
    assert refused.value.code == "gui.display_unreachable"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is X11's")
@pytest.mark.parametrize(
    ("argv", "said"),
    [(["gui"], "無法連上螢幕 DISPLAY="), (["--lang", "en", "gui"], "Cannot reach the screen")],
)
def test_the_gui_command_with_a_dead_display_exits_2_without_a_core_dump(
    tmp_path: Path, argv: list[str], said: str
) -> None:
    """Qt aborted (SIGABRT, a core dump) on "could not connect to display": now one line
    in the user's language, exit 2, and no message box tried on that display either."""
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = unused_display()
    out = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(tmp_path), *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        preexec_fn=_no_core_files,
    )
    assert out.returncode == 2, out
    assert said in out.stderr and out.stderr.count("\n") == 1, out.stderr
    assert "could not connect to display" not in out.stderr
