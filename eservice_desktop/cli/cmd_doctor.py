"""``doctor [--json] [--no-network]``: what IT checks first on a counter PC.

The checks are data (services/doctor.py); this module only prints them. Exit status: 0 when
nothing failed (warnings allowed), 1 when a check failed, so scripts and deployment tools can act
on it. Qt is never imported on this path.
"""

from __future__ import annotations

import argparse

from eservice_desktop.cli.common import add_json, emit, lang_of, settings_from

MARK = {"ok": "[ OK ]", "warn": "[WARN]", "fail": "[FAIL]"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", help="安裝檢查（IT）/ check this installation", parents=[common])
    p.add_argument("--no-network", action="store_true", help="skip the county server probe")
    p.add_argument("--timeout", type=float, default=3.0, help="network timeout in seconds")
    add_json(p)
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    from eservice_desktop.services.doctor import run_checks

    report = run_checks(settings_from(args), network=not args.no_network, timeout=args.timeout)
    lang = lang_of(args)

    def text() -> str:
        lines = []
        for c in report.checks:
            lines.append(f"{MARK[c.status]} {c.title(lang)}: {c.detail(lang)}")
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
