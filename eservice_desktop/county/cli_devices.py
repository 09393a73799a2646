"""``eservice-county-server devices``: the enrolled devices, when each was last seen and the
build it syncs with (county/device_list.py)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from eservice_desktop.county.cli_common import add_command, db_url, open_sessions
from eservice_desktop.county.cli_lang import said
from eservice_desktop.county.device_list import DeviceView
from eservice_desktop.domain.rocdate import roc_minute


def add_parser(sub: Any) -> None:
    d = add_command(sub, "devices", "已登記的設備：最後同步、版本、撤銷")
    d.add_argument("--office", default="", help="只列這個事務所的，例如 H01")
    d.add_argument("--json", action="store_true", help="輸出 JSON")
    d.set_defaults(func=cmd_devices)


def cmd_devices(args: argparse.Namespace) -> int:
    from eservice_desktop.county.device_list import list_devices
    from eservice_desktop.county.devices import OFFICE_CODE
    from eservice_desktop.county.store import reading

    if args.office and not OFFICE_CODE.fullmatch(args.office):
        print(said("機關代碼格式錯誤（例：H01）", "Bad office code (e.g. H01)"), file=sys.stderr)
        return 2
    engine, sessions = open_sessions(db_url(args))
    try:
        with reading(sessions) as s:
            devices = list_devices(s, args.office)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps({"devices": [d.to_json() for d in devices]}, ensure_ascii=False))
    else:
        print(_table(devices))
    return 0


def _when(iso: str | None, none: str) -> str:
    return roc_minute(datetime.fromisoformat(iso)) if iso else none


def _table(devices: list[DeviceView]) -> str:
    """One line each: key, last seen and last fully synced (Taipei, ROC), build, revoked; the
    heading, never seen and unknown builds said in the chosen language."""
    if not devices:
        return said("沒有已登記的設備", "No enrolled device")
    lines = [
        said(
            "設備 | 最後連線 | 最後同步完成 | 版本 | 撤銷",
            "device | last seen | last fully synced | build | revoked",
        )
    ]
    never, unknown = said("未曾同步", "never"), said("不明", "unknown")
    for d in devices:
        seen = _when(d.last_seen_at, never)
        revoked, synced = _when(d.revoked_at, "-"), _when(d.synced_at, never)
        lines.append(f"{d.device_key} | {seen} | {synced} | {d.build or unknown} | {revoked}")
    return "\n".join(lines)
