"""``demo seed``: synthetic cases for trying the counter."""

from __future__ import annotations

import argparse

from eservice_desktop.cli.common import add_json, bounded_int, emit, open_from, say
from eservice_desktop.demo.seeding import DEMO_MAX_CASES, seed_demo
from eservice_desktop.services.operators_demo import check_demo_seed


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="示範資料", parents=[common])
    cs = p.add_subparsers(dest="demo_command", required=True)
    s = cs.add_parser("seed", help="加入示範案件", parents=[common])
    s.add_argument("--cases", type=bounded_int(0, DEMO_MAX_CASES), default=200, help="示範案件數")
    s.add_argument(
        "--seed",
        type=bounded_int(0, 2**63 - 1),
        default=None,
        help="亂數種子（同一種子產生相同的資料）",
    )
    s.add_argument("--days", type=bounded_int(1, 3650), default=40, help="分散於多少個上班日")
    add_json(s)
    s.set_defaults(func=cmd_seed)


def cmd_seed(args: argparse.Namespace) -> int:
    app = open_from(args)
    try:
        check_demo_seed(app)
        result = seed_demo(app, args.cases, args.seed, days=args.days)
    finally:
        app.close()
    emit(
        args,
        result,
        say(
            args,
            f"已加入 {result['added']} 件示範案件，共 {result['total_cases']} 件",
            f"added {result['added']} demo cases, {result['total_cases']} in all",
        ),
    )
    return 0
