"""``db upgrade``, ``db current``, ``db confirm-clock`` and the key commands for IT."""

from __future__ import annotations

import argparse
from pathlib import Path

from eservice_desktop.cli.common import add_json, emit, say, settings_from, upgrading
from eservice_desktop.services import database


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
    ret.add_argument("--dry-run", action="store_true", help="只計算到期的案件數")
    add_json(ret)
    ret.set_defaults(func=cmd_retention)
    clock = cs.add_parser(
        "confirm-clock",
        help="確認本機時鐘正確：時鐘曾快於實際時間時，校正前的紀錄不再擋下之後的寫入",
        parents=[common],
    )
    add_json(clock)
    clock.set_defaults(func=cmd_confirm_clock)
    key = cs.add_parser("key", help="資料庫金鑰保管（匯出供密封保存、匯入）", parents=[common])
    ks = key.add_subparsers(dest="key_command", required=True)
    ex = ks.add_parser("export", help="印出金鑰（64 個十六進位字元）以密封保存", parents=[common])
    ex.set_defaults(func=cmd_key_export)
    im = ks.add_parser("import", help="匯入保管的金鑰", parents=[common])
    im.add_argument("file", help="存放金鑰的檔案，- 表示標準輸入")
    add_json(im)
    im.set_defaults(func=cmd_key_import)


def cmd_upgrade(args: argparse.Namespace) -> int:
    data = database.upgrade(settings_from(args), on_start=lambda: upgrading(args))
    emit(
        args,
        data,
        say(
            args,
            f"資料庫版本 {data['after']}（原為 {data['before']}）",
            f"database at {data['after']} (was {data['before']})",
        ),
    )
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from eservice_desktop.cli.common import open_from
    from eservice_desktop.services import retention

    app = open_from(args)
    try:
        result = retention.pseudonymise(app, dry_run=args.dry_run)
    finally:
        app.close()
    emit(
        args,
        result,
        say(
            args,
            f"逾保存期限 {result['due']} 件，已去識別化 {result['pseudonymised']} 件",
            f"due {result['due']}, pseudonymised {result['pseudonymised']}",
        ),
    )
    return 0


def cmd_confirm_clock(args: argparse.Namespace) -> int:
    from eservice_desktop.cli.common import open_from
    from eservice_desktop.domain.rocdate import roc_second
    from eservice_desktop.services import clock_guard

    app = open_from(args)  # IT signs in first (DB_ADMIN)
    try:
        said = clock_guard.confirm(app)
        shown = roc_second(app.now())
    finally:
        app.close()
    emit(
        args,
        said,
        say(
            args,
            f"已確認本機時鐘（{shown}）正確；先前 {said['records_before']} 筆紀錄不再擋下寫入",
            f"This PC's clock ({shown}) confirmed right; the {said['records_before']} records "
            "before no longer hold writes back",
        ),
    )
    return 0


def cmd_key_export(args: argparse.Namespace) -> int:
    from eservice_desktop.cli.common import open_from

    app = open_from(args)  # the key opens the database: IT signs in first (DB_ADMIN)
    try:
        key = database.export_key_recorded(app)
    finally:
        app.close()
    print(key)
    return 0


KEY_FILE_MAX = 4096


def cmd_key_import(args: argparse.Namespace) -> int:
    import sys

    # a key file is 64 hex digits: read no further than a few KB (/dev/zero never ends); what
    # is longer or not ASCII is refused as malformed by import_key
    if args.file == "-":
        text = sys.stdin.read(KEY_FILE_MAX)
    else:
        from eservice_desktop.services.input_files import read_regular

        text = key_text(read_regular(Path(args.file), KEY_FILE_MAX))  # a pipe: refused
    emit(
        args,
        database.import_key(settings_from(args), text),
        say(args, "金鑰已匯入", "key imported"),
    )
    return 0


def key_text(data: bytes) -> str:
    """The key file's text. Windows editors and shells save the escrowed key with a byte order
    mark: Notepad's UTF-8, and PowerShell 5's ``db key export > key.txt`` UTF-16; such a file
    was refused as malformed. Anything else is read as ASCII (the rest is malformed)."""
    from eservice_desktop.settings_file import by_byte_order_mark

    rest, codec = by_byte_order_mark(data)
    return rest.decode(codec if codec and codec != "utf-8" else "ascii", errors="replace")


def cmd_current(args: argparse.Namespace) -> int:
    data = database.current(settings_from(args))
    now, head = data["current"], data["head"]
    emit(
        args,
        data,
        say(
            args,
            f"{now or '（無）'}（本版最新 {head}）",
            f"{now or '(none)'} (head {head})",
        ),
    )
    return 0
