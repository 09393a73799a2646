"""The citizen told that the case ended, on a real county server on loopback with its ``file:``
gateway: a withdrawal (撤件, asked by phone or made by the office) sent nothing, and the citizen
waited for a ready notice that would never come. The notice goes out once per withdrawal, even
when the office sends its batch again after a lost answer, and once when the pickup office pulls
the event; the case's notices list it, ``case show`` says it in words, and it can be resent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from approvals_support import add_accounts
from sync_faultproxy import FaultProxy
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.cli.main import main
from eservice_desktop.county_link.errors import SyncError
from eservice_desktop.services import cases, core, notices, payments, sync
from eservice_desktop.services.core import App

REASON = "民眾來電表示已改至他所辦理"


def _lines(county: CountyServer) -> list[dict[str, Any]]:
    path = county.workdir / "outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def _told(
    county: CountyServer, number: str, word: str = "已撤件", count: int = 1
) -> list[dict[str, Any]]:
    """The outbox's notices of the case saying ``word``, once there are ``count`` (then a
    moment more, for one too many to show)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [x for x in _lines(county) if number in x["body"] and word in x["body"]]
        if len(found) >= count:
            time.sleep(1.5)
            return [x for x in _lines(county) if number in x["body"] and word in x["body"]]
        time.sleep(0.2)
    raise AssertionError(f"no notice of {number} saying {word}: {_lines(county)}")


def _sent(app: App, number: str, stage: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        sync_now(app)
        if any(n.stage == stage and n.status == "sent" for n in notices.of_case(app, number)):
            return
        time.sleep(0.2)
    raise AssertionError(f"{stage} never reported sent: {notices.of_case(app, number)}")


def _text(app: App, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core, "system_clock", app.clock)
        rc = main(["--data-dir", str(app.settings.data_dir), *argv])
    return rc, capsys.readouterr().out


def _via(app: App, proxy: FaultProxy) -> sync.RoundResult:
    app.settings.county_url = proxy.url
    client = sync.make_client(app)
    try:
        return sync.sync_round(app, client)
    finally:
        client.close()


def test_a_withdrawal_is_told_once_even_when_its_batch_is_sent_again(
    office: Callable[..., App],
    sqlite_county: CountyServer,
    proxies: list[FaultProxy],
    capsys: pytest.CaptureFixture[str],
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    add_accounts(h01)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    payments.record_payment(h01, number, "cash", cases.load_case(h01, number).balance)
    sync_now(h01)
    cases.cancel_case(h01, number, REASON)
    proxy = FaultProxy(sqlite_county.port)
    proxies.append(proxy)
    proxy.add("reset", path="/v1/events")  # the county takes the batch, its answer is lost
    with pytest.raises(SyncError):
        _via(h01, proxy)
    proxy.wait_idle()
    assert _via(h01, proxy).duplicates >= 1  # the same batch again
    (notice,) = _told(sqlite_county, number)
    body = notice["body"]
    assert notice["channel"] == "sms" and notice["to"] == "0912345678"
    assert body.startswith("【桃園市桃園戶政事務所】") and "已撤件" in body
    assert "不會寄送領件通知" in body and "已繳規費新臺幣 15 元" in body
    # the clerk's reason is the case's record, never said to be sent; no personal data
    assert REASON not in body
    assert not any(x in body for x in ("王小明", "A123456789", "0912345678"))

    _sent(h01, number, "cancelled")
    rc, shown = _text(h01, capsys, "case", "show", number)
    assert rc == 0 and "notice: 撤件通知 簡訊 已送出 " in shown, shown
    rc, shown = _text(h01, capsys, "--lang", "en", "case", "show", number)
    assert "notice: Cancelled SMS Sent " in shown, shown
    # resent as the others are, the same text
    asked = notices.request_resend(h01, number, "cancelled")
    assert [n.channel for n in asked] == ["sms"]
    sync_now(h01)
    first, again = _told(sqlite_county, number, count=2)
    assert again["body"] == first["body"]


@pytest.mark.parametrize(("end", "stage", "word"), [
    ("cancel", "cancelled", "已撤件"), ("reject", "rejected", "未能核准"),
])  # fmt: skip
def test_an_ending_pulled_by_the_pickup_office_is_told_once(
    office: Callable[..., App], sqlite_county: CountyServer, end: str, stage: str, word: str
) -> None:
    """The pickup office pulls the filing office's withdrawal (or rejection) and pushes its own
    rounds: the county sends one notice, and both offices list it."""
    h01 = office("H01", "01", sqlite_county.url)
    h02 = office("H02", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    enrol(h02, sqlite_county)
    number = new_case(h01, pickup_office="H02")
    sync_now(h01)
    sync_now(h02)
    (cases.cancel_case if end == "cancel" else cases.reject_case)(h01, number, REASON)
    sync_now(h01)
    for _ in range(3):
        sync_now(h02)
    assert cases.load_case(h02, number).lifecycle == stage
    (notice,) = _told(sqlite_county, number, word)
    assert notice["body"].startswith("【桃園市桃園戶政事務所】")  # the office that ended it
    _sent(h02, number, stage)
    _sent(h01, number, stage)
    assert len(_told(sqlite_county, number, word)) == 1
