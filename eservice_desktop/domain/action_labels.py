"""Each guarded action in words, zh-TW and English, for the refusal of an operator whose roles
do not allow it (``operators.forbidden``): the sentence ended on the action's code, so a clerk
read 您的角色或業務範圍不允許這項作業：void, or manage_operators, and could not tell what was
refused. The code stays in brackets for IT."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

ACTION_LABELS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "intake": ("收件", "taking in a case"),
        "view_case": ("查看案件", "viewing a case"),
        "search": ("搜尋案件", "searching cases"),
        "process": (
            "案件處理（補正、份數、核定規費）",
            "processing a case (supplements, copies, fees)",
        ),
        "close": ("結案、駁回或撤件", "closing, rejecting or cancelling a case"),
        "verify_identity": ("身分驗證", "verifying identity"),
        "record_payment": ("收費", "recording a payment"),
        "void": ("作廢收據", "voiding a receipt"),
        "refund": ("退費", "refunding a payment"),
        "print": ("列印收據或單據", "printing receipts and slips"),
        "handover": ("交付文件", "handing over documents"),
        "approve": ("主管核准", "a supervisor's approval"),
        "reports": ("日結與報表", "the daily closing and reports"),
        "export": ("匯出個人資料檔案", "exporting files with personal data"),
        "audit": ("稽核與存取紀錄", "auditing and the access log"),
        "manage_operators": ("操作人員管理", "managing operator accounts"),
        "calendar": ("匯入行事曆", "importing the working calendar"),
        "retention": ("個資保存期限處理", "personal-data retention"),
        "resolve_conflict": ("處理同步衝突", "resolving a sync conflict"),
        "backup": ("備份", "backups"),
        "restore": ("還原備份", "restoring a backup"),
        "doctor": ("系統檢查", "system checks"),
        "db_admin": ("資料庫管理", "database administration"),
    }
)
