"""``sync status`` as a person reads it: in zh-TW each line is named in Chinese (待上傳事件: 0),
where it printed the JSON's keys (pending: 0) to an office's IT in either language; English keeps
the keys, which the docs and the JSON name, its values written as English writes them.
``--json`` is unchanged (a contract)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eservice_desktop.cli.common import shown_value

_ZH_LABELS: dict[str, str] = {
    "pending": "待上傳事件",
    "acknowledged": "縣府已收事件",
    "other_counters_pending": "他櫃待上傳事件",
    "local_events": "本機事件",
    "pulled_events": "自縣府接收事件",
    "last_success": "上次同步成功",
    "last_attempt": "上次嘗試同步",
    "last_error": "上次錯誤",
    "conflicts": "待處理衝突",
    "quarantined": "隔離事件",
    "access_pending": "待上傳存取紀錄",
    "cursor": "接收位置",
    "catch_up": "補收進度",
    "clock_offset_s": "與縣府時鐘差（秒）",
    "enrolled": "本機登記",
    "server": "縣府伺服器",
    "has_credential": "已存登記憑證",
}

_ZH_ENROLMENT: dict[str, str] = {
    "office": "事務所",
    "device": "櫃檯",
    "device_key": "裝置代號",
    "server": "伺服器",
    "at": "登記時間",
}


def status_text(shown: Mapping[str, Any], lang: str) -> str:
    """The status's lines: ``shown`` is the JSON's values, its error already in words."""
    if lang == "en":
        return "\n".join(f"{k}: {_value(k, v, lang)}" for k, v in shown.items())
    return "\n".join(f"{_ZH_LABELS.get(k, k)}：{_value(k, v, lang)}" for k, v in shown.items())


def _value(key: str, value: Any, lang: str) -> str:
    """A line's value as the language writes it, in English too: it printed 1952 events where
    the zh-TW line said 1,952, has_credential: False (Python's word) and the catch-up as
    ``done 5, total 10``."""
    en = lang == "en"
    if isinstance(value, bool):
        return ("yes" if value else "no") if en else ("是" if value else "否")
    if key == "catch_up" and isinstance(value, dict):
        done, total = int(value.get("done", 0)), int(value.get("total", 0))
        return f"{done:,}{'/' if en else '／'}{total:,}"
    if en:
        return f"{value:,}" if isinstance(value, int) else shown_value(value, lang)
    if key == "enrolled" and isinstance(value, dict):
        parts = (f"{_ZH_ENROLMENT.get(k, k)} {shown_value(v)}" for k, v in value.items())
        return "、".join(parts)
    if isinstance(value, int):
        return f"{value:,}"
    return shown_value(value)
