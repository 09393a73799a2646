"""Shared set-up of the benchmarks: the cache directory and the build-once dance of the big
databases (built under ``NAME.building``, renamed to ``NAME`` and marked ``.complete`` when
done, so an interrupted build is never reused), and the compiled-bytecode environment of the
fresh processes the start-up figures spawn.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def cache_root() -> Path:
    """``ESERVICE_BENCH_CACHE`` (default ``~/.cache/eservice-desktop-bench``)."""
    base = os.environ.get("ESERVICE_BENCH_CACHE") or str(
        Path.home() / ".cache" / "eservice-desktop-bench"
    )
    return Path(base)


@contextlib.contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    """One builder per cached fixture at a time: a second ``make bench`` started meanwhile
    waits for the first one's build instead of deleting it half-way (POSIX ``flock``; where
    there is none, no lock)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(target.with_name(target.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def cached_build(name: str, build: Callable[[Path], None]) -> tuple[Path, float | None]:
    """The cached directory ``name`` under :func:`cache_root`, and the build time when this call
    built it (``build(directory)`` fills a fresh directory)."""
    target = cache_root() / name
    if (target / ".complete").exists():
        return target, None
    with _build_lock(target):
        return _build_once(target, build)


def _build_once(target: Path, build: Callable[[Path], None]) -> tuple[Path, float | None]:
    if (target / ".complete").exists():  # built by the process we waited for
        return target, None
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    started = time.perf_counter()
    build(building)
    elapsed = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    (target / ".complete").write_text("ok")
    return target, elapsed


def compiled_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a fresh process that runs from compiled bytecode, as an installed program
    does (pip and the frozen builds ship ``.pyc`` files): a shell with
    ``PYTHONDONTWRITEBYTECODE=1`` would otherwise recompile every module of the tree on each
    start. The bytecode goes to a cache of its own (``PYTHONPYCACHEPREFIX``), not into the
    source tree; run the process once untimed to fill it."""
    out = dict(env)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out["PYTHONPYCACHEPREFIX"] = str(cache_root() / "pycache")
    return out


def load_average() -> str:
    """The machine's load average (1, 5, 15 min), printed beside wall times: on a shared
    machine they move with it."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
