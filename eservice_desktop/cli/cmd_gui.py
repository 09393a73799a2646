"""``gui``: the counter window (the default command)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gui", help="開啟櫃檯視窗（預設）", parents=[common])
    p.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="seed demo data first when the database is empty",
    )
    p.set_defaults(func=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    from eservice_desktop.gui.launcher import run

    return int(run(args))
