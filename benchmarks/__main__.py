"""``make bench`` / ``python -m benchmarks [NAME ...]``: run every ``benchmarks/bench_*.py`` and
print one table.

Each module exposes ``run() -> list[tuple[str, str]]``: rows of (figure, value). A module that
fails is reported in the table (and makes the exit status 1) without stopping the others.
Arguments select modules by name (``python -m benchmarks gui`` runs ``bench_gui`` only).
Big fixtures (the 1,000,000-case databases) are built once and cached under
``ESERVICE_BENCH_CACHE`` (default ``~/.cache/eservice-desktop-bench``).
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
import unicodedata
from pathlib import Path


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def discover(selected: list[str]) -> list[str]:
    here = Path(__file__).resolve().parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    if selected:
        wanted = {s if s.startswith("bench_") else f"bench_{s}" for s in selected}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    return names


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    rows: list[tuple[str, str, str]] = []
    status = 0
    for name in discover(argv):
        started = time.perf_counter()
        print(f"== {name} ...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            for figure, value in module.run():
                rows.append((name.removeprefix("bench_"), figure, value))
        except Exception:
            status = 1
            traceback.print_exc()
            rows.append((name.removeprefix("bench_"), "FAILED (see the traceback above)", ""))
        print(f"   {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not rows:
        print("no benchmarks found")
        return status
    headers = ("area", "figure", "value")
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(3)]
    line = "+".join("-" * (w + 2) for w in widths)
    print(line)
    print(" | ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for r in rows:
        print(" | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)))
    print(line)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
