#!/usr/bin/env python3
"""Functions over 60 lines and modules over 400 lines: where to split next (docs/architecture.md).

Not a linter: a list to read when a module or a function has grown past what reads at a glance.
A function counts from its first decorator to its last line; a module counts every line.

    python3 tools/code-sizes.py [PACKAGE_DIR] [--functions N] [--modules N]
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path


def sizes(root: Path, fmax: int, mmax: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(length, where) of the functions over ``fmax`` lines and the modules over ``mmax``."""
    funcs: list[tuple[int, str]] = []
    mods: list[tuple[int, str]] = []
    for path in sorted(root.rglob("*.py")):
        src = path.read_text(encoding="utf-8")
        if (n := len(src.splitlines())) > mmax:
            mods.append((n, str(path)))
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                length = (node.end_lineno or node.lineno) - start + 1
                if length > fmax:
                    funcs.append((length, f"{path}:{node.lineno} {node.name}"))
    return sorted(funcs, reverse=True), sorted(mods, reverse=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="eservice_desktop")
    parser.add_argument("--functions", type=int, default=60, help="longest function (lines)")
    parser.add_argument("--modules", type=int, default=400, help="longest module (lines)")
    args = parser.parse_args()
    funcs, mods = sizes(Path(args.root), args.functions, args.modules)
    for length, where in funcs:
        print(f"function {length:5d}  {where}")
    for length, where in mods:
        print(f"module   {length:5d}  {where}")
    print(f"functions > {args.functions}: {len(funcs)}; modules > {args.modules}: {len(mods)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
