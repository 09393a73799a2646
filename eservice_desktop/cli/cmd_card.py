"""``card status|read|verify``: readers, the NHI card's fields, and the MOICA proof of identity."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from eservice_desktop.cli.common import (
    EXIT_REFUSED,
    add_json,
    approval_from,
    emit,
    lang_of,
    open_from,
    say,
    settings_from,
    stdin_line,
)
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.name_forms import composed
from eservice_desktop.domain.rocdate import format_roc


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("card", help="讀卡：健保卡、自然人憑證", parents=[common])
    cs = p.add_subparsers(dest="card_command", required=True)

    s = cs.add_parser("status", help="讀卡機與卡片狀態", parents=[common])
    add_json(s)
    s.set_defaults(func=cmd_status)

    r = cs.add_parser("read", help="讀取健保卡資料（未經驗證，不能作為身分證明）", parents=[common])
    add_json(r)
    r.set_defaults(func=cmd_read)

    v = cs.add_parser("verify", help="自然人憑證身分驗證（PIN 碼簽章＋憑證檢查）", parents=[common])
    v.add_argument("--pin-stdin", action="store_true", help="自標準輸入讀取 PIN 碼")
    v.add_argument("--case", dest="case_number", help="將結果記錄於此案件")
    v.add_argument("--applicant-name", default=None, help="要比對的持卡人姓名（未指定 --case 時）")
    v.add_argument(
        "--applicant-id", default=None, help="要比對的持卡人身分證字號（未指定 --case 時）"
    )
    v.add_argument(
        "--approver",
        "--override-by",
        dest="approver",
        default="",
        metavar="ACCOUNT",
        help="接受廢止狀態不明的主管帳號（不可為登入中的操作員）",
    )
    v.add_argument(
        "--approver-password-stdin",
        action="store_true",
        help="自標準輸入讀取主管密碼（PIN 碼的下一行）",
    )
    v.add_argument("--reason", "--override-reason", dest="reason", default="", help="接受的理由")
    add_json(v)
    v.set_defaults(func=cmd_verify)


def cmd_status(args: argparse.Namespace) -> int:
    from eservice_desktop.services import identity

    settings = settings_from(args)
    readers = [st.to_json() for st in identity.card_status(read_cards=True)]
    for r in readers:
        r.pop("nhi", None)  # status says what is where; `card read` shows personal data
    moica_info: dict[str, Any] | None = None
    if settings.pkcs11_module:
        moica_info = identity.moica_presence(settings)
    data = {"readers": readers, "moica": moica_info}

    def text() -> str:
        colon = say(args, "：", ": ")
        # the PC/SC service's own state has no reader name
        lines = [
            f"{r['reader']}{colon}{_reader_text(args, r)}" if r["reader"] else _reader_text(args, r)
            for r in readers
        ]
        if moica_info is not None:
            moica = say(args, "自然人憑證", "MOICA")
            lines.append(f"{moica}{colon}{moica_info.get('label') or moica_info.get('code')}")
        return "\n".join(lines) or say(args, "未偵測到讀卡機", "No card reader found")

    emit(args, data, text)
    return 0


#: What a reader holds, said as the identity panel says it (``--json`` keeps the codes).
_READER_STATES = {
    "no_reader": ("未連接讀卡機", "no reader connected"),
    "no_card": ("沒有卡片", "no card"),
    "reading": ("讀卡中", "reading the card"),
    "shown": ("已讀取健保卡", "NHI card read"),
    "not_nhi": ("此卡不是健保卡", "a card that is not an NHI card"),
    "bad_record": ("健保卡資料無法辨識", "the NHI card's data cannot be read"),
    "service_down": ("讀卡服務中斷", "the smart-card service is down"),
    # devices/pcsc_snapshot.py: a card that did not answer its read in time
    "no_answer": (
        "卡片沒有回應，請取出後重新插入",
        "the card does not answer: take it out and insert it again",
    ),
}


def _reader_text(args: argparse.Namespace, reader: dict[str, Any]) -> str:
    """One reader's state in the user's language: ``card status`` printed its codes
    (``no_card``, ``unreadable other not_nhi``) in zh-TW too. An error or state not named
    above is said as a card error with its code."""
    state, detail = str(reader["state"]), str(reader["detail"])
    said = _READER_STATES.get(detail) or _READER_STATES.get(state)
    if said is None:
        code = " ".join(c for c in (state, detail) if c)
        return say(args, f"讀卡發生錯誤（{code}）", f"card error ({code})")
    return say(args, *said)


def cmd_read(args: argparse.Namespace) -> int:
    from eservice_desktop.domain.operators import Action
    from eservice_desktop.services import identity
    from eservice_desktop.services.operators import require

    app = open_from(args)  # the card's personal data is read for a signed-in operator only
    try:
        require(app, Action.VERIFY_IDENTITY)
        own_card_reader = app.settings.lock_card_reader.strip()
    finally:
        app.close()
    st = identity.read_nhi(except_reader=own_card_reader)
    assert st.record is not None
    data = {"reader": st.reader, "source": "nhi", "verified": False, **st.record.to_json()}

    def text() -> str:
        rec = st.record
        assert rec is not None
        flag = {"cp950": "（含罕用字）", "undecodable": "（姓名無法解碼，請人工輸入）"}.get(
            rec.name_flag, ""
        )
        checksum = (
            ""
            if rec.id_checksum_ok
            else "\n身分證字號檢查碼錯誤，請與身分證核對 / the ID's check digit is wrong: "
            "compare it with the ID card"
        )
        return (
            f"讀自健保卡 read from NHI card — {rec.name}{flag} {rec.national_id} "
            f"{format_roc(rec.birth, 'short') if rec.birth else ''}{checksum}"
        )

    emit(args, data, text)
    return 0


def _read_pin(args: argparse.Namespace) -> str:
    """The PIN from standard input (``--pin-stdin``), else typed at the terminal. Without a
    terminal (cron, the Task Scheduler, a script's pipe) none is asked for: getpass then
    warned that the PIN would be echoed, read it from the script's input and ended in an
    EOFError traceback (exit 1), or, with a terminal left to the session, waited there."""
    if args.pin_stdin:  # one bounded line, as a password is read
        return stdin_line("PIN", lang_of(args)).rstrip("\r\n")
    if not (sys.stdin is not None and sys.stdin.isatty()):
        raise DomainError(
            "pin.stdin",
            "沒有終端機可輸入 PIN 碼：請以 --pin-stdin 由標準輸入提供",
            "No terminal to type the PIN at: give it on standard input with --pin-stdin",
            "pin",
        )
    import getpass

    try:
        return getpass.getpass("PIN: ")
    except EOFError:  # Ctrl+D at the prompt: no PIN (cmd_verify says so)
        return ""


def _applicant(args: argparse.Namespace) -> Any:
    """The holder to match, as typed: both a valid ID number and a name, or neither (checked
    before the card is asked for anything: a typo would cost the citizen a PIN entry)."""
    from eservice_desktop.domain.ids import classify_applicant_id
    from eservice_desktop.services import identity

    if args.applicant_name is None and args.applicant_id is None:
        return None
    if not (args.applicant_name or "").strip() or not (args.applicant_id or "").strip():
        raise DomainError(
            "identity.applicant_incomplete",
            "請同時輸入 --applicant-name 與 --applicant-id（持卡人的姓名及證號）",
            "Give both --applicant-name and --applicant-id (the holder's name and ID number)",
            "applicant",
        )
    _, _, national_id = classify_applicant_id(args.applicant_id, "applicant_id")
    typed = composed(" ".join(args.applicant_name.split()))
    name = values.check_name(typed, label=values.APPLICANT_NAME)
    return identity.Applicant(name, national_id)


def cmd_verify(args: argparse.Namespace) -> int:
    from eservice_desktop.services import identity

    pin = _read_pin(args)
    if not pin:
        raise DomainError("pin.empty", "請輸入 PIN 碼", "Enter the PIN", "pin")
    values.check_pin(pin)  # the same rule as the counter's PIN dialog; nothing else reaches a card
    applicant = _applicant(args)
    override = None
    approval = approval_from(args)
    if approval is not None:
        override = identity.Override(approval.account, approval.reason, approval.password)
    app = open_from(args)
    try:
        result = identity.verify_moica(
            app, pin, applicant=applicant, case_number=args.case_number, override=override
        )
    finally:
        del pin
        app.close()
    data = result.to_json()

    def text() -> str:
        lines = [f"verdict: {result.verdict}"]
        lines += [f"  {c['status']:<11} {c['name']} {c['detail']}" for c in data["checks"]]
        return "\n".join(lines)

    emit(args, data, text)
    return 0 if result.ok else EXIT_REFUSED
