"""The words of the citizen's notices (county.notify): stage, channel and outcome, as (zh-TW,
English). One table for the case detail's 民眾通知 list and the command line's ``case show`` and
``case resend-notice``, which said the codes (``notice: received sms sent``, 重送「received」)
where the window said 收件通知 簡訊 已送出."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

NOTICE_STAGE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "received": ("收件通知", "Received"),
    "payment_due": ("繳費通知", "Payment due"),
    "supplement_requested": ("補正通知", "Supplement"),
    "closed": ("辦結通知", "Closed"),
    "rejected": ("駁回通知", "Rejected"),
    "ready_for_pickup": ("領件通知", "Ready for pickup"),
    "cancelled": ("撤件通知", "Cancelled"),
    "refunded": ("退費通知", "Refund"),
}

NOTICE_CHANNEL_LABELS: Final[dict[str, tuple[str, str]]] = {
    "sms": ("簡訊", "SMS"),
    "mms": ("多媒體簡訊", "MMS"),
    "email": ("電子郵件", "E-mail"),
}

NOTICE_STATUS_LABELS: Final[dict[str, tuple[str, str]]] = {
    "queued": ("排隊中", "Queued"),
    "retrying": ("重試中", "Retrying"),
    "sent": ("已送出", "Sent"),
    "failed": ("傳送失敗", "Failed"),
    "superseded": ("已取消（案件已變動）", "Dropped (case moved on)"),
}


def notice_word(table: dict[str, tuple[str, str]], code: str, zh: bool) -> str:
    """A code's words in the language (the code itself when a newer county sent another)."""
    return table.get(code, (code, code))[0 if zh else 1]


def notice_words(notice: Mapping[str, Any], lang: str) -> str:
    """A notice's stage, channel and outcome in the language (收件通知 簡訊 已送出), as the
    command line lists it after ``notice:``."""
    zh = not lang.lower().startswith("en")
    return " ".join(
        notice_word(table, str(notice[key]), zh)
        for key, table in (
            ("stage", NOTICE_STAGE_LABELS),
            ("channel", NOTICE_CHANNEL_LABELS),
            ("status", NOTICE_STATUS_LABELS),
        )
    )
