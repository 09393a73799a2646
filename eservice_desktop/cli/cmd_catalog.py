"""``catalog list``: the services this build knows, for IT and for scripts."""

from __future__ import annotations

import argparse

from eservice_desktop.cli.common import add_json, emit, say
from eservice_desktop.services.core import load_catalogue


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("catalog", help="申辦項目", parents=[common])
    cs = p.add_subparsers(dest="catalog_command", required=True)
    ls = cs.add_parser("list", help="列出申辦項目", parents=[common])
    ls.add_argument(
        "--office-kind", choices=["household", "land", "county"], help="只列這類機關的項目"
    )
    add_json(ls)
    ls.set_defaults(func=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    services = (
        catalogue.services_for(args.office_kind) if args.office_kind else list(catalogue.services)
    )
    data = [
        {
            "code": s.code,
            "name": s.name,
            "name_en": s.name_en,
            "department": s.department,
            "office_kind": s.office_kind,
            "time_limit_working_days": s.time_limit_working_days,
            "requires_moica": s.requires_moica,
            "mode": s.mode,
            "fee_items": [
                {
                    "code": f.code,
                    "name": f.name,
                    "unit_price": f.unit_price,
                    "unit": f.unit,
                    "unit_en": f.unit_en,
                }
                for f in s.fee_items
            ],
        }
        for s in services
    ]
    emit(
        args,
        data,
        lambda: "\n".join(
            f"{d['code']:<32} {say(args, str(d['name']), str(d['name_en']))}  "
            + say(
                args,
                f"({d['time_limit_working_days']} 日)",
                f"(working days: {d['time_limit_working_days']})",
            )
            for d in data
        ),
    )
    return 0
