"""``backup now | list | verify | restore`` for IT and the office admin (docs/it-guide.md).

``restore`` is guided: it verifies the copy, keeps the current database aside, switches files,
then runs ``sync recover`` (unless ``--no-recover``) and says what, if anything, was lost.
Stop the sync service and close the counter window before restoring.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eservice_desktop.cli.common import (
    EXIT_REFUSED,
    add_json,
    emit,
    interrupted,
    open_from,
    say,
    settings_from,
)
from eservice_desktop.cli.progress import events_read
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Operator
from eservice_desktop.domain.text_values import counted

if TYPE_CHECKING:
    from eservice_desktop.services.backup_files import BackupInfo
    from eservice_desktop.services.core import App


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("backup", help="資料庫備份與還原", parents=[common])
    cs = p.add_subparsers(dest="backup_command", required=True)
    now = cs.add_parser("now", help="立即備份（加密、一致）", parents=[common])
    add_json(now)
    now.set_defaults(func=cmd_now)
    ls = cs.add_parser("list", help="列出備份與時間", parents=[common])
    add_json(ls)
    ls.set_defaults(func=cmd_list)
    v = cs.add_parser("verify", help="驗證備份（完整性、事件與投影一致、時間）", parents=[common])
    v.add_argument("file", nargs="?", type=Path, help="備份檔（預設：最新的一份）")
    add_json(v)
    v.set_defaults(func=cmd_verify)
    r = cs.add_parser("restore", help="自備份還原，並自縣府取回已同步的事件", parents=[common])
    r.add_argument("file", type=Path, help="要還原的備份檔")
    r.add_argument("--no-recover", action="store_true", help="還原後不執行 `sync recover`")
    add_json(r)
    r.set_defaults(func=cmd_restore)


def cmd_now(args: argparse.Namespace) -> int:
    from eservice_desktop.services import backup

    app = open_from(args)
    try:
        info = backup.take(app, "manual")
        data = info.to_json(app.now())
    finally:
        app.close()
    emit(args, {"ok": True, **data}, say(args, f"備份：{info.path}", f"backup: {info.path}"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from eservice_desktop.services import backup
    from eservice_desktop.services.sync.clock import county_clock

    settings = settings_from(args)
    now = county_clock(settings)()  # the clock the backups are named by
    found = backup.list_backups(settings)
    items = [b.to_json(now) for b in found]
    emit(
        args,
        {"backup_dir": str(backup.backup_dir(settings)), "backups": items},
        lambda: (
            "\n".join(_listed(args, b) for b in found) or say(args, "（尚無備份）", "(no backups)")
        ),
    )
    return 0


def _listed(args: argparse.Namespace, info: BackupInfo) -> str:
    """One backup as people read it: its time in the office's zone with the ROC year, its kind
    in their language (the --json form keeps the UTC time and the kind's code)."""
    from eservice_desktop.domain.rocdate import roc_second
    from eservice_desktop.services.backup_files import LABEL_NAMES

    when = roc_second(info.taken_at)  # Taipei, ROC year, as the counter shows every time
    kind = say(args, *LABEL_NAMES.get(info.label, (info.label, info.label)))
    return f"{when}  {kind}  {info.path}"


def cmd_verify(args: argparse.Namespace) -> int:
    from eservice_desktop.services import backup

    app = open_from(args)
    try:
        path = args.file
        if path is None:
            found = backup.list_backups(app.settings)
            if not found:
                raise DomainError("backup.none", "尚無任何備份", "There is no backup yet", "backup")
            path = found[0].path
        with events_read(args):
            result = backup.verify(app, path)
    finally:
        app.close()
    emit(args, result, lambda: _verdict(args, result))
    return 0 if result["ok"] else 1


def cmd_restore(args: argparse.Namespace) -> int:
    from eservice_desktop.services import backup
    from eservice_desktop.services.backup_files import no_backup_file

    settings = settings_from(args)
    if not args.file.is_file():
        raise no_backup_file(args.file, "file")
    restorer = _restorer(args)
    result = backup.restore(settings, args.file)
    app = open_from(args)  # opening upgrades an older backup's schema (after its own backup)
    if restorer is not None:  # the restored database may predate this session
        app.operator = restorer
    elif app.operator is None:  # the database was gone: no account could have signed in
        app.operator = _data_dir_owner()
    try:
        backup.finish_restore(app, args.file, result, recover=not args.no_recover)
        replace = _replacement_code(app, result)
    except KeyboardInterrupt:  # the files are switched already: say so, and what is left
        shown = values.printable(str(args.file), 200)
        return interrupted(
            args,
            f"已還原 {shown}；自縣府取回事件時中斷（Ctrl+C）：請執行 eservice-desktop sync recover",
            f"restored from {shown}; interrupted (Ctrl+C) while getting events back from the "
            "county: run `eservice-desktop sync recover`",
        )
    finally:
        app.close()
    recovery = result["recovery"]
    ok = recovery is None or "error" not in recovery
    emit(args, {"ok": ok, **result}, lambda: _story(args, result, replace))
    return 0 if ok else EXIT_REFUSED


def _replacement_code(app: App, result: dict[str, Any]) -> str | None:
    """The county's command that gives this PC a credential again, when the recovery failed
    and this PC holds none (a new or rebuilt PC: the credential stayed in the old one's
    keyring). The restore said 連線後請執行 sync recover, and IT waited for a network that was
    there: every round is refused (HTTP 401) until the county gives a replacement code."""
    from eservice_desktop.services.sync.credentials import credential

    rec = result.get("recovery")
    if not isinstance(rec, dict) or "error" not in rec or credential(app) is not None:
        return None
    office, device = app.settings.office_code, app.settings.device_id
    return f"eservice-county-server enrol-code --office {office} --device {device}"


def _verdict(args: argparse.Namespace, result: dict[str, Any]) -> str:
    """``backup verify``'s line: the verdict, the file, its cases and age (a backup whose time
    is unknown says so rather than "None h old"), and any problems."""
    from eservice_desktop.services.backup import findings

    age = result["age_h"]
    zh_age = "時間不明" if age is None else f"{age} 小時前"
    en_age = "time unknown" if age is None else f"{age} h old"
    zh_problems = findings(result, "zh_TW")
    return say(
        args,
        f"{'完好' if result['ok'] else '損壞'} {result['file']}（{result['cases']} 件，{zh_age}）"
        + (f"：{zh_problems}" if zh_problems else ""),
        f"{'OK' if result['ok'] else 'FAILED'} {result['file']} "
        f"({counted(result['cases'], 'case')}, {en_age}) {findings(result, 'en')}",
    ).rstrip()


def _taken(text: object) -> str:
    """The backup's time as the counter shows times (Taipei, ROC year); as given otherwise."""
    from datetime import datetime

    from eservice_desktop.domain.rocdate import roc_second

    try:
        return roc_second(datetime.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def _story(args: argparse.Namespace, result: dict[str, object], replace: str | None) -> str:
    """The restore's account in the user's language (each line was Chinese and English at
    once whatever --lang said, the backup's time in ISO 8601)."""
    when = result["taken_at"]  # None: a file whose name carries no time (a renamed copy)
    taken = _taken(when) if when else say(args, "時間不明", "time unknown")
    lines = [say(args, "已還原：", "restored: ") + f"{result['restored_from']} ({taken})"]
    rec = result.get("recovery")
    if rec is None:
        lines.append(say(args, "未自縣府取回事件：請執行 sync recover", "run `sync recover` next"))
    elif isinstance(rec, dict) and "error" in rec:
        from eservice_desktop.services.sync import named_failure_message

        zh, en = (named_failure_message(str(rec["error"]), lang) for lang in ("zh_TW", "en"))
        lines.append(
            say(
                args,
                f"未自縣府取回事件（{zh}）：連線後請執行 sync recover",
                f"no events got back from the county ({en}): run `sync recover` once it answers",
            )
            if replace is None
            else say(
                args,
                f"未自縣府取回事件：本機沒有登記憑證（新電腦或重灌後）；請縣府資訊人員核發取代碼"
                f"（{replace}），執行 sync enrol 後再執行 sync recover",
                f"no events got back from the county: this PC holds no enrolment credential "
                f"(a new or rebuilt PC); ask county IT for a replacement code ({replace}), run "
                "`sync enrol`, then `sync recover`",
            )
        )
    elif isinstance(rec, dict):
        lines.append(
            say(
                args,
                f"自縣府取回本機事件 {rec['restored']} 筆，其他設備事件 {rec['added']} 筆",
                f"own events restored: {rec['restored']}, others added: {rec['added']}",
            )
        )
        lost = rec.get("lost") or []
        if lost:
            n = len(lost)
            lines.append(say(args, f"遺失 {n} 筆未同步事件：", f"{n} unsynced events lost:"))
            lines += [f"  {x['case_number']} {x['type']} {x['at']}" for x in lost]
        elif rec.get("lost_known"):
            lines.append(say(args, "沒有遺失任何事件", "nothing was lost"))
        else:
            at = rec["last_own_event_at"]
            lines.append(
                say(
                    args,
                    f"原資料庫無法讀取：{at} 之後未同步的工作無法確認",
                    f"the previous database is gone: unsynced work after {at} cannot be checked",
                )
            )
    return "\n".join(lines)


def _data_dir_owner() -> Operator:
    """Who finishes the restore of a database that was gone or no longer opened (verifying
    the restored copy, ``sync recover``): no account can sign in to a database that is not
    there, so whoever may write the data directory restores (the OS decides), in IT's role.
    The restore itself records no event."""
    from eservice_desktop.cli.session_files import os_user
    from eservice_desktop.domain.operators import Role

    user = os_user()
    return Operator(account=user, name=user, roles=frozenset({Role.IT}))


def _restorer(args: argparse.Namespace) -> Operator | None:
    """Who restores: an operator with RESTORE when the current database opens. A database that
    no longer opens (damaged), is gone, or holds no account anyone could sign in with (made
    afresh on a rebuilt PC by a command run first) is restored by whoever may write the data
    directory."""
    from sqlalchemy.exc import DBAPIError

    from eservice_desktop.domain.operators import Action
    from eservice_desktop.services.database import present
    from eservice_desktop.services.operators import accounts_exist, require

    if not present(settings_from(args)):  # nothing left to open (a rebuilt PC, zero bytes)
        return None
    try:
        app = open_from(args)
    except DBAPIError:
        return None
    try:
        if app.operator is None and not accounts_exist(app):
            return None  # made just now (a rebuilt PC, a command run before the restore)
        return require(app, Action.RESTORE)
    finally:
        app.close()
