"""What each event of a case's timeline says in its "details" column: the amount and the way it
was paid, the receipt number, who collected the documents and for whom, the identity verdict.

The texts are zh-TW in the code and English through ``resources/translations/gui_en.ts``
(context ``Timeline``); values that come from data (names, reasons typed by a clerk, receipt
numbers) are inserted as they are. An event type this module does not know shows its reason or
note, so a newer event from the county never leaves the column blank or breaks the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.catalogue import DOCUMENT_FREE_KINDS, DOCUMENT_FREE_KINDS_EN
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.notice_labels import NOTICE_STAGE_LABELS
from eservice_desktop.domain.rocdate import roc_text


def _t(text: str) -> str:
    return QCoreApplication.translate("Timeline", text)


def _money(amount: Any) -> str:
    try:
        return f"{int(amount):,}"
    except (TypeError, ValueError):
        return str(amount)


def method_label(method: str) -> str:
    return {
        "cash": _t("現金"),
        "card": _t("刷卡"),
        "online": _t("線上繳費"),
    }.get(method, method)


def verdict_label(verdict: str) -> str:
    return {
        "verified": _t("查驗通過"),
        "verified_with_override": _t("主管覆核後通過"),
        "revocation_unknown": _t("無法確認憑證廢止狀態"),
        "refused": _t("查驗未通過"),
    }.get(verdict, verdict)


def _identity_source(method: str) -> str:
    return {
        "moica": _t("自然人憑證"),
        "nhi": _t("健保卡"),
    }.get(method, method)


def _receipt(payload: Mapping[str, Any]) -> str:
    number = payload.get("receipt_number")
    return _t("收據 {number}").format(number=number) if number else ""


def _join(*parts: str) -> str:
    return _t("；").join(p for p in parts if p)


def _with_reason(main: str, payload: Mapping[str, Any]) -> str:
    reason = str(payload.get("reason") or "").strip()
    return _join(main, _t("原因：{reason}").format(reason=reason) if reason else "")


def _payment(p: Mapping[str, Any]) -> str:
    main = _t("{method} {amount} 元").format(
        method=method_label(str(p.get("method", ""))), amount=_money(p.get("amount"))
    )
    cash = ""
    if p.get("method") == "cash" and p.get("tendered") is not None:
        cash = _t("收 {tendered} 元，找零 {change} 元").format(
            tendered=_money(p.get("tendered")), change=_money(p.get("change", 0))
        )
    reference = str(p.get("reference") or "")
    return _join(
        main,
        _receipt(p),
        cash,
        _t("交易序號 {reference}").format(reference=reference) if reference else "",
    )


def _method_corrected(p: Mapping[str, Any]) -> str:
    main = _t("收費方式由{old}更正為{new}").format(
        old=method_label(str(p.get("from_method", ""))),
        new=method_label(str(p.get("to_method", ""))),
    )
    return _with_reason(_join(main, _receipt(p)), p)


def _fee(p: Mapping[str, Any]) -> str:
    main = _t("應繳 {total} 元").format(total=_money(p.get("total", 0)))
    reduction = int(p.get("reduction") or 0)
    reason = str(p.get("exemption_reason") or "").strip()
    extra = ""
    if reduction:
        extra = _t("減免 {amount} 元").format(amount=_money(reduction))
    return _join(main, extra, _t("減免理由：{reason}").format(reason=reason) if reason else "")


def _identity(p: Mapping[str, Any]) -> str:
    main = _t("{source}：{verdict}").format(
        source=_identity_source(str(p.get("method", ""))),
        verdict=verdict_label(str(p.get("verdict", ""))),
    )
    matched = p.get("holder_matched")
    holder = ""
    if matched is True:
        holder = _t("持卡人與申請人相符")
    elif matched is False:
        holder = _t("持卡人與申請人不符")
    override = p.get("override") or {}
    who = ""
    if isinstance(override, Mapping) and override.get("supervisor"):
        who = _t("覆核主管 {supervisor}：{reason}").format(
            supervisor=override.get("supervisor"), reason=override.get("reason", "")
        )
    serial = str(p.get("cert_serial") or "")
    return _join(main, holder, who, _t("憑證序號 {serial}").format(serial=serial) if serial else "")


def _pickup(p: Mapping[str, Any], applicant: str) -> str:
    by = p.get("by") or {}
    if not isinstance(by, Mapping) or by.get("self", True):
        who = _t("申請人本人領取")
    else:
        relation = str(by.get("relation") or "").strip()
        who = _t("{name}（{id}）代理 {applicant} 領取").format(
            name=by.get("name", ""), id=mask_id(str(by.get("id", ""))), applicant=applicant
        )
        if relation:
            who = _join(who, _t("關係：{relation}").format(relation=relation))
    via = {
        "qr": _t("掃描領件 QR 碼"),
        "short": _t("輸入領件短碼"),
        "id_card": _t("查驗身分證件領件"),
    }.get(str(p.get("via", "")), "")
    return _join(who, via)


def _consent(p: Mapping[str, Any], zh: bool) -> str:
    names = DOCUMENT_FREE_KINDS if zh else DOCUMENT_FREE_KINDS_EN
    return _t("、").join(names.get(k, k) for k in p.get("kinds", []))


def _conflict(p: Mapping[str, Any], zh: bool) -> str:
    reason = p.get("reason_zh") if zh else p.get("reason_en")
    return str(reason or p.get("reason_code") or p.get("note") or "")


def _approval(p: Mapping[str, Any], zh: bool) -> str:
    """What a supervisor approved, who approved it and why: the row showed the reason alone,
    its 承辦人 the clerk who asked, so the timeline never said who let a void or a refund go."""
    from eservice_desktop.domain.case_state import APPROVAL_ACTIONS  # loaded with the case

    action = str(p.get("action") or "")
    label = APPROVAL_ACTIONS.get(action, (action, action))[0 if zh else 1]
    who = _t("核准主管 {account}").format(account=p.get("approved_by", ""))
    return _with_reason(_t("{action}：{who}").format(action=label, who=who) if label else who, p)


def _generic(p: Mapping[str, Any]) -> str:
    for key in ("reason", "note", "pickup_number"):
        value = p.get(key)
        if value:
            return str(value)
    return ""


def _received(
    p: Mapping[str, Any],
    service_name: Callable[[str], str] | None,
    quantity: Callable[[str, int], str] | None,
) -> str:
    code = str(p.get("service_code", ""))
    name = service_name(code) if service_name and code else code
    copies = p.get("copies")
    if copies and quantity is not None and isinstance(copies, int):
        return _join(name, quantity(code, copies))
    return _join(name, _t("{n} 份").format(n=copies) if copies else "")


def describe(
    event: Mapping[str, Any],
    *,
    zh: bool,
    applicant: str = "",
    service_name: Callable[[str], str] | None = None,
    quantity: Callable[[str, int], str] | None = None,
) -> str:
    """The details column of one timeline row (``event`` as in ``CaseView.events``);
    ``quantity(service_code, copies)`` says the copies in the unit the fee counts (2筆)."""
    t = str(event.get("type", ""))
    p: Mapping[str, Any] = event.get("payload") or {}
    if t == ev.RECEIVED:
        return _received(p, service_name, quantity)
    if t == ev.CONSENT_RECORDED:
        return _consent(p, zh)
    if t == ev.LOOKUP_DONE:
        return _consent({"kinds": [p.get("kind", "")]}, zh)
    if t == ev.IDENTITY_VERIFIED:
        return _identity(p)
    if t == ev.SUPPLEMENT_REQUESTED:
        items = ("、" if zh else ", ").join(str(i) for i in p.get("items") or [])
        by = roc_text(str(p.get("supply_by") or ""))
        return _join(str(p.get("reason") or ""), items, _t("{d} 前補件").format(d=by) if by else "")
    if t == ev.FEE_ASSESSED:
        return _fee(p)
    if t == ev.PAYMENT_RECORDED:
        return _payment(p)
    if t == ev.PAYMENT_REFUNDED:
        main = _t("退費 {amount} 元").format(amount=_money(p.get("amount")))
        return _with_reason(_join(main, _receipt(p)), p)
    if t in (ev.PAYMENT_VOIDED, ev.RECEIPT_VOIDED, ev.RECEIPT_REPRINTED, ev.RECEIPT_ISSUED):
        return _with_reason(_receipt(p), p)
    if t == ev.PAYMENT_METHOD_CORRECTED:  # the receipt stays as printed; the money moved
        return _method_corrected(p)
    if t == ev.ONLINE_RECEIPT_ISSUED:  # the row said nothing of the receipt it issued
        return _payment({**p, "method": "online"})
    if t == ev.PAYMENT_SETTLED:
        return _join(_receipt(p), str(p.get("settlement_number") or ""))
    if t == ev.READY_FOR_PICKUP:
        number = p.get("pickup_number")
        return _t("領件號碼 {number}").format(number=number) if number else ""
    if t == ev.PICKED_UP:
        return _pickup(p, applicant)
    if t in (ev.CONFLICT_RECORDED, ev.CONFLICT_RESOLVED):
        return _conflict(p, zh)
    if t == ev.APPROVAL_GRANTED:
        return _approval(p, zh)
    if t == ev.PHONE_CHANGED:
        return str(p.get("phone") or "")  # the new number (retention empties it)
    if t == ev.APPLICANT_CORRECTED:  # the corrected name and addresses, and why
        fields = p.get("fields")
        addresses = map(str, fields.values()) if isinstance(fields, Mapping) else ()
        named = _join(str(p.get("name") or ""), *addresses, str(p.get("email") or ""))
        return _with_reason(named, p)
    if t == ev.NOTICE_RESEND_REQUESTED:
        stage = str(p.get("stage", ""))
        return NOTICE_STAGE_LABELS.get(stage, (stage, stage))[0 if zh else 1]
    return _generic(p)
