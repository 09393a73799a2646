"""``crl update|status``: download (or import) the revocation lists and show how fresh they are."""

from __future__ import annotations

import argparse
from pathlib import Path

from eservice_desktop.cli.common import add_json, emit, open_from, say
from eservice_desktop.domain.rocdate import roc_text


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("crl", help="憑證廢止清冊（CRL／ARL）", parents=[common])
    cs = p.add_subparsers(dest="crl_command", required=True)

    u = cs.add_parser("update", help="下載並驗證 CRL／ARL", parents=[common])
    u.add_argument(
        "--file",
        action="append",
        default=[],
        type=Path,
        help="匯入 CRL／ARL 檔，取代下載（或與下載並用）",
    )
    u.add_argument("--if-due", action="store_true", help="只在排程到期時執行")
    add_json(u)
    u.set_defaults(func=cmd_update)

    s = cs.add_parser("status", help="CRL／ARL 快取狀態", parents=[common])
    add_json(s)
    s.set_defaults(func=cmd_status)


#: Why a list was not taken, as a zh-TW reader reads it: the text said 「REJECTED download」
#: at a zh-TW counter (its codes stay in --json and in the English text).
_REFUSED: dict[str, str] = {
    "download": "無法下載",
    "too_large": "檔案超過大小上限",
    "format": "不是憑證廢止清冊檔",
    "issuer": "簽發者不是信任錨所列的憑證機構",
    "signature": "簽章驗證不符",
    "rollback": "比已有的清冊舊",
}


def cmd_update(args: argparse.Namespace) -> int:
    from eservice_desktop.services import identity

    app = open_from(args)
    try:
        if args.if_due and not args.file and not identity.crl_update_due(app):
            emit(args, {"due": False, "results": []}, say(args, "尚未到更新時間", "not due"))
            return 0
        results = identity.update_crls(app, files=args.file)
    finally:
        app.close()
    data = {"due": True, "results": [r.to_json() for r in results]}

    def line(accepted: bool, code: str, source: str) -> str:
        zh = "已接受" if accepted else f"未接受（{_REFUSED.get(code, code)}）"
        return f"{say(args, zh, 'OK ' if accepted else 'REJECTED ' + code)}  {source}"

    emit(
        args,
        data,
        lambda: (
            "\n".join(line(r.accepted, r.code, r.source) for r in results)
            or say(
                args,
                "未設定憑證廢止清冊網址（crl_urls），沒有下載",
                "no CRL sources configured (crl_urls)",
            )
        ),
    )
    return 0 if all(r.accepted for r in results) else 3


def cmd_status(args: argparse.Namespace) -> int:
    from eservice_desktop.services import identity

    app = open_from(args)
    try:
        lists = identity.crl_status(app)
    finally:
        app.close()

    def text() -> str:  # times in Taipei with the ROC year, as the counter shows them
        nxt = say(args, "下次更新", "next")
        fresh, stale = say(args, "有效", "fresh"), say(args, "已逾期，請更新", "STALE")
        return "\n".join(
            f"{d['kind'].upper()} {d['issuer']}  #{d['crl_number']}  "
            f"{nxt} {roc_text(d['next_update'] or '—')}  "
            f"{fresh if d['fresh'] else stale}"
            for d in lists
        ) or say(
            args, "尚無快取的憑證廢止清單（執行 crl update）", "no CRL cached (run crl update)"
        )

    emit(args, {"lists": lists}, text)
    return 0
