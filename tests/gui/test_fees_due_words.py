"""Fees still due: the window says what to do in the window, the command line keeps its text."""

from __future__ import annotations

import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import FEES_DUE, fees_due_error
from eservice_desktop.gui.error_text import fees_due_refusal, refusal_of

_CLI_WORDS = ("payment record", "payment assess", "--exempt", "--reason", "指令")


def test_the_command_lines_refusal_is_unchanged() -> None:
    e = fees_due_error(1500, ev.CLOSED)
    assert (e.code, e.field, e.extra) == (FEES_DUE, "balance", {"amount": 1500})
    assert e.message_zh == (
        "尚有規費 1,500 元未繳，不能結案。請先收費（規費收費頁 F6，或指令 payment record），"
        "或經核准免徵並記錄理由（payment assess --exempt --reason）。"
    )
    assert e.message_en == (
        "NT$1,500 in fees is still due, so you cannot close the case. Take the payment first "
        "(Fees page F6, or `payment record`), or record an approved exemption with its reason "
        "(`payment assess --exempt --reason`)."
    )


@pytest.mark.parametrize(
    ("event_type", "zh_action", "en_action"),
    [
        (ev.CLOSED, "不能結案", "cannot close the case"),
        (ev.PICKED_UP, "不能交付文件", "cannot hand"),
    ],
)
def test_the_window_names_its_own_keys_not_commands(
    event_type: str, zh_action: str, en_action: str
) -> None:
    said = refusal_of(fees_due_error(30, event_type))
    assert (said.code, said.extra) == (FEES_DUE, {"amount": 30})
    assert zh_action in said.message_zh and en_action in said.message_en
    for text in (said.message_zh, said.message_en):
        assert "F6" in text and "Alt+A" in text
        assert not [w for w in _CLI_WORDS if w in text], text
    assert "「規費收費」" in said.message_zh and "「免徵」" in said.message_zh
    assert "主管核准" in said.message_zh
    assert "Fees and receipts" in said.message_en and "Exempt" in said.message_en
    assert "supervisor" in said.message_en


def test_a_handover_refusal_names_the_case() -> None:
    said = fees_due_refusal(15, ev.PICKED_UP, "1130001234")
    assert said.message_zh.startswith("案件 1130001234：尚有規費 15 元未繳，不能交付文件。")
    assert said.message_en.startswith("Case 1130001234: NT$15 in fees is still due")
