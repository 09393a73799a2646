"""``db upgrade`` and ``db current`` for IT."""

from __future__ import annotations

import argparse
from pathlib import Path

from eservice_desktop.cli.common import add_json, emit, settings_from
from eservice_desktop.storage import db


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("db", help="資料庫版本", parents=[common])
    cs = p.add_subparsers(dest="db_command", required=True)
    up = cs.add_parser("upgrade", help="升級資料庫結構（先備份）", parents=[common])
    add_json(up)
    up.set_defaults(func=cmd_upgrade)
    cur = cs.add_parser("current", help="目前資料庫版本", parents=[common])
    add_json(cur)
    cur.set_defaults(func=cmd_current)
    ret = cs.add_parser(
        "retention", help="已結案且縣府已收的案件，逾保存期限者將個資去識別化", parents=[common]
    )
    ret.add_argument("--dry-run", action="store_true", help="only count the cases due")
    add_json(ret)
    ret.set_defaults(func=cmd_retention)
    key = cs.add_parser("key", help="資料庫金鑰保管（匯出供密封保存、匯入）", parents=[common])
    ks = key.add_subparsers(dest="key_command", required=True)
    ex = ks.add_parser("export", help="印出金鑰（64 個十六進位字元）以密封保存", parents=[common])
    ex.set_defaults(func=cmd_key_export)
    im = ks.add_parser("import", help="匯入保管的金鑰", parents=[common])
    im.add_argument("file", help="file holding the key, or - for standard input")
    add_json(im)
    im.set_defaults(func=cmd_key_import)


def cmd_upgrade(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    engine, key = db.open_office_engine(settings)
    try:
        before = db.current_revision(engine)
        backup = db.upgrade(engine, settings.db_url, settings.db_path, key)
        after = db.current_revision(engine)
    finally:
        engine.dispose()
    data = {
        "before": before,
        "after": after,
        "head": db.head_revision(),
        "backup": backup,
        "database": str(settings.db_path),
    }
    emit(args, data, f"database at {after} (was {before})")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from eservice_desktop.cli.common import open_from
    from eservice_desktop.services import retention

    app = open_from(args)
    try:
        result = retention.pseudonymise(app, dry_run=args.dry_run)
    finally:
        app.close()
    emit(args, result, f"due {result['due']}, pseudonymised {result['pseudonymised']}")
    return 0


def cmd_key_export(args: argparse.Namespace) -> int:
    from eservice_desktop.storage import dbkey

    settings = settings_from(args)
    key = dbkey.database_key(settings, create=False)
    print(key.hex())
    return 0


def cmd_key_import(args: argparse.Namespace) -> int:
    import sys

    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.storage import cipher, dbkey

    settings = settings_from(args)
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="ascii")
    try:
        key = dbkey._parse(text)
    except dbkey.KeyUnavailable as e:
        zh, _, en = str(e).partition(" / ")
        raise DomainError("key.format", zh, en, "file") from e
    path = settings.db_path
    if path.exists() and path.stat().st_size > 0 and not cipher.is_plain(path):
        try:
            cipher.connect(path, key, read_only=True).close()
        except cipher.WrongKey as e:
            raise DomainError(
                "key.wrong",
                "此金鑰無法開啟本機資料庫，未匯入",
                "This key does not open this database; nothing imported",
                "file",
            ) from e
    current = dbkey.read_key(settings)
    if current is not None and current != key:
        raise DomainError(
            "key.exists",
            "本機已有不同的金鑰，未匯入（請先移除原金鑰檔）",
            "This machine already holds a different key; nothing imported",
            "file",
        )
    dbkey.store_key(settings, key)
    emit(args, {"ok": True, "store": dbkey.store_kind(settings)}, "key imported")
    return 0


def cmd_current(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    exists = settings.db_path.exists()
    current = None
    if exists:
        engine, _key = db.open_office_engine(settings)
        try:
            current = db.current_revision(engine)
        finally:
            engine.dispose()
    head = db.head_revision()
    data = {
        "current": current,
        "head": head,
        "up_to_date": current == head,
        "database": str(settings.db_path),
        "exists": exists,
    }
    emit(args, data, f"{current or '(none)'} (head {head})")
    return 0
