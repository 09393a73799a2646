"""settings.json as IT's editors leave it: its text whatever byte order mark a Windows tool
put on it, the object it holds, and the refusal that names where a setting cannot be read.
Apart from ``config`` (the settings and their rules), which reads the file through it."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any


def bad_settings(where: str, why: str, why_en: str | None = None) -> Exception:
    """IT's file or environment holds what this build cannot read: a DomainError naming
    where (the value itself is never echoed; imported here, off the window's start)."""
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.domain.values import printable

    where = printable(where, 200)
    return DomainError(
        "settings.invalid",
        f"設定無法讀取：{where}（{why}），請 IT 修正",
        f"The settings cannot be read: {where} ({why_en or why}); ask IT to correct them",
        "settings",
    )


def by_byte_order_mark(data: bytes) -> tuple[bytes, str | None]:
    """A file as Windows tools save it: its bytes without the byte order mark, and the codec
    the mark names (None: no mark). Notepad's "UTF-8 with BOM", PowerShell 5's
    ``Set-Content -Encoding UTF8`` and its ``>`` (UTF-16) put one on settings.json and on the
    escrowed database key alike (``cli/cmd_db.key_text``)."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :], codec
    return data, None


def settings_text(data: bytes) -> str:
    """settings.json's text: a file marked by a Windows tool, right in the editor, stopped the
    program with 「不是 JSON：第 1 行」. Without a mark it is UTF-8, as the program writes it."""
    rest, codec = by_byte_order_mark(data)
    return rest.decode(codec or "utf-8")


def stored(file: Path) -> dict[str, Any]:
    """settings.json as an object ({} when there is none)."""
    if not file.exists():
        return {}
    try:
        obj = json.loads(settings_text(file.read_bytes()))
    except UnicodeDecodeError:
        raise bad_settings(str(file), "不是 UTF-8 文字", "not UTF-8 text") from None
    except RecursionError:  # [[[[…: deeper than the parser goes, and no settings either
        raise bad_settings(
            str(file), "不是 JSON：巢狀層次過深", "not JSON: nested too deep"
        ) from None
    except ValueError as e:
        line = getattr(e, "lineno", "?")
        raise bad_settings(
            str(file), f"不是 JSON：第 {line} 行", f"not JSON: line {line}"
        ) from None
    if not isinstance(obj, dict):
        raise bad_settings(str(file), "不是 JSON 物件", "not a JSON object") from None
    return obj
