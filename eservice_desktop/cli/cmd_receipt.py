"""``receipt pdf|void|correct-method|verify|pending``: receipts as PDF files, voids, a
payment's method corrected, verification codes.

A void, a method corrected, and a receipt's second reprint or later, need a supervisor's
approval: ``--approver ACCOUNT --approver-password-stdin`` (exit 2 ``auth.approval_required``
without it)."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eservice_desktop.cli.common import (
    add_approval,
    add_json,
    approval_from,
    emit,
    lang_of,
    one_line,
    open_from,
    say,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.domain.values import printable_path
from eservice_desktop.services import exports

#: Reason recorded when a receipt already printed is written again from the command line.
DEFAULT_REPRINT_REASON = "依申請補印"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("receipt", help="收據：輸出 PDF、作廢、查驗", parents=[common])
    rs = p.add_subparsers(dest="receipt_command", required=True)

    d = rs.add_parser("pdf", help="本案最後一筆繳費的收據 PDF", parents=[common])
    d.add_argument("case_number", help="案號，或要列印的收據上的號碼")
    d.add_argument("--out", required=True, type=Path, help="輸出的 PDF 檔")
    d.add_argument(
        "--layout", choices=["a6", "roll80"], help="版面（預設：settings.receipt_layout）"
    )
    d.add_argument("--number", help="本案指定的收據號碼，而非最後一筆")
    d.add_argument("--reprint-reason", default="", help="重印原因（首次列印時忽略）")
    add_approval(d)
    add_json(d)
    d.set_defaults(func=cmd_pdf)

    v = rs.add_parser("void", help="作廢收據（號碼保留）", parents=[common])
    v.add_argument("receipt_number", help="收據號碼")
    v.add_argument("--reason", required=True, help="作廢原因")
    add_approval(v)
    add_json(v)
    v.set_defaults(func=cmd_void)

    m = rs.add_parser(
        "correct-method",
        help="更正收費方式（現金誤登為刷卡，或刷卡誤登為現金；須主管核准）",
        parents=[common],
    )
    m.add_argument("receipt_number", help="收據號碼")
    m.add_argument("--to", required=True, help="實際收費方式：cash（現金）或 card（刷卡）")
    m.add_argument("--reference", default="", help="刷卡機交易序號（更正為刷卡時必填）")
    m.add_argument("--reason", required=True, help="更正理由")
    add_approval(m)
    add_json(m)
    m.set_defaults(func=cmd_correct_method)

    c = rs.add_parser("verify", help="查驗收據驗證碼", parents=[common])
    c.add_argument("receipt_number", help="收據號碼，或掃描收據 QR 碼所得的文字")
    c.add_argument("code", nargs="?", help="收據上的驗證碼（掃描 QR 碼時省略）")
    add_json(c)
    c.set_defaults(func=cmd_verify)

    n = rs.add_parser("pending", help="已收費但尚未列印的收據", parents=[common])
    add_json(n)
    n.set_defaults(func=cmd_pending)


def cmd_pdf(args: argparse.Namespace) -> int:
    from eservice_desktop.services import payment_screen, payments

    approval = approval_from(args)
    app = open_from(args)
    try:
        # the payer's name: personal data, never in clear in the data directory
        exports.check_target(app.settings, args.out, personal=True)
        _check_suffix(args.out)  # after: a folder or a device keeps its own refusal
        # A receipt's own number stands for its case, that receipt named: a citizen back for
        # a reprint hands over the receipt, and the command said 查無此案件 for its number.
        case_number, on_receipt = payment_screen.case_of(app, args.case_number)
        if wanted := args.number or on_receipt:  # a receipt of the case named, never another
            number = payments.receipt_of_case(app, case_number, wanted)
        else:
            number = payments.last_receipt_number(app, case_number)
        layout = args.layout or app.settings.receipt_layout
        reason = ""  # a first print is no reprint, whatever reason was given
        if payments.needs_reprint_reason(app, number):
            reason = args.reprint_reason.strip() or DEFAULT_REPRINT_REASON
        _check_reprint(app, number, reason, approval)
        pdf = payments.receipt_pdf(app, number, layout, reprint_reason=reason)
        out = exports.write(app.settings, args.out, pdf, personal=True)
        result = payments.confirm_printed(app, number, reason, approval=approval)
    finally:
        app.close()
    emit(
        args,
        {**result.to_json(), **out.to_json(), "layout": layout, "reprint_reason": reason},
        f"{number} → {one_line(str(args.out))}\n{out.notice(lang_of(args))}",
    )
    return 0


def _check_suffix(out: Path) -> None:
    """The receipt is a PDF: ``--out receipt.txt`` (or ``.pfd``) wrote it there as the
    receipt's print, which cannot be taken back."""
    if out.suffix.lower() != ".pdf":
        where = printable_path(str(out))
        raise DomainError(
            "receipt.format",
            f"收據輸出檔須為 .pdf 檔（收到「{where}」）",
            f"The receipt is written as a PDF: give a file ending in .pdf (got '{where}')",
            "out",
        )


def _check_reprint(app: Any, number: str, reason: str, approval: Any) -> None:
    """What recording the print would refuse, asked before the file is written: a reprint
    reason no event may hold, a second reprint's approval missing or not valid (a wrong
    password, an account that is no supervisor). The reprint was written first and refused
    after, so any approver typed gave the file."""
    from eservice_desktop.services import payments

    if reason:
        payments.check_reason(reason, payments.REPRINT_REASON)
    payments.reprint_granted(app, number, reason, approval)  # the approver's scope too


def cmd_correct_method(args: argparse.Namespace) -> int:
    from eservice_desktop.services.payment_method import correct_method

    approval = approval_from(args)
    app = open_from(args)
    try:
        result = correct_method(
            app,
            args.receipt_number,
            args.to.strip().lower(),
            args.reason,
            reference=args.reference,
            approval=approval,
        )
    finally:
        app.close()
    to = say(args, *{"cash": ("現金", "cash"), "card": ("刷卡", "card")}[result.method])
    emit(
        args,
        result.to_json(),
        f"{result.receipt_number}: "
        + say(
            args,
            f"收費方式已更正為{to}（收據不改寫；計入開立日之日結）",
            f"method corrected to {to} (the receipt is unchanged; counted on its day's closing)",
        ),
    )
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    from eservice_desktop.services import payments

    approval = approval_from(args)
    app = open_from(args)
    try:
        result = payments.void_receipt(app, args.receipt_number, args.reason, approval=approval)
    finally:
        app.close()
    emit(args, result.to_json(), f"{result.receipt_number}: " + say(args, "已作廢", "void"))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from eservice_desktop.services import payments, receipt_qr

    app = open_from(args)
    try:
        number = args.receipt_number
        if args.code is None:  # the receipt's QR code, scanned: the paper offers it
            number, ok = receipt_qr.verify_scanned(app, number)
        else:
            ok = payments.verify_receipt(app, number, args.code)
        # an authentic code on a void receipt read "valid" alone: its money went back
        found = payments.get_receipt(app, number) if ok else None
    finally:
        app.close()
    data: dict[str, object] = {"receipt_number": number, "valid": ok}
    text = say(args, "驗證碼不符", "NOT valid")
    if found is not None:  # added, the keys above kept: whether the receipt still stands
        day = _issued_on(found.issued_at)
        data |= {"status": found.status, "refunded": found.refunded}
        data |= {"amount": found.amount, "issued_on": day.isoformat()}
        data |= {"case_number": found.case_number}
        text = f"{_verdict(args, found)}\n{_bound(args, found, day)}"
    emit(args, data, text)
    return 0 if ok else 3


def _issued_on(issued_at: str) -> date:
    """The (Taipei) day of a receipt's ISO issue time: the day its code binds."""
    return datetime.fromisoformat(issued_at).astimezone(TAIPEI).date()


def _bound(args: argparse.Namespace, found: Any, day: date) -> str:
    """What the code binds, to hold against the paper: the answer was 驗證碼正確 alone, so a
    receipt of 30 元 altered to 3,000 (or to another case, another day) verified as valid
    with its own number and code. The payer is not named: a code is no right to their data."""
    number, case, amount = found.receipt_number, found.case_number, found.amount
    return say(
        args,
        f"收據 {number}：{format_roc(day, 'receipt')}開立，金額 {amount:,} 元，案號 {case}"
        "（請與收據上所載核對，不符者為經變造之收據）",
        f"Receipt {number}: issued {day.isoformat()} (ROC {format_roc(day, 'short')}), "
        f"NT${amount:,}, case {case} (check these against the paper: a receipt that says "
        "otherwise was altered)",
    )


def _verdict(args: argparse.Namespace, found: Any) -> str:
    """What an authentic code says of its receipt: a receipt refunded in full read 驗證碼正確
    alone, so a bank or an employer took a receipt whose whole fee had gone back to the citizen
    as proof of payment (a void one already said it was void)."""
    if found.status == "void":
        return say(args, "驗證碼正確，但此收據已作廢", "Authentic code, but the receipt is VOID")
    if found.refunded >= found.amount:
        return say(
            args,
            f"驗證碼正確，但此收據已全額退費（已退 {found.refunded:,} 元）",
            f"Authentic code, but the receipt was REFUNDED in full (NT${found.refunded:,})",
        )
    if found.refunded:
        return say(
            args,
            f"驗證碼正確；此收據 {found.amount:,} 元中已退費 {found.refunded:,} 元",
            f"valid; NT${found.refunded:,} of its NT${found.amount:,} has been refunded",
        )
    return say(args, "驗證碼正確", "valid")


def cmd_pending(args: argparse.Namespace) -> int:
    from eservice_desktop.services import payments

    app = open_from(args)
    try:
        numbers = payments.pending_receipts(app)
    finally:
        app.close()
    emit(args, numbers, lambda: "\n".join(numbers) or say(args, "（無）", "(none)"))
    return 0
