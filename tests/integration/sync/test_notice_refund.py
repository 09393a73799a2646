"""A refund told to the citizen, on a real county server on loopback with its ``file:``
gateway: money handed back (whole or in part) sent nothing, so a refund recorded that the
citizen never received showed nowhere but in the office's books. Told on a case ready for
pickup too, whose other events tell nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from approvals_support import add_accounts, supervisor_approval
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import cases, notices, payments
from eservice_desktop.services.core import App


def _refunds(county: CountyServer, number: str, count: int) -> list[dict[str, Any]]:
    path = county.workdir / "outbox.jsonl"
    deadline = time.monotonic() + 20
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        lines = path.read_text("utf-8").splitlines() if path.exists() else []
        found = [
            x for x in map(json.loads, lines) if number in x["body"] and "退還規費" in x["body"]
        ]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{len(found)} refund notices of {number}: {found}")


def _paid(app: App, number: str) -> str:
    return payments.record_payment(app, number, "cash", 15).receipt_number


def test_a_part_and_the_rest_of_a_refund_are_each_told(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    add_accounts(h01)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    receipt = _paid(h01, number)
    payments.refund(h01, receipt, 5, "溢收", approval=supervisor_approval())
    sync_now(h01)
    payments.refund(h01, receipt, 10, "民眾撤回申請", approval=supervisor_approval())
    sync_now(h01)
    part, rest = _refunds(sqlite_county, number, 2)
    assert "已退還規費新臺幣 5 元" in part["body"]
    assert f"收據號碼 {receipt}，原繳 15 元，退還部分" in part["body"]
    assert "已退還規費新臺幣 10 元" in rest["body"] and "已全數退還" in rest["body"]
    for said in (part, rest):
        assert said["to"] == "0912345678" and said["body"].startswith("【桃園市桃園戶政事務所】")
        assert "溢收" not in said["body"] and "民眾撤回申請" not in said["body"]
        assert "王小明" not in said["body"] and "A123456789" not in said["body"]
    deadline = time.monotonic() + 20
    while [n.status for n in notices.of_case(h01, number) if n.stage == "refunded"] != [
        "sent",
        "sent",
    ]:
        assert time.monotonic() < deadline, notices.of_case(h01, number)
        sync_now(h01)
        time.sleep(0.2)


def test_a_refund_on_a_case_ready_for_pickup_is_told(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """The county tells nothing of an event on a ready case (its ready notice stands); a refund
    is money handed back and is told all the same."""
    h01 = office("H01", "01", sqlite_county.url)
    add_accounts(h01)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    receipt = _paid(h01, number)
    cases.close_case(h01, number)
    sync_now(h01)  # the county makes it ready
    sync_now(h01)
    assert cases.load_case(h01, number).lifecycle == "ready_for_pickup"
    payments.refund(h01, receipt, 15, "重複收費", approval=supervisor_approval())
    sync_now(h01)
    (whole,) = _refunds(sqlite_county, number, 1)
    assert "已退還規費新臺幣 15 元" in whole["body"] and "已全數退還" in whole["body"]
