"""The citizen's status page (``GET /status``, docs/channels.md): one small HTML document,
zh-TW with English, readable on a phone without zooming and without JavaScript; every value
it shows is escaped."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from eservice_desktop.domain.case_number import parse_case_number
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc, roc_text

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
h2{font-size:22px;margin:20px 0 8px}
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


#: A message of the page: its zh-TW and its English words.
Words = tuple[str, str]

#: What the page says of a case number or ID characters that cannot be a case's: a citizen
#: who left out the check digit, or typed one digit wrong, was told 查無此案件 (no such case)
#: and thought the case lost. Format and check digit are no secret: nothing about any case.
NUMBER_FORM: Words = (
    "案號格式不符，請依收據或通知簡訊上的案號完整輸入，例如 H01-02-115-000042-6。",
    "The case number is incomplete; type all of it as on your receipt or SMS, "
    "e.g. H01-02-115-000042-6.",
)
NUMBER_CHECK: Words = (
    "案號有誤（最後一碼檢查碼不符），請再核對收據或通知簡訊上的案號。",
    "The case number has a typo (its last digit does not match); "
    "please check it against your receipt or SMS.",
)
LAST4_FORM: Words = (
    "身分證號末四碼請輸入 4 個英文字母或數字。",
    "Type the last four characters of your ID (4 letters or digits).",
)
NOT_FOUND: Words = ("查無此案件，或身分證號末四碼不符。", "No such case, or the ID does not match.")
#: Only the queries that found nothing count (channel_api: an address many share).
TOO_MANY_QUERIES: Words = (
    "錯誤查詢次數過多，請一分鐘後再試。",
    "Too many queries found nothing; please try again in a minute.",
)


def typed_problem(case_number: str, id_last4: str, number_pattern: str, last4: str) -> list[Words]:
    """Why what was typed (already folded) cannot name a case, none when it can: the number's
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
    return problems


def _bi(zh: str, en: str) -> str:
    """zh-TW, then the English marked as English: under the page's ``lang='zh-Hant-TW'`` a
    screen reader read every English word with its Chinese voice, letter by letter or not at
    all."""
    return f"{html.escape(zh)} <span lang='en'>{html.escape(en)}</span>"


def render_page(
    case_number: str, data: dict[str, Any] | None, messages: Sequence[Words] = ()
) -> str:
    """The page: the form, what was wrong with what was typed, the case when found. Its title
    says the outcome (what a screen reader reads first when the answer loads), the fields
    point at the message, and the answer has its own heading to jump to."""
    e = html.escape
    title = "案件進度查詢 Case status"
    if messages:
        title = f"{messages[0][0]} – {title}"
    elif data is not None:
        title = f"{data['status_label']} {data['status_label_en']} – {title}"
    parts = [
        "<!DOCTYPE html><html lang='zh-Hant-TW'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>案件進度查詢<br><small lang='en'>Case status</small></h1>",
        _form(case_number, bool(messages)),
    ]
    if messages:
        said = "<br>".join(_bi(zh, en) for zh, en in messages)
        parts.append(f"<p class='msg' id='message'>{said}</p>")
    if data is not None:
        parts.extend(_result(data))
    parts.append("</body></html>")
    return "".join(parts)


def _form(case_number: str, refused: bool) -> str:
    """The form; its fields described by the message when what was typed was refused."""
    e = html.escape
    described = " aria-describedby='message' aria-invalid='true'" if refused else ""
    return "".join(
        [
            # sent in the body: in the address it stayed in a shared browser's history
            "<form method='post' action='/status'>",
            f"<label for='case_number'>{_bi('案號', 'Case number')}</label>",
            # bounded as the ID's field is: a paste of any length was answered as a page in
            # the address, and the form's body is bounded by the server (413 beyond 64 KiB)
            f"<input id='case_number' name='case_number' value='{e(case_number)}' "
            f"maxlength='40' autocomplete='off' required{described}>",
            f"<label for='id_last4'>{_bi('身分證號末四碼', 'Last four characters of your ID')}"
            "</label>",
            f"<input id='id_last4' name='id_last4' maxlength='4' autocomplete='off' "
            f"required{described}>",
            f"<button id='query' type='submit'>{_bi('查詢', 'Look up')}</button></form>",
        ]
    )


def _result(data: dict[str, Any]) -> list[str]:
    e = html.escape
    parts = [
        "<section id='result' aria-labelledby='result_title'>",
        f"<h2 id='result_title'>{_bi('查詢結果', 'Result')}</h2>",
        f"<p>案號 <span lang='en'>Case number</span> <b id='number'>{e(data['case_number'])}</b>"
        f"<br>{_bi(data['service'], data['service_en'])}<br>"
        f"{_bi('申請人', 'Applicant')} {e(data['applicant_id_masked'])}</p>",
        f"<p>{_bi('目前狀態', 'Status')}: "
        f"<b id='status'>{_bi(data['status_label'], data['status_label_en'])}</b></p>",
        "<ol id='stages'>",
    ]
    for st in data["stages"]:
        zh, en = _STATE_TEXT[st["state"]]
        parts.append(
            f"<li class='{e(st['state'])}' data-stage='{e(st['key'])}' "
            f"data-state='{e(st['state'])}'>{_bi(st['label_zh'], st['label_en'])}："
            f"{_bi(zh, en)}</li>"
        )
    parts.append("</ol>")
    parts.extend(_reasons(data))
    parts.append(_pickup_line(data))
    if data["balance"]:
        parts.append(f"<p>{_bi('尚需繳費', 'Still due')}: NT${data['balance']:,}</p>")
    parts.append("</section>")
    return parts


def _reasons(data: dict[str, Any]) -> list[str]:
    """The office's reason for a rejection, or what to supply while a supplement is awaited:
    the page said 已駁回 with no reason, and the citizen had to phone to learn why (seed table
    7, 「申辦項目被駁回但看不到原因」)."""
    out = []
    if data.get("rejection_reason"):
        reason = html.escape(data["rejection_reason"])
        out.append(f"<p id='rejection'>{_bi('駁回理由', 'Reason for rejection')}：{reason}</p>")
    if data.get("supplement_reason"):
        reason = html.escape(data["supplement_reason"])
        out.append(f"<p id='supplement'>{_bi('應補正事項', 'To be supplied')}：{reason}</p>")
    if data.get("supplement_items"):
        items = html.escape("、".join(str(i) for i in data["supplement_items"]))
        out.append(f"<p id='supplement_items'>{_bi('應補文件', 'Documents')}：{items}</p>")
    if data.get("supplement_by"):
        by = html.escape(roc_text(str(data["supplement_by"])))
        out.append(f"<p id='supplement_by'>{_bi('補件期限', 'Supply by')}：{by}</p>")
    return out


def _pickup_line(data: dict[str, Any]) -> str:
    """Where the documents are collected: the pickup office, or the post for a case collected
    by mail (named the handling office as its pickup office, the page sent the citizen there
    for documents already in the post)."""
    if data.get("pickup_method") == "mail":
        sent = f"，{_bi('已結案寄出', 'sent by post')}" if data.get("mailed") else ""
        return (
            f"<p id='pickup_line'>{_bi('領件方式', 'Collection')}: "
            f"<b id='pickup'>{_bi('郵寄', 'By mail')}</b>{sent}</p>"
        )
    where = _bi(data["pickup_office_name"], data["pickup_office_name_en"])
    ready = f"，{_bi('可領件', 'ready for pickup')}" if data["ready_for_pickup"] else ""
    done = f"，{_bi('已領件', 'picked up')}" if data["picked_up"] else ""
    if data["picked_up"] and data.get("picked_up_at"):  # when: was it she who collected?
        at = datetime.fromisoformat(data["picked_up_at"]).astimezone(TAIPEI)
        zh, en = (
            f"已於 {format_roc(at.date())} {at:%H:%M} 領件",
            f"picked up on {at:%Y-%m-%d %H:%M}",
        )
        done = f"，{_bi(zh, en)}"
    return (
        f"<p id='pickup_line'>{_bi('領件地點', 'Pickup office')}: <b id='pickup'>{where}</b>"
        f"{ready}{done}</p>"
    )
