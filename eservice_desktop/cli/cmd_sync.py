"""``sync run|once|status|enrol|conflicts|resolve``: the office's link with the county."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from eservice_desktop.cli.common import (
    EXIT_INTERRUPTED,
    add_json,
    bounded_seconds,
    emit,
    lang_of,
    open_from,
    say,
)
from eservice_desktop.cli.console import json_text

log = logging.getLogger("eservice.sync")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sync", help="與縣府同步", parents=[common])
    ss = p.add_subparsers(dest="sync_command", required=True)

    r = ss.add_parser("run", help="背景同步服務（SIGTERM 停止）", parents=[common])
    r.add_argument(
        "--interval",
        type=bounded_seconds(0.1, 86400),  # 0 or less: the county asked again at once
        default=None,
        help="每輪同步間隔秒數（0.1-86400）",
    )
    r.set_defaults(func=cmd_run)

    o = ss.add_parser("once", help="同步一次並列出筆數", parents=[common])
    add_json(o)
    o.set_defaults(func=cmd_once)

    st = ss.add_parser("status", help="同步狀態", parents=[common])
    add_json(st)
    st.set_defaults(func=cmd_status)

    e = ss.add_parser("enrol", help="以一次性登記碼向縣府登記本機", parents=[common])
    e.add_argument("--server", required=True, help="縣府伺服器網址")
    e.add_argument("--code", required=True, help="縣府發給的一次性登記碼")
    add_json(e)
    e.set_defaults(func=cmd_enrol)

    rc = ss.add_parser("recover", help="還原舊備份後，自縣府取回本機已送出的事件", parents=[common])
    add_json(rc)
    rc.set_defaults(func=cmd_recover)

    rr = ss.add_parser("receipt", help="縣府回執（案件已送達縣府的簽章證明）", parents=[common])
    rr.add_argument("case_number", help="案號")
    rr.add_argument("--pdf", type=Path, help="同時將可列印的回執寫入此 PDF 檔")
    add_json(rr)
    rr.set_defaults(func=cmd_receipt)

    c = ss.add_parser("conflicts", help="待處理的同步衝突", parents=[common])
    add_json(c)
    c.set_defaults(func=cmd_conflicts)

    v = ss.add_parser("resolve", help="處理同步衝突（記錄為事件）", parents=[common])
    v.add_argument("conflict_id", help="衝突編號（見 `sync conflicts`）")
    v.add_argument("--note", required=True, help="處理說明")
    add_json(v)
    v.set_defaults(func=cmd_resolve)


def cmd_run(args: argparse.Namespace) -> int:
    from eservice_desktop.logs import install_crash_handlers
    from eservice_desktop.services import backup, sync

    app = open_from(args)
    install_crash_handlers(app.settings.log_dir)
    if args.interval is not None:
        app.settings.sync_interval_s = args.interval
    loop = sync.start(app)
    loop.round_fn = backup.with_scheduled_backups(app, loop.round_fn)  # the hourly backup

    def stop(_signum: int, _frame: Any) -> None:
        loop.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(
        "sync service started (pid %d, every %.1f s)", os.getpid(), app.settings.sync_interval_s
    )
    try:
        loop.run_forever()
    finally:
        app.close()
        log.info("sync service stopped")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from eservice_desktop.services import sync

    app = open_from(args)
    try:
        client = sync.make_client(app)
        try:
            counts = sync.recover_from_county(app, client)
        finally:
            client.close()
    finally:
        app.close()
    emit(
        args,
        {"ok": True, **counts},
        say(
            args,
            f"取回本機事件 {counts['restored']} 筆，他處事件 {counts['added']} 筆",
            f"restored {counts['restored']}, added {counts['added']}",
        ),
    )
    return 0


def _once_failed(  # noqa: PLR0917 - the promised JSON's fields and the exit code
    args: argparse.Namespace,
    app: Any,
    error: str,
    detail: str,
    message: str,
    code: int,
    reason: str | None = None,
) -> int:
    """``sync once``'s failure: ``{"ok": false, "error", "detail", "pending"}`` with --json
    (a promise), the sentence on stderr, and ``code``. ``reason`` is added when the round knows
    what to do (``sync.not_enrolled``: run `sync enrol`), with the sentence as ``message``."""
    from eservice_desktop.services import sync
    from eservice_desktop.services.machine_errors import environment_error

    try:
        with app.reading() as s:
            pending: int | None = sync.pending_count(s)
    except Exception as e:  # the database itself failed (held, unreadable): not counted
        if environment_error(e) is None:
            raise
        pending = None
    if args.json:
        data = {"ok": False, "error": error, "detail": detail, "pending": pending}
        if reason:
            data.update(reason=reason, message=message)
        print(json_text(data))
    print(message, file=sys.stderr)
    return code


def _own_failure(error: Exception) -> Any:
    """A round this PC failed (its disk full, its database held by another program, a write
    its own state refuses: a restore not yet recovered, a clock set back) as a refusal with
    its code and words; None for a bug. It left ``sync once --json`` the general refusal's
    shape (``{ok, error, field, message}``), not the promised one."""
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services.machine_errors import environment_error

    return error if isinstance(error, DomainError) else environment_error(error)


def cmd_once(args: argparse.Namespace) -> int:
    from eservice_desktop.services import sync
    from eservice_desktop.services.sync import SyncError

    app = open_from(args)
    try:
        sync.install_clock_correction(app)
        try:
            result = sync.run_round(app)
        except SyncError as e:
            message = e.message(lang_of(args))
            # The JSON shape is a promise (error = class name); the sentence goes to stderr.
            return _once_failed(args, app, type(e).__name__, str(e), message, 1, e.reason)
        except KeyboardInterrupt:  # Ctrl+C: the same promised shape, not the general one
            message = say(
                args,
                "已中斷（Ctrl+C），這一輪同步未完成",
                "Interrupted (Ctrl+C); this sync round did not finish",
            )
            return _once_failed(args, app, "interrupted", message, message, EXIT_INTERRUPTED)
        except Exception as e:
            refusal = _own_failure(e)
            if refusal is None:
                raise
            words = refusal.message_en if lang_of(args) == "en" else refusal.message_zh
            return _once_failed(args, app, refusal.code, refusal.message_en, words, 2)
    finally:
        app.close()
    data = {"ok": True, **result.to_json()}
    emit(
        args,
        data,
        lambda: say(
            args,
            f"已上傳 {result.pushed:,} 筆（重複 {result.duplicates:,}）　衝突 {result.conflicts:,}"
            f"　已下載 {result.pulled:,} 筆　待上傳 {result.pending:,} 筆",
            f"pushed {result.pushed:,}  duplicates {result.duplicates:,}  conflicts"
            f" {result.conflicts:,}  pulled {result.pulled:,}  pending {result.pending:,}",
        ),
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from eservice_desktop.services import sync
    from eservice_desktop.services.sync.failure_words import LAST_ERROR_WORDS, last_error_message

    app = open_from(args)
    try:
        data = sync.status(app)
        with app.reading() as s:
            words = sync.get_state(s, LAST_ERROR_WORDS)
    finally:
        app.close()
    shown = dict(data)
    if data.get("last_error"):  # in words, never the kind's name (OperationalError)
        shown["last_error"] = last_error_message(str(data["last_error"]), words, lang_of(args))
    from eservice_desktop.cli.sync_status_text import status_text

    lang = lang_of(args)
    emit(args, data, lambda: status_text(shown, lang))
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    from eservice_desktop.services import sync

    app = open_from(args)
    try:
        info = sync.enrol(app, args.server, args.code)
    finally:
        app.close()
    emit(
        args,
        {"ok": True, **info},
        say(
            args,
            f"已向 {info['server']} 註冊為 {info['device_key']}",
            f"enrolled as {info['device_key']} with {info['server']}",
        ),
    )
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from eservice_desktop.services import sync

    app = open_from(args)
    try:
        lang = str(getattr(args, "lang", "zh_TW"))
        rows = [{"kind": "conflict", **asdict(c)} for c in sync.open_conflicts(app, lang)]
        # Pulled events set aside follow, same keys plus their own, ``kind`` tells them apart.
        rows += [asdict(q) for q in sync.quarantined(app, lang)]
    finally:
        app.close()
    emit(
        args,
        rows,
        lambda: (
            "\n".join(
                f"{r['conflict_id'] or r['kind'] + ':' + r['event_id']}  {r['case_number']}"
                f"  {r['event_type']}  {r['reason']}"
                for r in rows
            )
            # nothing to do says so (it printed an empty line)
            or say(args, "（無同步衝突，也無擱置的事件）", "(no sync conflict, no event set aside)")
        ),
    )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from eservice_desktop.services import sync

    app = open_from(args)
    try:
        sync.resolve_conflict(app, args.conflict_id, args.note)
    finally:
        app.close()
    emit(args, {"ok": True, "conflict_id": args.conflict_id}, say(args, "已處理", "resolved"))
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    from eservice_desktop.services import sync

    app = open_from(args)
    try:
        data = sync.county_receipt(app, args.case_number)
        if args.pdf:
            from eservice_desktop.services import exports

            pdf = sync.county_receipt_pdf(app, data)  # case number, counts, signature only
            exports.write(app.settings, args.pdf, pdf, personal=False)
            data["pdf"] = str(args.pdf)
    finally:
        app.close()
    check = "verified" if data["verified"] else "NOT VERIFIED"
    emit(
        args,
        data,
        lambda: (
            f"{data['case_number']}  {data['office']}  events {data['events_accepted']}"
            f"  county time {data['county_time']}  {check}"
        ),
    )
    return 0
