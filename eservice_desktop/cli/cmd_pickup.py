"""``pickup ready|verify|handover|issue|render-mms|slip|import-keys``: the MMS pickup desk headless.

``verify`` and ``handover`` take the code scanned (or its short code), or with
``--applicant-id ID [--pickup-number N]`` the applicant's ID card instead (持身分證領件: a case
notified by SMS, no code), answered in the same JSON and exit codes.

Exit status: 0 when the code is valid (verify) or the documents were handed over (handover);
3 when the code was refused (the JSON says why in ``reason``); 2 for bad input, and 2 when
``handover`` is refused because fees are still due (``reason`` and ``error`` are ``fees_due``,
``amount`` is the balance in NTD, as for ``case close``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eservice_desktop.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_REFUSED,
    add_approval,
    add_json,
    approval_from,
    bounded_int,
    emit,
    lang_of,
    one_line,
    open_from,
    say,
    service_label,
)
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import exports, pickup, pickup_id_card, pickup_keys

#: The most ``pickup ready --limit`` lists.
READY_MOST = 10_000


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("pickup", help="多媒體簡訊領件", parents=[common])
    cs = p.add_subparsers(dest="pickup_command", required=True)

    r = cs.add_parser("ready", help="本所待領件案件", parents=[common])
    r.add_argument("--limit", type=bounded_int(1, READY_MOST), default=500, help="最多列出的件數")
    add_json(r)
    r.set_defaults(func=cmd_ready)

    v = cs.add_parser("verify", help="驗證領件條碼（不交付）", parents=[common])
    _add_code_or_id(v)
    add_json(v)
    v.set_defaults(func=cmd_verify)

    h = cs.add_parser("handover", help="驗證並登錄交付", parents=[common])
    _add_code_or_id(h)
    h.add_argument("--collector-name", default="", help="代領人姓名")
    h.add_argument("--collector-id", default="", help="代領人的身分證字號或居留證號")
    h.add_argument("--collector-relation", default="", help="代領人與申請人的關係")
    add_approval(h, reason=True)
    add_json(h)
    h.set_defaults(func=cmd_handover)

    i = cs.add_parser("issue", help="（示範模式）簽發領件條碼", parents=[common])
    i.add_argument("case_number", help="案號")
    add_json(i)
    i.set_defaults(func=cmd_issue)

    m = cs.add_parser("render-mms", help="產生領件簡訊圖片（縣府端）", parents=[common])
    m.add_argument("case_number", help="案號")
    m.add_argument("--out", required=True, type=Path, help="輸出的圖片檔")
    m.add_argument("--payload", default="", help="要產生的條碼內容（預設：本案的條碼）")
    add_json(m)
    m.set_defaults(func=cmd_render_mms)

    s = cs.add_parser("slip", help="列印領件單（PDF）", parents=[common])
    s.add_argument("case_number", help="案號")
    s.add_argument("--out", required=True, type=Path, help="輸出的 PDF 檔")
    add_json(s)
    s.set_defaults(func=cmd_slip)

    k = cs.add_parser("import-keys", help="匯入縣府領件簽章金鑰文件", parents=[common])
    k.add_argument("file", type=Path, help="縣府的領件簽章金鑰文件")
    add_json(k)
    k.set_defaults(func=cmd_import_keys)


def _add_code_or_id(p: argparse.ArgumentParser) -> None:
    """The code scanned (or its short code), or the applicant's ID card (持身分證領件)."""
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("payload", nargs="?", help="掃描到的條碼文字，或簡碼，例如 0427-K7M3")
    which.add_argument("--applicant-id", help="申請人身分證上的身分證字號（無條碼：憑簡訊通知）")
    p.add_argument("--pickup-number", default="", help="搭配 --applicant-id：簡訊中的 4 位數字")


def _by_id_card(args: argparse.Namespace) -> bool:
    """Whether the ID card is used; ``--pickup-number`` only narrows that look-up."""
    if args.applicant_id is None and args.pickup_number:
        raise DomainError(
            "pickup.pickup_number_alone",
            "--pickup-number 只用於 --applicant-id（持身分證領件）；掃描的領件碼已含領件號碼",
            "--pickup-number goes with --applicant-id (pickup with the ID card); a scanned code"
            " already holds its pickup number",
            "pickup_number",
        )
    return args.applicant_id is not None


def cmd_ready(args: argparse.Namespace) -> int:
    app = open_from(args)
    try:
        rows, total = pickup.ready_list(app, args.limit)
    finally:
        app.close()
    data = [r.__dict__ for r in rows]
    lines = [
        f"{r.case_number}  {r.pickup_number}  "
        # the service in the user's language (the JSON keeps the catalogue's zh-TW name)
        f"{service_label(app, r.service_code, args)}  {r.applicant_name_masked}"
        for r in rows
    ]
    if total > len(rows):  # the list stopped at --limit: 500 lines, and 8,996 were waiting
        lines.append(
            say(
                args,
                f"（列出最早的 {len(rows):,} 件／共 {total:,} 件待領；--limit 可列出更多，"
                f"最多 {READY_MOST:,} 件）",
                f"(the oldest {len(rows):,} of {total:,} cases waiting; --limit lists more, "
                f"up to {READY_MOST:,})",
            )
        )
    emit(
        args,
        data,
        lambda: "\n".join(lines) or say(args, "（無待領件案件）", "(no case waiting for pickup)"),
    )
    return 0


def _result(
    args: argparse.Namespace,
    result: pickup.PickupResult,
    ok_needed: bool,
    fees_due_code: int = EXIT_REFUSED,
) -> int:
    text = result.message(lang_of(args))
    data = result.to_json()
    if result.reason == pickup.FEES_DUE and result.case is not None:
        # The same error fields as every other refused command (cli.common.fail), plus the amount.
        data.update(
            {"error": pickup.FEES_DUE, "field": "balance", "message": text}
            | {"amount": result.case.balance}
        )
    emit(args, data, text if result.ok else f"{result.reason}: {text}")
    if ok_needed:
        return 0
    return fees_due_code if result.reason == pickup.FEES_DUE else EXIT_REFUSED


def cmd_verify(args: argparse.Namespace) -> int:
    by_id = _by_id_card(args)
    app = open_from(args)
    try:
        if by_id:
            result = pickup_id_card.id_card_pickup(app, args.applicant_id, args.pickup_number)
        else:
            result = pickup.verify(app, args.payload)
    finally:
        app.close()
    return _result(args, result, result.ok)


def cmd_handover(args: argparse.Namespace) -> int:
    # any of the three makes it a proxy's handover (a relation alone is refused: no name)
    collector = pickup.collector_entry(
        args.collector_name, args.collector_id, args.collector_relation
    )
    by_id = _by_id_card(args)
    approval = approval_from(args)
    app = open_from(args)
    try:
        if by_id:
            result = pickup_id_card.id_card_pickup(
                app,
                args.applicant_id,
                args.pickup_number,
                hand_over=True,
                collected_by=collector,
                approval=approval,
            )
        else:
            result = pickup.handover(app, args.payload, collector, approval=approval)
    finally:
        app.close()
    return _result(args, result, result.handed_over, EXIT_BAD_INPUT)


def cmd_issue(args: argparse.Namespace) -> int:
    app = open_from(args)
    try:
        data = pickup.issue_demo(app, args.case_number)
    finally:
        app.close()
    emit(args, data, lambda: f"{data['payload']}\n{data['short_code']}")
    return 0


def cmd_render_mms(args: argparse.Namespace) -> int:
    app = open_from(args)
    try:
        # the code releases the documents: kept like personal data
        exports.check_target(app.settings, args.out, personal=True)
        png = pickup.mms_png(app, args.case_number, args.payload)
        out = exports.write(app.settings, args.out, png, personal=True)
    finally:
        app.close()
    shown = one_line(str(args.out))
    emit(
        args,
        {"out": str(args.out), **out.to_json()},
        say(args, f"{shown}（{len(png)} 位元組）", f"{shown} ({len(png)} bytes)")
        + f"\n{out.notice(lang_of(args))}",
    )
    return 0


def cmd_slip(args: argparse.Namespace) -> int:
    app = open_from(args)
    try:
        exports.check_target(app.settings, args.out, personal=True)  # names on the slip
        pdf = pickup.slip_pdf(app, args.case_number)
        out = exports.write(app.settings, args.out, pdf, personal=True)
    finally:
        app.close()
    emit(
        args,
        {"out": str(args.out), **out.to_json()},
        f"{one_line(str(args.out))}\n{out.notice(lang_of(args))}",
    )
    return 0


#: A county key document holds a few keys: a file past this is none (/dev/zero never ends).
KEY_DOCUMENT_MAX = 1024 * 1024


def cmd_import_keys(args: argparse.Namespace) -> int:
    from eservice_desktop.services.input_files import read_regular

    data = read_regular(args.file, KEY_DOCUMENT_MAX + 1)  # a pipe or a device: refused
    try:
        if len(data) > KEY_DOCUMENT_MAX:
            raise ValueError("too large")
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON (nested too deep), too large
        shown = values.printable(str(args.file), 80)
        raise DomainError(
            "pickup_keys.file",
            f"{shown} 不是縣府的金鑰文件（UTF-8 JSON，至多 1 MB）",
            f"{shown} is not a county key document (UTF-8 JSON, at most 1 MB)",
            "file",
        ) from None
    app = open_from(args)
    try:
        counts = pickup_keys.import_key_file(app, doc)
    finally:
        app.close()
    emit(args, counts, lambda: ", ".join(f"{k}={v}" for k, v in counts.items()))
    return 0
