"""Every case event type in words, zh-TW and English: the counter window's timeline and
conflicts list and the command line's case history (``case show``) name events alike, where
the command line printed none of them (its history was the JSON's codes and UTC times)."""

from __future__ import annotations

from eservice_desktop.domain import events as ev

#: Event type -> (zh-TW, English) shown in the timeline, the conflicts list and ``case show``:
#: every type of ``events.ALL_TYPES`` (an online receipt's and a settlement's rows showed their
#: raw codes).
EVENT_LABELS: dict[str, tuple[str, str]] = {
    ev.RECEIVED: ("收件", "Received"),
    ev.ACCEPTED: ("線上案件收件", "Online case accepted"),
    ev.CONSENT_RECORDED: ("同意查調書證", "Document-free lookup consent"),
    ev.IDENTITY_VERIFIED: ("身分查驗", "Identity verified"),
    ev.SUPPLEMENT_REQUESTED: ("通知補正", "Supplement requested"),
    ev.SUPPLEMENT_RECEIVED: ("補正完成", "Supplement received"),
    ev.FEE_ASSESSED: ("核計規費", "Fee assessed"),
    ev.PAYMENT_RECORDED: ("繳費", "Payment"),
    ev.PAYMENT_REFUNDED: ("退費", "Refund"),
    ev.PAYMENT_VOIDED: ("作廢繳費", "Payment voided"),
    ev.RECEIPT_ISSUED: ("開立收據", "Receipt issued"),
    ev.RECEIPT_REPRINTED: ("補印收據", "Receipt reprinted"),
    ev.RECEIPT_VOIDED: ("作廢收據", "Receipt voided"),
    ev.PAYMENT_METHOD_CORRECTED: ("更正收費方式", "Payment method corrected"),
    ev.ONLINE_RECEIPT_ISSUED: ("開立線上繳費收據", "Online payment receipt issued"),
    ev.PAYMENT_SETTLED: ("公庫入庫對帳", "Settled with the treasury"),
    ev.CLOSED: ("結案", "Closed"),
    ev.REOPENED: ("重新開啟", "Reopened"),
    ev.REJECTED: ("駁回", "Rejected"),
    ev.CANCELLED: ("撤件", "Cancelled"),
    ev.READY_FOR_PICKUP: ("待領件", "Ready for pickup"),
    ev.PICKED_UP: ("已領件", "Picked up"),
    ev.CONFLICT_RECORDED: ("資料衝突", "Conflict recorded"),
    ev.CONFLICT_RESOLVED: ("衝突已解決", "Conflict resolved"),
    ev.NOTICE_RESEND_REQUESTED: ("重送通知", "Notice resend requested"),
    ev.LOOKUP_DONE: ("免書證查詢", "Document-free lookup"),
    ev.PHONE_CHANGED: ("變更手機號碼", "Mobile number changed"),
    ev.CODE_REISSUE_REQUESTED: ("重發領件碼", "New pickup code requested"),
    ev.APPLICANT_CORRECTED: ("更正申請人資料", "Applicant's details corrected"),
    ev.APPROVAL_GRANTED: ("主管核准", "Supervisor approval"),
}
