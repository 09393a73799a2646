"""``doctor [--json] [--no-network] [--shift-start] [--test-print] [--scan-wait S]``: what IT
checks first on a counter PC, and the shift-start check (``--shift-start``: the checks a counter
needs to serve today, with a test print to the configured printer and a test scan).

The checks are data (services/doctor/); this module only prints them. Exit status: 0 when
nothing failed (warnings allowed), 1 when a check failed, so scripts and deployment tools can act
on it. Qt is never imported on this path.
"""

from __future__ import annotations

import argparse

from eservice_desktop.cli.common import (
    add_json,
    bounded_int,
    bounded_seconds,
    emit,
    lang_of,
    settings_from,
)

MARK = {"ok": "[ OK ]", "warn": "[WARN]", "fail": "[FAIL]"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", help="安裝檢查（IT）", parents=[common])
    p.add_argument("--no-network", action="store_true", help="不探測縣府伺服器")
    p.add_argument(
        "--timeout",
        type=bounded_seconds(0.1, 300),
        default=3.0,
        help="網路逾時秒數（0.1-300）",
    )
    p.add_argument(
        "--shift-start",
        action="store_true",
        help="上班前檢查（含測試列印與掃描）",
    )
    p.add_argument(
        "--test-print", action="store_true", help="在 printer_name 印表機印一張測試頁（CUPS）"
    )
    p.add_argument(
        "--scan-wait",
        type=bounded_int(0, 300),
        default=0,
        help="等待序列埠掃描器測試掃描的秒數",
    )
    add_json(p)
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    from eservice_desktop.services.doctor import run_checks

    report = run_checks(
        settings_from(args),
        network=not args.no_network,
        timeout=args.timeout,
        shift_start=args.shift_start,
        test_print=args.test_print,
        scan_wait_s=args.scan_wait,
    )
    lang = lang_of(args)

    def text() -> str:
        lines = []
        colon = ": " if lang == "en" else "："  # zh-TW's own colon, as its every line has
        for c in report.checks:
            lines.append(f"{MARK[c.status]} {c.title(lang)}{colon}{c.detail(lang)}")
            if c.status != "ok" and c.fix(lang):
                lines.append(f"       → {c.fix(lang)}")
        summary = {
            "ok": ("全部正常", "All good"),
            "warn": ("有警告", "Warnings"),
            "fail": ("有問題須處理", "Problems to fix"),
        }[report.status]
        lines.append(summary[1] if lang == "en" else summary[0])
        return "\n".join(lines)

    emit(args, report.to_json(), text)
    return 1 if report.status == "fail" else 0
