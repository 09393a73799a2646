"""``eservice-county-server``: serve, db upgrade|current, enrol-code, keys, operator, secret,
stats, revoke, publish, targets set|list, report, channel.

Every command takes ``--db URL`` (SQLAlchemy URL: ``sqlite:///county.sqlite3`` embedded,
``postgresql+psycopg://user@host/db`` in production; also ``ESERVICE_COUNTY_DB``) and
``--lang zh_TW|en`` (also ``ESERVICE_LANG``; zh-TW by default): the help, the refusals and the
text results are said in that language only (``cli_lang``), the ``--json`` outputs are not.

The shared options and the database opening are in ``cli_common``; the commands over the
county's data (publish, targets, report, registry, settle-import) in ``cli_data``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from eservice_desktop import __version__
from eservice_desktop.county import (
    cli_access,
    cli_backup,
    cli_data,
    cli_devices,
    cli_lang,
    cli_lookups,
    cli_operator,
    cli_serve,
)
from eservice_desktop.county.cli_common import (
    OneLineParser,
    Refused,
    add_command,
    add_key_file,
    add_lang,
    county_secret,
    db_refusal,
    db_url,
    open_sessions,
    os_refusal,
    setup_logging,
    unlock_refused,
)
from eservice_desktop.county.cli_lang import said
from eservice_desktop.domain.text_values import os_reason
from eservice_desktop.standard_output import guarded_stdout, lost_output


def cmd_enrol_code(args: argparse.Namespace) -> int:
    from eservice_desktop.county import service
    from eservice_desktop.county.store import utcnow

    engine, sessions = open_sessions(db_url(args))
    try:
        with sessions() as s, s.begin():
            code = service.new_enrol_code(s, args.office, utcnow(), device=args.device)
    except service.BadRequest as e:
        print(said(e.message_zh, e.message_en), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    out: dict[str, str] = {"code": code, "office": args.office}
    if args.device:
        out["device"] = args.device
    print(json.dumps(out) if args.json else code)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from eservice_desktop.county import service
    from eservice_desktop.county.store import utcnow

    engine, sessions = open_sessions(
        db_url(args), county_secret(args) if args.keys_command == "rotate" else None
    )
    try:
        out: dict[str, Any]
        with sessions() as s, s.begin():
            if args.keys_command == "rotate":
                purposes = ("receipt", "pickup") if args.purpose == "all" else (args.purpose,)
                created = service.rotate_keys(s, utcnow(), purposes)
                out = {"created": created}
            else:
                out = {
                    "receipt": service.public_keys(s, "receipt"),
                    "pickup": service.public_keys(s, "pickup"),
                }
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(out, indent=2))
    elif "created" in out:
        print("\n".join(out["created"]))
    else:
        print("\n".join(k["key_id"] for v in out.values() for k in v))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from eservice_desktop.county import service
    from eservice_desktop.county.store import reading

    engine, sessions = open_sessions(db_url(args))
    try:
        with reading(sessions) as s:  # the offices' pushes go on meanwhile
            st = service.stats(s).to_json()
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(st, indent=2))
    else:
        print(_counts(st))
        for office, o in st["offices"].items():
            print(f"  {office}{said('：', ': ')}{_counts(o)}")
    return 0


def _counts(c: dict[str, Any]) -> str:
    """One line of ``stats``: events, cases and conflicts, said in the chosen language."""
    e, n, x = c["events"], c["cases"], c["conflicts"]
    return said(f"事件 {e}  案件 {n}  衝突 {x}", f"events {e}  cases {n}  conflicts {x}")


def cmd_revoke(args: argparse.Namespace) -> int:
    from eservice_desktop.county import service
    from eservice_desktop.county.store import utcnow

    # typed in a hurry for a stolen PC: h01-02 is H01-02 (it said 查無此設備, the PC syncing on)
    key = args.device_key.strip().upper()
    engine, sessions = open_sessions(db_url(args))
    try:
        with sessions() as s, s.begin():
            ok = service.revoke(s, key, utcnow())
    finally:
        engine.dispose()
    if not ok:
        print(
            said(
                f"查無此設備：{key[:20]}（設備代號如 H01-02；devices 列出各設備）",
                f"unknown device: {key[:20]} (a device id is like H01-02; devices lists them)",
            ),
            file=sys.stderr,
        )
        return 2
    print(said("已撤銷", "revoked"))
    return 0


def cmd_channel(args: argparse.Namespace) -> int:
    """Channel credentials (web portal, kiosk): ``create`` prints the bearer token once."""
    from eservice_desktop.county import channels, service
    from eservice_desktop.county.store import utcnow

    engine, sessions = open_sessions(db_url(args))
    out: dict[str, Any]
    try:
        with sessions() as s, s.begin():
            if args.channel_command == "create":
                if not args.name or not args.kind:
                    raise service.BadRequest("請指定通路名稱與 --kind", "Give a name and --kind")
                token = channels.create_channel(s, args.name, args.kind, utcnow())
                out = {"name": args.name, "kind": args.kind, "token": token}
            elif args.channel_command == "revoke":
                if not channels.revoke_channel(s, args.name or "", utcnow()):
                    print(said("查無此通路", "unknown channel"), file=sys.stderr)
                    return 2
                out = {"name": args.name, "revoked": True}
            else:
                out = {"channels": channels.list_channels(s)}
    except service.BadRequest as e:
        print(said(e.message_zh, e.message_en), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(json.dumps(out, ensure_ascii=False))
    return 0


def cmd_secret(args: argparse.Namespace) -> int:
    """Changes the passphrase or key file that seals the county's secrets."""
    from eservice_desktop.county import vault
    from eservice_desktop.county.store import utcnow

    old = county_secret(args)
    try:
        new = vault.secret_from(
            args.new_key_file,
            env={vault.PASSPHRASE_ENV: os.environ.get("ESERVICE_COUNTY_NEW_PASSPHRASE", "")},
        )
    except vault.SecretMissing as e:
        raise Refused(
            f"須提供新密語（ESERVICE_COUNTY_NEW_PASSPHRASE）或新金鑰檔（--new-key-file）："
            f"{e.message_zh}",
            "Give the new passphrase (ESERVICE_COUNTY_NEW_PASSPHRASE) or --new-key-file: "
            f"{e.message_en}",
        ) from None
    engine, sessions = open_sessions(db_url(args), old)
    try:
        with sessions() as s, s.begin():
            vault.rewrap(s, old, new, utcnow())
    except (vault.WrongSecret, vault.WeakSecret) as e:
        raise unlock_refused(e) from None
    finally:
        engine.dispose()
    print(said("已變更密語或金鑰檔", "passphrase changed"))
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """``db current``: the schema revision and this build's head; ``db upgrade``: to head
    (the server also upgrades on start)."""
    from eservice_desktop.county import migrate
    from eservice_desktop.county.store import make_engine

    engine = make_engine(db_url(args))
    try:
        head = migrate.head()
        was: str | None
        now: str | None
        if args.db_command == "upgrade":
            was, now = migrate.upgrade(engine)
        else:
            was = now = migrate.current(engine)
    finally:
        engine.dispose()
    if args.json:
        out: dict[str, Any] = {"current": now, "head": head, "up_to_date": now == head}
        if args.db_command == "upgrade":
            out["from"] = was
        print(json.dumps(out))
    elif args.db_command == "upgrade":
        # a database before Alembic has no revision: "(none)", as ``db current`` says it
        zh_was = f"原為 {was}" if was else "原無版本"
        print(
            said(f"已升級至 {now}（{zh_was}）", f"upgraded from {was or '(none)'} to {now}")
            if was != now
            else said(f"已是最新版本 {now}", f"already at {now} (head)")
        )
    else:
        shown = now or said("（無）", "(none)")
        print(said(f"{shown}（本版最新 {head}）", f"{shown} (head {head})"))
    return 0


def _add_db_parser(sub: Any) -> None:
    d = add_command(sub, "db", "縣府資料庫的結構版本（Alembic）")
    d.add_argument(
        "db_command",
        choices=["upgrade", "current"],
        help="upgrade：升級至本版的最新結構；current：顯示目前的結構版本",
    )
    d.add_argument("--json", action="store_true", help="輸出 JSON")
    d.set_defaults(func=cmd_db)


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="eservice-county-server",
        description="eservice-desktop 同步用的參考縣府伺服器",
    )
    add_lang(p)
    # IT and the county's scripts ask a server which build it is, as they ask the office's
    p.add_argument("--version", action="version", version=f"eservice-county-server {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    cli_serve.add_parser(sub)
    _add_db_parser(sub)
    _add_devices_and_keys(sub)
    cli_operator.add_parser(sub)
    cli_devices.add_parser(sub)
    cli_backup.add_parser(sub)
    cli_lookups.add_parser(sub)
    cli_access.add_parser(sub)
    _add_secret_and_devices(sub)
    cli_data.add_parsers(sub)
    return p


def _add_devices_and_keys(sub: Any) -> None:
    """``enrol-code`` (a device's one-time code) and ``keys`` (the county's signing keys)."""
    e = add_command(sub, "enrol-code", "印出事務所的一次性設備登記碼")
    e.add_argument("--office", required=True, help="目錄中的事務所代碼，例如 H01")
    e.add_argument(
        "--device",
        default=None,
        help="換發這部已登記設備的憑證（例如 02：該櫃檯換了新電腦）",
    )
    e.add_argument("--json", action="store_true", help="輸出 JSON")
    e.set_defaults(func=cmd_enrol_code)

    k = add_command(sub, "keys", "簽章金鑰（收據、領件憑證）")
    k.add_argument(
        "keys_command", choices=["rotate", "list"], help="rotate：產生新金鑰；list：列出金鑰代號"
    )
    k.add_argument(
        "--purpose",
        choices=["all", "receipt", "pickup"],
        default="all",
        help="哪一種金鑰（預設 all：兩種都是）",
    )
    k.add_argument("--json", action="store_true", help="輸出 JSON")
    add_key_file(k)
    k.set_defaults(func=cmd_keys)


def _add_secret_and_devices(sub: Any) -> None:
    """``secret``, ``stats``, ``revoke`` and ``channel``."""
    sc = add_command(sub, "secret", "變更封存縣府機密的密語或金鑰檔")
    sc.add_argument("secret_command", choices=["change"], help="change：改用新密語或新金鑰檔")
    sc.add_argument(
        "--new-key-file",
        default=None,
        help="新的金鑰檔（未指定則用環境變數 ESERVICE_COUNTY_NEW_PASSPHRASE 的新密語）",
    )
    add_key_file(sc)
    sc.set_defaults(func=cmd_secret)

    st = add_command(sub, "stats", "各事務所的事件數、案件數與衝突數")
    st.add_argument("--json", action="store_true", help="輸出 JSON")
    st.set_defaults(func=cmd_stats)

    r = add_command(sub, "revoke", "撤銷設備憑證（例如 H01-02）")
    r.add_argument("device_key", help="設備代號：事務所-設備，例如 H01-02")
    r.set_defaults(func=cmd_revoke)

    c = add_command(sub, "channel", "通路憑證（網路申辦入口、超商多媒體機）")
    c.add_argument(
        "channel_command",
        choices=["create", "revoke", "list"],
        help="create：建立並印出權杖（僅此一次）；revoke：撤銷；list：列出",
    )
    c.add_argument("name", nargs="?", default="", help="通路名稱，例如 web-portal、kiosk-7-eleven")
    c.add_argument("--kind", choices=["web", "kiosk"], default="", help="通路種類（create）")
    c.set_defaults(func=cmd_channel)


def main(argv: Sequence[str] | None = None) -> int:
    """The command; its refusals one line in the language of ``--lang`` or ``ESERVICE_LANG``
    (``cli_lang``), exit 2."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    cli_lang.arguments = arguments  # the help page and argparse's refusals are said in it too
    try:
        with guarded_stdout() as out:  # `| head`, `> file` on a full disk: standard_output.py
            status = _run(arguments)
        lost = lost_output(out)
        if lost is None or status:  # a refusal has said its own line
            return status
        zh, en = os_reason(lost)
        print(
            said(
                f"結果無法寫到標準輸出（{zh}）；指令本身已執行完成",
                f"The answer could not be written to standard output ({en}); the command "
                "itself was carried out",
            ),
            file=sys.stderr,
        )
        return 2
    finally:
        cli_lang.arguments = ()  # not a later call's in the same process (the tests)


def _run(arguments: list[str]) -> int:
    setup_logging()
    args = build_parser().parse_args(arguments)
    from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

    from eservice_desktop.county.migrate import CountyDatabaseTooNew, NotACountyDatabase
    from eservice_desktop.county.schema_in_use import CountyDatabaseInUse
    from eservice_desktop.county.service import BadRequest
    from eservice_desktop.domain.errors import DomainError

    schema = (CountyDatabaseTooNew, NotACountyDatabase, CountyDatabaseInUse)
    try:
        return int(args.func(args) or 0)
    except (Refused, BadRequest, DomainError, *schema) as e:
        print(said(e.message_zh, e.message_en), file=sys.stderr)
        return 2
    except (ArgumentError, DatabaseError) as e:  # --db: never a traceback, never its password
        if type(e) not in (ArgumentError, DatabaseError, OperationalError):
            raise  # a constraint or a statement of ours: a bug, not the --db given
        print(db_refusal(e), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:  # an output that cannot be written (report --html, a folder ...)
        print(os_refusal(e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
