"""``eservice-county-server``: serve, db upgrade|current, enrol-code, keys, operator, secret,
stats, revoke, publish, targets set|list, report, channel.

Every command takes ``--db URL`` (SQLAlchemy URL: ``sqlite:///county.sqlite3`` embedded,
``postgresql+psycopg://user@host/db`` in production; also ``ESERVICE_COUNTY_DB``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_DB = "sqlite:///county.sqlite3"


def _db(args: argparse.Namespace) -> str:
    return str(args.db or os.environ.get("ESERVICE_COUNTY_DB") or DEFAULT_DB)


#: The passphrase a ``--demo`` server uses when IT gave none (demo data only).
DEMO_SECRET = b"demo-county-passphrase"


class Refused(Exception):
    """A command that cannot run: printed as ``zh / en`` on stderr, exit 2."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message_zh, self.message_en = zh, en


def _secret(args: argparse.Namespace, demo: bool = False) -> bytes:
    from eservice_desktop.county import vault

    try:
        return vault.secret_from(getattr(args, "key_file", None))
    except vault.SecretMissing as e:
        if demo and "no passphrase" in str(e):
            print("demo: county secrets sealed with the demo passphrase", file=sys.stderr)
            return DEMO_SECRET
        raise Refused(
            f"須提供縣府金鑰密語（環境變數 {vault.PASSPHRASE_ENV}）或金鑰檔（--key-file）：{e}",
            f"The county passphrase ({vault.PASSPHRASE_ENV}) or key file (--key-file) is "
            f"needed: {e}",
        ) from None


def _unlock_refused(e: Exception) -> Refused:
    from eservice_desktop.county import vault

    if isinstance(e, vault.WeakSecret):
        return Refused(
            f"密語至少須 {vault.MIN_SECRET_LEN} 個字元", f"{e} (a new database is sealed with it)"
        )
    return Refused(
        "密語或金鑰檔錯誤，無法開啟本縣府資料庫的簽章金鑰；伺服器未啟動",
        "Wrong passphrase or key file: it does not open this county database's signing keys; "
        "the server did not start",
    )


def _sessions(url: str, secret: bytes | None = None):  # type: ignore[no-untyped-def]
    """Engine and session factory; with ``secret`` the sessions carry the unlocked vault."""
    from sqlalchemy.orm import Session, sessionmaker

    from eservice_desktop.county import service, vault
    from eservice_desktop.county.store import create_schema, make_engine, scrub, utcnow

    engine = make_engine(url)
    create_schema(engine)
    if secret is None:
        return engine, sessionmaker(engine, expire_on_commit=False)
    try:
        with Session(engine) as s, s.begin():
            box = vault.unlock(s, secret, utcnow())
        sessions = sessionmaker(engine, expire_on_commit=False, info={"vault": box})
        with sessions() as s, s.begin():
            sealed = service.seal_plain_keys(s)
            service.check_keys_open(s)
        if sealed:
            scrub(engine)
    except (vault.WrongSecret, vault.WeakSecret) as e:
        engine.dispose()
        raise _unlock_refused(e) from None
    return engine, sessions


def _default_outbox(url: str) -> Path:
    if url.startswith("sqlite:///") and len(url) > 10:
        return Path(url[10:]).resolve().parent / "notifications.jsonl"
    return Path("notifications.jsonl").resolve()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from eservice_desktop.county import notify, vault
    from eservice_desktop.county.asgi import create_app

    url = _db(args)
    secret = _secret(args, demo=args.demo)
    gateway = (
        notify.gateway_from_spec(args.gateway)
        if args.gateway
        else notify.FileGateway(_default_outbox(url))
    )
    try:
        app = create_app(url, secret=secret, demo=args.demo, gateway=gateway)
    except (vault.WrongSecret, vault.WeakSecret) as e:
        raise _unlock_refused(e) from None
    if args.demo:
        from eservice_desktop.county import lookups, service
        from eservice_desktop.county.store import utcnow

        with app.state.sessions() as s, s.begin():
            code = service.new_enrol_code(s, args.demo_office, utcnow())
            lookups.seed_demo(s, utcnow())
        print(f"demo enrolment code for {args.demo_office}: {code}", flush=True)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        ssl_certfile=args.tls_cert or None,
        ssl_keyfile=args.tls_key or None,
    )
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    from eservice_desktop.county import service
    from eservice_desktop.county.store import utcnow

    engine, sessions = _sessions(_db(args))
    try:
        with sessions() as s, s.begin():
            code = service.new_enrol_code(s, args.office, utcnow(), device=args.device)
    except service.BadRequest as e:
        print(f"{e.message_zh} / {e.message_en}", file=sys.stderr)
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

    engine, sessions = _sessions(
        _db(args), _secret(args) if args.keys_command == "rotate" else None
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

    engine, sessions = _sessions(_db(args))
    try:
        with sessions() as s:
            st = service.stats(s).to_json()
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(st, indent=2))
    else:
        print(f"events {st['events']}  cases {st['cases']}  conflicts {st['conflicts']}")
        for office, o in st["offices"].items():
            print(
                f"  {office}: events {o['events']}  cases {o['cases']}  conflicts {o['conflicts']}"
            )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from eservice_desktop.county import service
    from eservice_desktop.county.store import utcnow

    engine, sessions = _sessions(_db(args))
    try:
        with sessions() as s, s.begin():
            ok = service.revoke(s, args.device_key, utcnow())
    finally:
        engine.dispose()
    print("revoked" if ok else "unknown device")
    return 0 if ok else 2


def cmd_publish(args: argparse.Namespace) -> int:
    """Publishes a catalogue (services.json), a DGPA calendar CSV or a CRL/ARL (DER or PEM) to
    every office."""
    from eservice_desktop.county import service
    from eservice_desktop.county.store import utcnow

    path = Path(args.file)
    kind = args.kind
    if kind == "catalogue":
        data = json.loads(path.read_text(encoding="utf-8"))
    elif kind == "crl":
        import base64

        kind = "revocation"
        data = {
            "kind": "crl",
            "name": path.name,
            "der_b64": base64.b64encode(path.read_bytes()).decode(),
        }
    else:
        data = {"year": int(args.year or path.stem), "csv": path.read_text(encoding="utf-8-sig")}
    engine, sessions = _sessions(_db(args))
    try:
        with sessions() as s, s.begin():
            seq = service.publish(s, kind, data, utcnow())
    finally:
        engine.dispose()
    print(json.dumps({"seq": seq}))
    return 0


def _refuse(error: Any) -> int:
    print(f"{error.message_zh} / {error.message_en}", file=sys.stderr)
    return 2


def cmd_targets(args: argparse.Namespace) -> int:
    """``targets set``: one monthly target (appendix 18), published to that office's feed;
    ``targets list``: every target held."""
    from sqlalchemy import select

    from eservice_desktop.county import reports
    from eservice_desktop.county.notify import county_catalogue
    from eservice_desktop.county.store import CountyTargetRow, utcnow
    from eservice_desktop.domain.errors import DomainError

    engine, sessions = _sessions(_db(args))
    try:
        with sessions() as s, s.begin():
            if args.targets_command == "set":
                row = {
                    "office": args.office,
                    "department": args.department,
                    "month": args.month,
                    "metric": args.metric,
                    "value": args.value,
                }
                try:
                    seqs = reports.set_targets(s, county_catalogue(s), [row], utcnow())
                except DomainError as e:
                    return _refuse(e)
                print(json.dumps({"published": seqs}))
                return 0
            rows = s.scalars(
                select(CountyTargetRow).order_by(
                    CountyTargetRow.office, CountyTargetRow.month, CountyTargetRow.department
                )
            )
            data = [
                {"office": r.office, "department": r.department, "month": r.month,
                 "metric": r.metric, "value": r.value}
                for r in rows
            ]  # fmt: skip
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for r in data:
            print(f"{r['office']} {r['month']} {r['department']} {r['metric']} {r['value']}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """A supervisor report over every office, as JSON (the same as GET /v1/reports/KIND)."""
    from datetime import date

    from eservice_desktop.county import reports
    from eservice_desktop.county.notify import county_catalogue
    from eservice_desktop.county.store import utcnow
    from eservice_desktop.domain.errors import DomainError

    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        print("日期須為 YYYY-MM-DD / dates must be YYYY-MM-DD", file=sys.stderr)
        return 2
    engine, sessions = _sessions(_db(args))
    try:
        with sessions() as s:
            today = utcnow().astimezone(reports.TAIPEI).date()
            try:
                report = reports.compute(s, county_catalogue(s), args.kind, start, end, today=today)
            except DomainError as e:
                return _refuse(e)
    finally:
        engine.dispose()
    if args.html:
        Path(args.html).write_text(reports.report_html(report), encoding="utf-8")
    print(json.dumps(reports.report_json(report), ensure_ascii=False, indent=2))
    return 0


def cmd_channel(args: argparse.Namespace) -> int:
    """Channel credentials (web portal, kiosk): ``create`` prints the bearer token once."""
    from eservice_desktop.county import channels, service
    from eservice_desktop.county.store import utcnow

    engine, sessions = _sessions(_db(args))
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
                    print("查無此通路 / unknown channel", file=sys.stderr)
                    return 2
                out = {"name": args.name, "revoked": True}
            else:
                out = {"channels": channels.list_channels(s)}
    except service.BadRequest as e:
        print(f"{e.message_zh}\n{e.message_en}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(json.dumps(out, ensure_ascii=False))
    return 0


def _password_stdin() -> str:
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def cmd_operator(args: argparse.Namespace) -> int:
    """County IT provisions an office's operators; offices pull them in their next sync."""
    from eservice_desktop.county import operators
    from eservice_desktop.county.store import utcnow

    action = args.operator_command
    needs_secret = action in ("add", "password")
    if needs_secret and not args.password_stdin:
        raise Refused("密碼須以 --password-stdin 輸入", "Give the password with --password-stdin")
    password = _password_stdin() if needs_secret else ""
    engine, sessions = _sessions(_db(args), _secret(args) if needs_secret else None)
    now = utcnow()
    out: Any
    try:
        with sessions() as s, s.begin():
            if action == "list":
                out = operators.list_office(s, args.office)
            else:
                if action == "add":
                    row = operators.add(
                        s,
                        args.office,
                        args.account,
                        name=args.name,
                        roles=args.role,
                        password=password,
                        now=now,
                        departments=args.department,
                    )
                elif action in ("disable", "enable"):
                    row = operators.set_active(
                        s, args.office, args.account, action == "enable", now
                    )
                elif action == "roles":
                    row = operators.set_roles(
                        s,
                        args.office,
                        args.account,
                        args.role,
                        now=now,
                        departments=args.department if args.department else None,
                    )
                else:
                    row = operators.reset_password(s, args.office, args.account, password, now)
                out = operators.summary(row)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    elif action == "list":
        for o in out:
            state = "active" if o["active"] else "disabled"
            print(f"{o['account']}\t{o['name']}\t{','.join(o['roles'])}\t{state}")
    else:
        print(f"{out['office']} {out['account']}: version {out['version']}")
    return 0


def cmd_secret(args: argparse.Namespace) -> int:
    """Changes the passphrase or key file that seals the county's secrets."""
    from eservice_desktop.county import vault
    from eservice_desktop.county.store import utcnow

    old = _secret(args)
    try:
        new = vault.secret_from(
            args.new_key_file,
            env={vault.PASSPHRASE_ENV: os.environ.get("ESERVICE_COUNTY_NEW_PASSPHRASE", "")},
        )
    except vault.SecretMissing as e:
        raise Refused(
            "須提供新密語（ESERVICE_COUNTY_NEW_PASSPHRASE）或新金鑰檔（--new-key-file）",
            f"Give the new passphrase (ESERVICE_COUNTY_NEW_PASSPHRASE) or --new-key-file: {e}",
        ) from None
    engine, sessions = _sessions(_db(args), old)
    try:
        with sessions() as s, s.begin():
            vault.rewrap(s, old, new, utcnow())
    except (vault.WrongSecret, vault.WeakSecret) as e:
        raise _unlock_refused(e) from None
    finally:
        engine.dispose()
    print("passphrase changed")
    return 0


def cmd_settle_import(args: argparse.Namespace) -> int:
    from eservice_desktop.county import settlement

    # the settled events are signed into the feed: the county's keys must be unlocked
    engine, sessions = _sessions(_db(args), _secret(args))
    try:
        return settlement.cli_import(sessions, args.file, as_json=args.json)
    finally:
        engine.dispose()


def cmd_db(args: argparse.Namespace) -> int:
    """``db current``: the schema revision and this build's head; ``db upgrade``: to head
    (the server also upgrades on start)."""
    from eservice_desktop.county import migrate
    from eservice_desktop.county.store import make_engine

    engine = make_engine(_db(args))
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
        print(f"upgraded from {was} to {now}" if was != now else f"already at {now} (head)")
    else:
        print(f"{now or '(none)'} (head {head})")
    return 0


def _add_db_parser(sub: Any, db_help: str) -> None:
    d = sub.add_parser("db", help="the county database's schema revision (Alembic)")
    d.add_argument("db_command", choices=["upgrade", "current"])
    d.add_argument("--db", help=db_help)
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_db)


def cmd_registry(args: argparse.Namespace) -> int:
    """``registry import FILE``: records for document-free look-ups (sealed by the vault)."""
    from eservice_desktop.county import lookups
    from eservice_desktop.county.store import utcnow

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise Refused(f"無法讀取檔案 {args.file}：{e}", f"Cannot read {args.file}: {e}") from None
    records = lookups.read_file(text)
    engine, sessions = _sessions(_db(args), _secret(args))
    try:
        with sessions() as s, s.begin():
            counts = lookups.import_records(s, records, utcnow())
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(counts))
    else:
        print(f"登錄資料：新增 {counts['added']} 筆、更新 {counts['replaced']} 筆 / "
              f"registry: {counts['added']} added, {counts['replaced']} replaced")  # fmt: skip
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="eservice-county-server",
        description="Reference county server for eservice-desktop sync",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def with_db(name: str, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--db", help=f"SQLAlchemy URL (default {DEFAULT_DB} or ESERVICE_COUNTY_DB)")
        return sp

    def key_file(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--key-file",
            default=None,
            help="file whose content seals the county's signing keys and operator hashes "
            "(else the passphrase in ESERVICE_COUNTY_PASSPHRASE; also ESERVICE_COUNTY_KEY_FILE)",
        )

    s = with_db("serve", "serve the sync API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument(
        "--demo",
        action="store_true",
        help="demo: loopback clients may fetch enrolment codes by themselves",
    )
    s.add_argument("--demo-office", default="H01")
    s.add_argument(
        "--gateway",
        default="",
        help="notification gateway: file:PATH (one JSON line a message, MMS picture as PNG "
        "beside it) | smtp://host:port[?mms_domain=D] | https://sms-provider/... (multipart "
        "for MMS)",
    )
    s.add_argument("--tls-cert", default="")
    s.add_argument("--tls-key", default="")
    key_file(s)
    s.set_defaults(func=cmd_serve)
    _add_db_parser(sub, f"SQLAlchemy URL (default {DEFAULT_DB} or ESERVICE_COUNTY_DB)")

    e = with_db("enrol-code", "print a one-time enrolment code for an office")
    e.add_argument("--office", required=True, help="an office of the catalogue, e.g. H01")
    e.add_argument(
        "--device",
        default=None,
        help="replace this enrolled device's credential (e.g. 02: a new PC for that counter)",
    )
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_enrol_code)

    k = with_db("keys", "signing keys (receipts, pickup tokens)")
    k.add_argument("keys_command", choices=["rotate", "list"])
    k.add_argument("--purpose", choices=["all", "receipt", "pickup"], default="all")
    k.add_argument("--json", action="store_true")
    key_file(k)
    k.set_defaults(func=cmd_keys)

    op = with_db("operator", "an office's operators, provisioned to the office by sync")
    op.add_argument(
        "operator_command", choices=["add", "disable", "enable", "roles", "password", "list"]
    )
    op.add_argument("account", nargs="?", default="")
    op.add_argument("--office", required=True, help="an office of the catalogue, e.g. H01")
    op.add_argument("--name", default="", help="display name (add)")
    op.add_argument(
        "--role", action="append", default=[], help="clerk|cashier|pickup|supervisor|admin|it"
    )
    op.add_argument(
        "--department", action="append", default=[], help="service or unit code in scope"
    )
    op.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    op.add_argument("--json", action="store_true")
    key_file(op)
    op.set_defaults(func=cmd_operator)

    sc = with_db("secret", "change the passphrase or key file sealing the county's secrets")
    sc.add_argument("secret_command", choices=["change"])
    sc.add_argument("--new-key-file", default=None, help="else ESERVICE_COUNTY_NEW_PASSPHRASE")
    key_file(sc)
    sc.set_defaults(func=cmd_secret)

    st = with_db("stats", "events and cases per office, conflicts")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_stats)

    r = with_db("revoke", "revoke a device credential (e.g. H01-02)")
    r.add_argument("device_key")
    r.set_defaults(func=cmd_revoke)

    c = with_db("channel", "channel credentials (web portal, convenience-store kiosk)")
    c.add_argument("channel_command", choices=["create", "revoke", "list"])
    c.add_argument("name", nargs="?", default="", help="e.g. web-portal, kiosk-7-eleven")
    c.add_argument("--kind", choices=["web", "kiosk"], default="")
    c.set_defaults(func=cmd_channel)

    pb = with_db("publish", "publish a catalogue, a working calendar or a CRL to every office")
    pb.add_argument("kind", choices=["catalogue", "calendar", "crl"])
    pb.add_argument("file")
    pb.add_argument("--year", default="")
    pb.set_defaults(func=cmd_publish)

    tg = with_db("targets", "monthly targets per department and office (appendix 18)")
    tg.add_argument("targets_command", choices=["set", "list"])
    tg.add_argument("--office", help="e.g. H01")
    tg.add_argument("--department", help="a department code of the catalogue, e.g. household")
    tg.add_argument("--month", help="YYYY-MM")
    tg.add_argument("--metric", choices=["cases", "online"], default="cases")
    tg.add_argument("--value", type=int, help="the month's target (cases)")
    tg.add_argument("--json", action="store_true")
    tg.set_defaults(func=cmd_targets)

    rp = with_db("report", "a supervisor report over every office, as JSON (and a page)")
    rp.add_argument("kind", choices=["on-time", "usage", "savings", "targets"])
    rp.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    rp.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
    rp.add_argument("--html", default="", help="also write the report as an HTML page")
    rp.set_defaults(func=cmd_report)

    rg = with_db("registry", "records answering document-free look-ups (免書證免謄本)")
    rg.add_argument("registry_command", choices=["import"])
    rg.add_argument("file", help="JSON: [{kind, subject_id, fields}] (docs/lookups.md)")
    rg.add_argument("--json", action="store_true")
    key_file(rg)
    rg.set_defaults(func=cmd_registry)

    si = with_db("settle-import", "import the treasury's settlement file (appendix 22 CSV)")
    si.add_argument("file", help="CSV (UTF-8 or Big5), format in docs/payments.md")
    si.add_argument("--json", action="store_true")
    key_file(si)
    si.set_defaults(func=cmd_settle_import)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from eservice_desktop.county.migrate import CountyDatabaseTooNew
    from eservice_desktop.county.service import BadRequest
    from eservice_desktop.domain.errors import DomainError

    try:
        return int(args.func(args) or 0)
    except (Refused, BadRequest, DomainError, CountyDatabaseTooNew) as e:
        print(f"{e.message_zh} / {e.message_en}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
