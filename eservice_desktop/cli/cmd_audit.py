"""``audit verify [--json]``: the event hash chains of this office database, and its
``receipts`` table against the money events; ``audit rebuild-receipts [--json]``: the receipts
table made again from those events, once what ``verify`` named has been looked into.

Exit status: 0 when every chain is whole and every receipt agrees, 1 when a chain is broken
(the first broken link is named: office, device, case, event and what differs) or a receipt
differs (named by its number), 2 for bad input.
"""

from __future__ import annotations

import argparse

from eservice_desktop.cli.common import add_json, emit, lang_of, open_from, say
from eservice_desktop.cli.progress import events_read


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("audit", help="稽核：事件雜湊鏈", parents=[common])
    cs = p.add_subparsers(dest="audit_command", required=True)
    v = cs.add_parser("verify", help="檢查每部設備的事件雜湊鏈是否完整", parents=[common])
    add_json(v)
    v.set_defaults(func=cmd_verify)
    r = cs.add_parser(
        "rebuild-receipts",
        help="依收費事件重建收據表",
        parents=[common],
    )
    add_json(r)
    r.set_defaults(func=cmd_rebuild_receipts)


def cmd_verify(args: argparse.Namespace) -> int:
    from eservice_desktop.services import audit

    app = open_from(args)
    try:
        with events_read(args):
            result = audit.verify(app)
    finally:
        app.close()
    emit(args, result.to_json(), result.message(lang_of(args)))
    return 0 if result.ok else 1


def cmd_rebuild_receipts(args: argparse.Namespace) -> int:
    """The receipts table from the money events (an office admin's or IT's): the remedy for the
    receipts ``verify`` names, the events being what the chains prove whole."""
    from eservice_desktop.services import payments

    app = open_from(args)
    try:
        count = payments.rebuild_receipts(app)
    finally:
        app.close()
    text = say(
        args,
        f"已依收費事件重建收據表，共 {count} 張",
        f"Receipts remade from the money events: {count}",
    )
    emit(args, {"receipts": count}, text)
    return 0
