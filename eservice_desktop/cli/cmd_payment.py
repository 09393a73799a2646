"""``payment assess|record|online-receipt|refund|list``: fees and payments at the counter,
headless.

A refund and a fee reduction or exemption need a supervisor's approval: ``--approver ACCOUNT
--approver-password-stdin`` (exit 2 ``auth.approval_required`` without it)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eservice_desktop.cli.common import (
    add_approval,
    add_json,
    approval_from,
    bounded_int,
    emit,
    lang_of,
    open_from,
    parse_time,
    payment_words,
    say,
    typed_int,
)
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.text_values import os_reason

if TYPE_CHECKING:
    from eservice_desktop.domain.case_state import Payment
    from eservice_desktop.services.payments import PaymentResult


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("payment", help="規費：核計、收費、退費", parents=[common])
    ps = p.add_subparsers(dest="payment_command", required=True)

    a = ps.add_parser("assess", help="核計規費（可減免，須附理由）", parents=[common])
    a.add_argument("case_number", help="案號")
    a.add_argument("--exempt", action="store_true", help="免徵")
    a.add_argument(
        "--reduction", type=bounded_int(0, values.AMOUNT_MAX), default=0, help="減免金額（元）"
    )
    a.add_argument("--reason", default="", help="減免原因")
    a.add_argument("--copies", type=typed_int, help="改份數並重新核計（保留已核准的免徵或減免）")
    add_approval(a)
    add_json(a)
    a.set_defaults(func=cmd_assess)

    _add_record(ps, common)
    _add_online_receipt(ps, common)

    f = ps.add_parser("refund", help="退費", parents=[common])
    f.add_argument("receipt_number", help="收據號碼")
    f.add_argument(
        "--amount", required=True, type=bounded_int(1, values.AMOUNT_MAX), help="退費金額（元）"
    )
    f.add_argument("--reason", required=True, help="退費原因")
    add_approval(f)
    add_json(f)
    f.set_defaults(func=cmd_refund)

    ls = ps.add_parser("list", help="本案繳費與收據", parents=[common])
    ls.add_argument("case_number", help="案號，或收據上的號碼")
    add_json(ls)
    ls.set_defaults(func=cmd_list)

    si = ps.add_parser(
        "settle-import",
        help="匯入公庫入庫對帳檔（附件 22 欄位 CSV），填入入庫日期、已/未入庫與機關核銷編號",
        parents=[common],
    )
    si.add_argument("file", help="CSV 檔（UTF-8 或 Big5），格式見 docs/payments.md")
    add_json(si)
    si.set_defaults(func=cmd_settle_import)


def _add_record(ps: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """`payment record`: cash, card, or an online payment the county reported."""
    r = ps.add_parser("record", help="登錄繳費並取得收據號碼", parents=[common])
    r.add_argument("case_number", help="案號")
    r.add_argument(
        "--method",
        required=True,
        choices=["cash", "card", "online"],
        help="付款方式：現金、刷卡、線上",
    )
    r.add_argument(
        "--amount", required=True, type=bounded_int(1, values.AMOUNT_MAX), help="金額（元）"
    )
    r.add_argument("--reference", default="", help="僅刷卡／線上：刷卡機交易序號或線上交易編號")
    r.add_argument(
        "--tendered",
        type=bounded_int(0, values.AMOUNT_MAX),
        help="僅現金：收取的現金（自動計算找零）",
    )
    r.add_argument(
        "--payment-tool",
        help="僅線上：信用卡（預設）|金融帳戶轉帳|晶片金融卡|超商代收",
    )
    r.add_argument("--authorised-at", help="僅線上：授權時間（ISO 8601，預設現在）")
    r.add_argument("--payment-id", help="僅線上：交易編號（重送不會重複登錄）")
    add_json(r)
    r.set_defaults(func=cmd_record)


def _add_online_receipt(ps: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """`payment online-receipt`: this counter's receipt for an online payment (docs/payments.md)."""
    o = ps.add_parser(
        "online-receipt",
        help="為縣府同步的線上繳費開立本所收據（之後以 receipt pdf 列印）",
        parents=[common],
    )
    o.add_argument("case_number", help="案號")
    which = o.add_mutually_exclusive_group()  # one of them: cmd_online_receipt says so
    which.add_argument("--reference", help="線上繳費的交易電子案號")
    which.add_argument("--payment-id", help="線上繳費的繳費編號")
    add_json(o)
    o.set_defaults(func=cmd_online_receipt)


def _line(args: argparse.Namespace, r: PaymentResult, ended: tuple[str, str] | None = None) -> str:
    """One receipt; ``ended``: the words of a cancelled or rejected case in place of its
    balance (services.ended_balance)."""
    from eservice_desktop.services.overpaid import balance_words

    change = say(args, "找零", "change")
    balance = (  # 溢繳 N 元 rather than -N; what is still due as it always was
        say(args, *ended)
        if ended
        else say(args, *balance_words(r.balance))
        if r.balance < 0
        else f"{say(args, '餘額', 'balance')} {r.balance}"
    )
    extra = f"  {change} {r.change}" if r.method == "cash" else ""
    refunded = f"  {say(args, '已退', 'refunded')} {r.refunded}" if r.refunded else ""
    method, status = payment_words(r.method, r.status, args)
    return f"{r.receipt_number}  {method}  {r.amount}{extra}{refunded}  {balance}  {status}"


def cmd_assess(args: argparse.Namespace) -> int:
    from eservice_desktop.services import cases, fees
    from eservice_desktop.services.overpaid import balance_words

    approval = approval_from(args)
    app = open_from(args)
    try:
        if args.copies is not None and not (args.exempt or args.reduction or args.reason):
            view = fees.change_copies(app, args.case_number, args.copies)
        else:
            view = fees.assess(
                app,
                args.case_number,
                exempt=args.exempt,
                reduction=args.reduction,
                reason=args.reason,
                copies=args.copies,
                approval=approval,
            )
        state = cases.load_case(app, args.case_number)
    finally:
        app.close()
    data = {
        **fees.current(state).to_json(),
        "case_number": view.case_number,
        "fees_due": view.fees_due,
        "paid": view.paid,
        "balance": view.balance,
        "copies": view.copies,
    }
    emit(
        args,
        data,
        say(
            args,
            f"{view.case_number}: 應繳 {view.fees_due} 元，{balance_words(view.balance)[0]}",
            f"{view.case_number}: NT${view.fees_due} due, {balance_words(view.balance)[1]}",
        ),
    )
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from eservice_desktop.services import online_by_hand, payments

    # --tendered is no parameter of the online path: refused here by the services' own rule
    payments.check_method_values(args.method, tendered=args.tendered, reference=args.reference)
    _online_only(args)
    authorised = parse_time(args.authorised_at, "authorised_at") if args.authorised_at else None
    app = open_from(args)
    try:
        if args.method == "online":  # only what the county reported: online_by_hand
            result = online_by_hand.record_online_by_hand(
                app,
                args.case_number,
                amount=args.amount,
                payment_tool=args.payment_tool or "信用卡",
                authorised_at=authorised or app.now(),
                reference=args.reference,
                payment_id=args.payment_id,
            )
        else:
            result = payments.record_payment(
                app,
                args.case_number,
                args.method,
                args.amount,
                tendered=args.tendered,
                reference=args.reference,
            )
    finally:
        app.close()
    emit(args, result.to_json(), _line(args, result))
    return 0


def cmd_online_receipt(args: argparse.Namespace) -> int:
    from eservice_desktop.services import online_receipt

    if not (args.reference or args.payment_id):
        raise DomainError(
            "payment.transaction_required",
            "請以 --reference 指定交易電子案號，或以 --payment-id 指定繳費編號",
            "Name the payment: --reference with its transaction id, or --payment-id",
            "reference",
        )
    app = open_from(args)
    try:
        result = online_receipt.issue_online_receipt(
            app, args.case_number, args.reference or args.payment_id or ""
        )
    finally:
        app.close()
    emit(args, result.to_json(), _line(args, result))
    return 0


def _online_only(args: argparse.Namespace) -> None:
    """Refuses the online payment's own options on a cash or card payment: they were ignored
    without a word, and a clerk who typed ``--payment-id`` believed the payment idempotent."""
    given = [
        option
        for option, value in (
            ("--payment-tool", args.payment_tool),
            ("--authorised-at", args.authorised_at),
            ("--payment-id", args.payment_id),
        )
        if value is not None
    ]
    if given and args.method != "online":
        from eservice_desktop.domain.errors import DomainError

        raise DomainError(
            "payment.online_only",
            f"{given[0]} 只用於線上繳費（--method online）",
            f"{given[0]} applies to online payments only (--method online)",
            given[0].removeprefix("--").replace("-", "_"),
        )


def cmd_refund(args: argparse.Namespace) -> int:
    from eservice_desktop.services import payments
    from eservice_desktop.services.ended_balance import ended_balance_words

    approval = approval_from(args)
    app = open_from(args)
    try:
        result = payments.refund(
            app, args.receipt_number, args.amount, args.reason, approval=approval
        )
        ended = ended_balance_words(app, result.case_number)
    finally:
        app.close()
    emit(args, result.to_json(), _line(args, result, ended))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from eservice_desktop.services import cases, online_receipt, payment_screen, payments
    from eservice_desktop.services.ended_balance import ended_balance_words

    app = open_from(args)
    try:
        # a receipt's number lists its case's receipts, as receipt pdf and the fees page take
        # it: the number a closing names as missing was 查無此案件 here, and the one command
        # that found its case printed it again, a reprint on the day's closing
        number, receipt = payment_screen.case_of(app, args.case_number)
        rows = payments.receipts_of_case(app, number)
        ended = ended_balance_words(app, number) if rows else None
        state = cases.load_case(app, number)
        waiting = online_receipt.waiting_online_payments(state)
    finally:
        app.close()
    emit(
        args,
        [r.to_json() for r in rows],
        lambda: "\n".join(
            [
                *([_of_case(args, receipt, state.case_number)] if receipt else []),
                *(_line(args, r, ended) + _unprinted(args, r) for r in rows),
                *_waiting(args, state.case_number, waiting),
            ]
        ),
    )
    return 0


def _unprinted(args: argparse.Namespace, r: PaymentResult) -> str:
    """The words of a valid receipt never printed (its print failed, or the program or the PC
    stopped between the payment and its print), with the command that prints it: the list
    said 有效 alone, the same as a printed one, and a clerk back after the crash handed the
    citizen nothing (``--json`` has ``printed``; the window shows its red banner)."""
    if r.printed or r.status != "valid":
        return ""
    command = f"receipt pdf {r.receipt_number} --out FILE.pdf"
    return say(args, f"  未列印（{command}）", f"  not printed ({command})")


def _of_case(args: argparse.Namespace, receipt: str, case_number: str) -> str:
    return say(
        args,
        f"收據 {receipt} 屬案件 {case_number}：",
        f"Receipt {receipt} is of case {case_number}:",
    )


def _waiting(args: argparse.Namespace, number: str, waiting: list[Payment]) -> list[str]:
    """The case's online payments without a receipt of the office, each with the command that
    issues it: the list said nothing of a case paid on the web, as if it were unpaid, and
    named no 交易電子案號 for ``payment online-receipt`` (the fees page offers its button)."""
    from eservice_desktop.domain.settlement_file import transaction_id

    lines = []
    for p in waiting:
        txn = transaction_id(p.payment_id, p.reference)
        command = f"payment online-receipt {number} --reference {txn}"
        lines.append(
            say(
                args,
                f"線上繳費 {p.amount} 元（交易電子案號 {txn}）尚無本所收據；開立：{command}",
                f"Paid online NT${p.amount} (transaction {txn}), no receipt of the office yet; "
                f"to issue one: {command}",
            )
        )
    return lines


#: Why a settlement line was not applied, in zh-TW (the codes of services.settlement).
_NOT_APPLIED_ZH = {
    "unknown": "查無此交易",
    "not_online": "非線上繳費",
    "amount_mismatch": "金額不符",
}


def _not_applied(args: argparse.Namespace, o: dict[str, Any]) -> str:
    """One line not applied, in the user's language (the zh-TW text said it in English)."""
    if lang_of(args) == "en":
        expected = f" (expected {o['amount_expected']})" if "amount_expected" in o else ""
        return f"  line {o['line']}: {o['transaction_id']} {o['status']}{expected}"
    why = _NOT_APPLIED_ZH.get(o["status"], o["status"])
    expected = f"（應為 {o['amount_expected']} 元）" if "amount_expected" in o else ""
    return f"  第 {o['line']} 行：{o['transaction_id']} {why}{expected}"


def cmd_settle_import(args: argparse.Namespace) -> int:
    from eservice_desktop.domain import settlement_file as sf
    from eservice_desktop.services import settlement
    from eservice_desktop.services.input_files import read_regular

    try:
        data = read_regular(Path(args.file), sf.MAX_BYTES + 1)  # a pipe or a device: refused
        sf.decode_size(len(data))
    except OSError as e:
        zh, en = os_reason(e)
        raise DomainError(
            "settlement.unreadable",
            f"無法讀取對帳檔：{zh}",
            f"Cannot read the settlement file: {en}",
            "file",
        ) from None
    app = open_from(args)
    try:
        result = settlement.import_settlement(app, data)
    finally:
        app.close()

    def text() -> str:
        head = say(
            args,
            f"對帳檔 {result['lines']} 筆：入庫資料更新 {result['settled']} 筆，"
            f"已是最新 {result['unchanged']} 筆，未套用 {len(result['not_applied'])} 筆",
            f"{result['lines']} lines: {result['settled']} settled, {result['unchanged']} "
            f"unchanged, {len(result['not_applied'])} not applied",
        )
        return "\n".join([head, *(_not_applied(args, o) for o in result["not_applied"])])

    emit(args, result, text)
    return 0
