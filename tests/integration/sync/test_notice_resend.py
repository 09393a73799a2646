"""Notice outcomes on the case and the clerk's resend, on loopback with the county's ``file:``
gateway: the office sees queued then sent; ``case resend-notice`` records an event, the next
push makes the county send the same notice again; queued/retrying/failed are reported."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.cli.main import main
from eservice_desktop.county import notice_outcomes, notify
from eservice_desktop.county.store import (
    FeedRow,
    NotificationRow,
    create_schema,
    make_engine,
    utcnow,
)
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Event
from eservice_desktop.services import core, notices
from eservice_desktop.services.core import App


def outbox(srv: CountyServer, n: int, seconds: float = 15.0) -> list[dict[str, Any]]:
    path = srv.workdir / "outbox.jsonl"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            lines = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
            if len(lines) >= n:
                return lines
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} messages in the outbox")


def cli(app: App, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        # a command on the office's PC reads its clock (then adds the county's offset)
        mp.setattr(core, "system_clock", app.clock)
        rc = main(
            ["--data-dir", str(app.settings.data_dir), "--office", "H01", "--device", "01",
             "--lang", "en", *argv, "--json"]
        )  # fmt: skip
    out = capsys.readouterr().out
    return rc, json.loads(out) if out.strip() else None


def test_outcomes_show_on_the_case_and_a_resend_sends_the_notice_again(
    office: Callable[..., App],
    sqlite_county: CountyServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    sync_now(h01)
    first = outbox(sqlite_county, 1)
    assert number in first[0]["body"]
    sync_now(h01)
    rc, shown = cli(h01, capsys, "case", "show", number)
    assert rc == 0
    notes = shown["notices"]
    assert [(n["stage"], n["channel"], n["status"]) for n in notes] == [("received", "sms", "sent")]
    sent_at = notes[0]["at"]
    # nothing to resend for a stage the case never reached
    rc, err = cli(h01, capsys, "case", "resend-notice", number, "--stage", "rejected")
    assert rc == 2 and err["error"] == "notice.none"
    rc, ok = cli(h01, capsys, "case", "resend-notice", number, "--stage", "received")
    assert rc == 0 and ok["channels"] == ["sms"]
    # asked twice before the county answered: refused, it would send the notice twice
    rc, err = cli(h01, capsys, "case", "resend-notice", number, "--stage", "received")
    assert rc == 2 and err["error"] == "notice.resend_pending"
    _rc, shown = cli(h01, capsys, "case", "show", number)
    assert ev.NOTICE_RESEND_REQUESTED in [e["type"] for e in shown["events"]]
    sync_now(h01)  # the event reaches the county, which queues the notice again
    lines = outbox(sqlite_county, 2)
    assert lines[1]["body"] == lines[0]["body"] and lines[1]["to"] == lines[0]["to"]
    sync_now(h01)
    _rc, shown = cli(h01, capsys, "case", "show", number)
    (note,) = shown["notices"]
    assert note["status"] == "sent" and note["at"] > sent_at
    # and it can be sent again once the outcome is back
    rc, _ok = cli(h01, capsys, "case", "resend-notice", number, "--stage", "received")
    assert rc == 0


def test_the_text_forms_say_the_notices_in_words(
    office: Callable[..., App],
    sqlite_county: CountyServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``case show`` listed ``notice: received sms sent`` and ``resend-notice`` said
    重送「received」 in codes, where the window's 民眾通知 list says 收件通知 簡訊 已送出."""
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    sync_now(h01)
    outbox(sqlite_county, 1)
    deadline = time.monotonic() + 30
    while [n.status for n in notices.of_case(h01, number)] != ["sent"]:  # the outcome pulled
        assert time.monotonic() < deadline, "the county never reported the notice sent"
        sync_now(h01)
        time.sleep(0.1)

    def text(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(core, "system_clock", h01.clock)
            rc = main(["--data-dir", str(h01.settings.data_dir), *argv])
        said = capsys.readouterr()
        return rc, said.out, said.err

    shown = text("case", "show", number)[1]
    assert "notice: 收件通知 簡訊 已送出 " in shown and "notice: received" not in shown, shown
    assert "notice: Received SMS Sent " in text("--lang", "en", "case", "show", number)[1]
    rc, _, err = text("case", "resend-notice", number, "--stage", "rejected")
    assert rc == 2 and err == "本案沒有「駁回通知」可重送（rejected）\n"
    rc, out, _ = text("case", "resend-notice", number, "--stage", "received")
    assert rc == 0 and out == "已要求縣府重送「收件通知」（下次同步送出）\n"


class Flaky:
    def __init__(self, fail: int) -> None:
        self.fail = fail
        self.sent: list[str] = []

    def send(
        self, channel: str, recipient: str, subject: str, body: str, attachment: Any = None
    ) -> str:
        if self.fail > 0:
            self.fail -= 1
            raise ConnectionError("gateway down")
        self.sent.append(body)
        return "ref"


def test_the_county_reports_queued_retrying_sent_failed_and_requeues_on_resend(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'county.sqlite3'}")
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    now = utcnow()
    case_id = str(uuid.uuid4())
    e = Event(str(uuid.uuid4()), case_id, ev.RECEIVED, "H01", "01", "tester", now, {})
    with sessions() as s, s.begin():
        notify.queue(s, e, [notify.Message("sms", "received", "0912345678", "subj", "hi")], now)

    def statuses(s: Session) -> list[str]:
        rows = s.scalars(
            select(FeedRow).where(FeedRow.kind == "notification").order_by(FeedRow.seq)
        )
        return [r.data["status"] for r in rows]

    gw = Flaky(fail=1)
    assert notify.dispatch_due(sessions, gw) == 1
    with sessions() as s, s.begin():
        assert statuses(s) == ["queued", "retrying"]
        row = s.scalars(select(NotificationRow)).one()
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
    notify.dispatch_due(sessions, gw)
    with sessions() as s, s.begin():
        assert statuses(s) == ["queued", "retrying", "sent"]
        assert notice_outcomes.resend(s, case_id, "received", utcnow()) == 1
        assert notice_outcomes.resend(s, case_id, "received", utcnow()) == 0  # still queued
        assert notice_outcomes.resend(s, case_id, "rejected", utcnow()) == 0
    gw.fail = notify.MAX_ATTEMPTS
    for _ in range(notify.MAX_ATTEMPTS):
        with sessions() as s, s.begin():
            s.scalars(select(NotificationRow)).one().next_attempt_at = utcnow() - timedelta(1)
        notify.dispatch_due(sessions, gw)
    with sessions() as s:
        got = statuses(s)
    assert got[:4] == ["queued", "retrying", "sent", "queued"]
    assert got[-1] == "failed" and got.count("retrying") == notify.MAX_ATTEMPTS
    assert gw.sent == ["hi"]
    engine.dispose()
