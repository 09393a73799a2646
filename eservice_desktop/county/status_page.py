"""The citizen's status page (``GET /status``, docs/channels.md): one small HTML document,
zh-TW with English, readable on a phone without zooming and without JavaScript; every value
it shows is escaped."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any

from eservice_desktop.domain.case_number import parse_case_number
from eservice_desktop.domain.errors import DomainError

_STATE_TEXT = {
    "done": ("已完成", "done"),
    "current": ("進行中", "in progress"),
    "pending": ("尚未", "not yet"),
    "not_needed": ("不需要", "not needed"),
}

_CSS = """
body{font-family:"Noto Sans CJK TC","Noto Sans TC",sans-serif;font-size:20px;line-height:1.5;
margin:0;padding:16px;max-width:640px;color:#111;background:#fff}
h1{font-size:26px;margin:0 0 12px}
label{display:block;margin-top:12px}
input{font-size:22px;padding:10px;width:100%;box-sizing:border-box}
button{font-size:22px;padding:12px 20px;margin-top:16px;width:100%}
ol{list-style:none;padding:0}
li{border:2px solid #999;border-radius:8px;padding:12px;margin:10px 0}
li.done{border-color:#1a7f37;background:#e9f7ee}
li.current{border-color:#bf5b00;background:#fff4e5}
.msg{color:#a40000;font-weight:bold}
"""


def _style_hash(css: str) -> str:
    return base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()


#: The page's own headers: it runs no script and loads nothing, its one style is the inline
#: ``_CSS`` (by its hash), its form goes to this server only, and no other site frames it (a
#: page over the citizen's would catch the ID's last four characters).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_style_hash(_CSS)}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
}


#: What the page says of a case number or ID characters that cannot be a case's: a citizen
#: who left out the check digit, or typed one digit wrong, was told 查無此案件 (no such case)
#: and thought the case lost. Format and check digit are no secret: nothing about any case.
NUMBER_FORM = (
    "案號格式不符，請依收據或通知簡訊上的案號完整輸入，例如 H01-02-115-000042-6。 "
    "The case number is incomplete; type all of it as on your receipt or SMS, "
    "e.g. H01-02-115-000042-6."
)
NUMBER_CHECK = (
    "案號有誤（最後一碼檢查碼不符），請再核對收據或通知簡訊上的案號。 "
    "The case number has a typo (its last digit does not match); "
    "please check it against your receipt or SMS."
)
LAST4_FORM = (
    "身分證號末四碼請輸入 4 個英文字母或數字。 "
    "Type the last four characters of your ID (4 letters or digits)."
)
NOT_FOUND = "查無此案件，或身分證號末四碼不符。 No such case, or the ID does not match."


def typed_problem(case_number: str, id_last4: str, number_pattern: str, last4: str) -> str:
    """Why what was typed (already folded) cannot name a case, "" when it can: the number's
    form, its check digit, the four characters' form."""
    problems = []
    if not re.fullmatch(number_pattern, case_number):
        problems.append(NUMBER_FORM)
    else:
        try:
            parse_case_number(case_number)
        except DomainError:
            problems.append(NUMBER_CHECK)
    if not re.fullmatch(last4, id_last4):
        problems.append(LAST4_FORM)
    return " ".join(problems)


def render_page(case_number: str, data: dict[str, Any] | None, message: str) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='zh-Hant-TW'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>案件進度查詢 Case status</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>案件進度查詢<br><small>Case status</small></h1>",
        # sent in the body: in the address it stayed in a shared browser's history
        "<form method='post' action='/status'>",
        "<label for='case_number'>案號 Case number</label>",
        # bounded as the ID's field is: a paste of any length was answered as a page in the
        # address, and the form's body is bounded by the server (413 beyond 64 KiB)
        f"<input id='case_number' name='case_number' value='{e(case_number)}' "
        "maxlength='40' autocomplete='off' required>",
        "<label for='id_last4'>身分證號末四碼 Last four characters of your ID</label>",
        "<input id='id_last4' name='id_last4' maxlength='4' autocomplete='off' required>",
        "<button id='query' type='submit'>查詢 Look up</button></form>",
    ]
    if message:
        parts.append(f"<p class='msg' id='message'>{e(message)}</p>")
    if data is not None:
        parts.append("<section id='result'>")
        parts.append(
            f"<p>案號 <b id='number'>{e(data['case_number'])}</b><br>"
            f"{e(data['service'])} {e(data['service_en'])}<br>"
            f"申請人 Applicant {e(data['applicant_id_masked'])}</p>"
        )
        parts.append(
            f"<p>目前狀態 Status: <b id='status'>{e(data['status_label'])} "
            f"{e(data['status_label_en'])}</b></p><ol id='stages'>"
        )
        for st in data["stages"]:
            zh, en = _STATE_TEXT[st["state"]]
            parts.append(
                f"<li class='{e(st['state'])}' data-stage='{e(st['key'])}' "
                f"data-state='{e(st['state'])}'>{e(st['label_zh'])} {e(st['label_en'])}："
                f"{zh} {en}</li>"
            )
        parts.append("</ol>")
        parts.extend(_reasons(data))
        parts.append(_pickup_line(data))
        if data["balance"]:
            parts.append(f"<p>尚需繳費 Still due: NT${data['balance']:,}</p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


def _reasons(data: dict[str, Any]) -> list[str]:
    """The office's reason for a rejection, or what to supply while a supplement is awaited:
    the page said 已駁回 with no reason, and the citizen had to phone to learn why (seed table
    7, 「申辦項目被駁回但看不到原因」)."""
    out = []
    if data.get("rejection_reason"):
        reason = html.escape(data["rejection_reason"])
        out.append(f"<p id='rejection'>駁回理由 Reason for rejection：{reason}</p>")
    if data.get("supplement_reason"):
        reason = html.escape(data["supplement_reason"])
        out.append(f"<p id='supplement'>應補正事項 To be supplied：{reason}</p>")
    return out


def _pickup_line(data: dict[str, Any]) -> str:
    """Where the documents are collected: the pickup office, or the post for a case collected
    by mail (named the handling office as its pickup office, the page sent the citizen there
    for documents already in the post)."""
    if data.get("pickup_method") == "mail":
        sent = "，已結案寄出 sent by post" if data.get("mailed") else ""
        return f"<p id='pickup_line'>領件方式 Collection: <b id='pickup'>郵寄 By mail</b>{sent}</p>"
    where = f"{data['pickup_office_name']} {data['pickup_office_name_en']}"
    ready = "，可領件 ready for pickup" if data["ready_for_pickup"] else ""
    done = "，已領件 picked up" if data["picked_up"] else ""
    return (
        f"<p id='pickup_line'>領件地點 Pickup office: <b id='pickup'>{html.escape(where)}</b>"
        f"{ready}{done}</p>"
    )
