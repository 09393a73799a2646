"""``catalog list``: the services this build knows, for IT and for scripts."""

from __future__ import annotations

import argparse
from typing import Any

from eservice_desktop.cli.common import add_json, emit, say
from eservice_desktop.domain.catalogue_records import FieldSpec
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


def _field(f: FieldSpec) -> dict[str, Any]:
    return {
        "key": f.key,
        "label": f.label,
        "label_en": f.label_en,
        "type": f.type,
        "required": f.required,
        "choices": list(f.choices),
        "choices_en": list(f.choices_en),
        "max_length": f.max_length,
    }


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
            # what `case intake --field KEY=VALUE` takes for it (a script had to read the
            # catalogue's JSON in the installation to learn a field's key and choices)
            "fields": [_field(f) for f in s.fields],
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
