"""``audit verify [--json]``: the event hash chains of this office database, and its
``receipts`` table against the money events.

Exit status: 0 when every chain is whole and every receipt agrees, 1 when a chain is broken
(the first broken link is named: office, device, case, event and what differs) or a receipt
differs (named by its number), 2 for bad input.
"""

from __future__ import annotations

import argparse

from eservice_desktop.cli.common import add_json, emit, lang_of, open_from


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "audit", help="稽核：事件雜湊鏈 / audit the event hash chains", parents=[common]
    )
    cs = p.add_subparsers(dest="audit_command", required=True)
    v = cs.add_parser(
        "verify", help="檢查每部設備的事件雜湊鏈是否完整 / verify the chains", parents=[common]
    )
    add_json(v)
    v.set_defaults(func=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    from eservice_desktop.services import audit

    app = open_from(args)
    try:
        result = audit.verify(app)
    finally:
        app.close()
    emit(args, result.to_json(), result.message(lang_of(args)))
    return 0 if result.ok else 1
