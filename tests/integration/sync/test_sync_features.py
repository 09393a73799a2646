"""Clock skew, notifications (file and HTTP SMS gateways, retries that never block sync),
resumable content-addressed attachments, reference data (calendar, key rotation) by pull."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sync_faultproxy import FaultProxy
from sync_helpers import TEST_SECRET, CountyServer, enrol, new_case, sync_now

from eservice_desktop.config import Settings
from eservice_desktop.county import notify
from eservice_desktop.county import service as county_service
from eservice_desktop.county.asgi import open_vault
from eservice_desktop.county.store import (
    AttachmentRow,
    NotificationRow,
    create_schema,
    make_engine,
    utcnow,
)
from eservice_desktop.county_link.client import CountyClient, SyncError
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App, open_app
from eservice_desktop.storage.models_sync import SyncNotificationRow, SyncReferenceRow


def test_device_clock_off_by_an_hour(
    sqlite_county: CountyServer, tmp_path: Path, template_db: Path, db_key_dir: Path
) -> None:
    def skewed() -> datetime:
        return datetime.now(UTC) + timedelta(hours=1)

    def correct() -> datetime:
        return datetime.now(UTC)

    apps: list[App] = []
    for code, clock in (("H01", skewed), ("H02", correct)):
        d = tmp_path / code
        d.mkdir()
        shutil.copy(template_db, d / "eservice.sqlite3")
        apps.append(
            open_app(
                Settings(
                    data_dir=d,
                    office_code=code,
                    device_id="01",
                    county_url=sqlite_county.url,
                    db_key_dir=str(db_key_dir),
                ),
                clock=clock,
            )
        )
    h01, h02 = apps
    for a in apps:
        a.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        enrol(h01, sqlite_county)
        enrol(h02, sqlite_county)
        sync.install_clock_correction(h01)
        number = new_case(h01, pickup_office="H02")  # stamped an hour ahead: not learned yet
        r = sync_now(h01)
        assert abs(r.clock_offset_s + 3600) < 120
        assert abs((h01.now() - datetime.now(UTC)).total_seconds()) < 120  # corrected now
        assert sync.status(h01)["clock_offset_s"] == pytest.approx(r.clock_offset_s, abs=1)
        # H02 (correct clock) acts on the case: its event is "earlier" than the received one
        sync_now(h02)
        cases.request_supplement(h02, number, "缺少委託書")
        sync_now(h02)
        sync_now(h01)
        # order is the county's arrival order, not the clocks: nothing is reordered
        for app in (h01, h02):
            view = cases.show_case(app, number)
            assert [e["type"] for e in view.events][:3] == [
                ev.RECEIVED,
                ev.FEE_ASSESSED,
                ev.SUPPLEMENT_REQUESTED,
            ]
            assert view.status == "supplement_requested"
        # H01 now writes with county time; both offices compute the same deadline
        cases.record_supplement(h01, number, "補件")
        last = cases.show_case(h01, number).events[-1]
        assert abs((datetime.fromisoformat(last["at"]) - datetime.now(UTC)).total_seconds()) < 120
        sync_now(h01)
        sync_now(h02)
        assert cases.show_case(h01, number).due == cases.show_case(h02, number).due
    finally:
        for a in apps:
            a.close()


def test_notifications_are_sent_and_reported_to_the_office(
    county: CountyServer, office: Callable[..., App], qtbot: Any = None
) -> None:
    app = office()
    enrol(app, county)
    number = new_case(app, phone="0912345678")
    cases.request_supplement(app, number, "缺少委託書")
    sync_now(app)
    outbox = county.workdir / "outbox.jsonl"
    deadline = datetime.now(UTC) + timedelta(seconds=15)
    lines: list[dict[str, Any]] = []
    while datetime.now(UTC) < deadline:
        lines = [json.loads(x) for x in outbox.read_text().splitlines()] if outbox.exists() else []
        if len(lines) >= 2:
            break
        threading.Event().wait(0.2)
    assert [x["channel"] for x in lines] == ["sms", "sms"]
    assert number in lines[0]["body"] and "補正" in lines[1]["body"]
    assert all(x["to"] == "0912345678" for x in lines)
    assert "A123456789" not in outbox.read_text()  # never the ID number
    # The gateway has the line before the county records the notice as sent: a pull in
    # between still reads it queued (the office learns the outcome at the next round).
    county.wait_notices_sent()
    sync_now(app)
    with app.reading() as s:
        rows = list(s.scalars(select(SyncNotificationRow)))
    assert sorted(r.stage for r in rows) == ["received", "supplement_requested"]
    assert {r.status for r in rows} == {"sent"}


class _FlakySms(BaseHTTPRequestHandler):
    calls: list[dict[str, Any]] = []  # noqa: RUF012
    fail_first = 2

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append(body)
        if len(type(self).calls) <= type(self).fail_first:
            self.send_response(503)
            self.end_headers()
            return
        data = json.dumps({"id": f"sms-{len(type(self).calls)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_http_sms_gateway_failures_are_retried_and_never_block_push(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'county.sqlite3'}")
    create_schema(engine)
    now = utcnow()
    box = open_vault(engine, TEST_SECRET, now)
    sessions = sessionmaker(engine, expire_on_commit=False, info={"vault": box})
    with sessions() as s, s.begin():
        county_service.ensure_keys(s, now)
        dev, _cred = county_service.enrol(
            s, county_service.new_enrol_code(s, "H01", now), "01", "", now
        )
    httpd = HTTPServer(("127.0.0.1", 0), _FlakySms)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    gateway = notify.HttpSmsGateway(f"http://127.0.0.1:{httpd.server_port}/send", timeout=5)
    try:
        event = WireEvent.model_validate(
            {
                "event_id": "5b0e7c1a-3a1e-4c1b-9d59-0c6a0b1f2e01",
                "case_id": "8f1d7a4e-2b6c-4e0a-9c1f-3d2e1b0a9f88",
                "type": ev.RECEIVED,
                "office": "H01",
                "device": "01",
                "clerk": "c",
                "at": now.isoformat(),
                "payload": {
                    "case_number": "H01-01-115-000001-3",
                    "service_code": "HR-TRANSCRIPT",
                    "time_limit_working_days": 1,
                    "phone": "0912345678",
                    "applicant": {
                        "kind": "person",
                        "id_type": "national_id",
                        "id": "A123456789",
                        "name": "王小明",
                    },
                },
            }
        )
        with sessions() as s, s.begin():
            assert (
                county_service.push(s, s.merge(dev), [event], now).results[0].status == "accepted"
            )
        # the gateway is down twice: each dispatch round fails, the message waits, sync goes on
        for _attempt in (1, 2):
            assert notify.dispatch_due(sessions, gateway) == 1
            with sessions() as s, s.begin():
                row = s.scalar(select(NotificationRow))
                assert row is not None and row.status == "queued" and row.last_error
                row.next_attempt_at = utcnow()  # skip the back-off wait
        assert notify.dispatch_due(sessions, gateway) == 1
        with Session(engine) as s:
            row = s.scalar(select(NotificationRow))
            assert row is not None and row.status == "sent" and row.attempts == 3
        assert _FlakySms.calls[-1]["to"] == "0912345678" and _FlakySms.calls[-1]["type"] == "sms"
        assert notify.backoff(1) < notify.backoff(3) <= timedelta(hours=1)
    finally:
        httpd.shutdown()
        httpd.server_close()
        engine.dispose()


def test_attachment_upload_resumes_and_is_never_sent_twice(
    county: CountyServer,
    office: Callable[..., App],
    proxies: list[FaultProxy],
    tmp_path: Path,
) -> None:
    app = office()
    enrol(app, county)
    data = secrets.token_bytes(700_000)
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    sha = sync.add_attachment(app, path, media_type="application/pdf")
    assert sync.add_attachment(app, path) == sha  # same content, one entry
    proxy = FaultProxy(county.port)
    proxies.append(proxy)
    proxy.add("reset", path="/chunks/262144")  # the 2nd chunk is stored, its answer lost
    client = CountyClient(proxy.url, sync.credential(app), timeout=(2, 10))
    try:
        with pytest.raises(SyncError):
            sync.upload_attachments(app, client)
        assert sync.upload_attachments(app, client) == 1
        assert sync.upload_attachments(app, client) == 0
    finally:
        client.close()
    chunk_puts = [line for fault, line in proxy.log if "/chunks/" in line]
    assert len(chunk_puts) == 3  # 0, 262144 (reply lost), 524288: none twice
    engine = make_engine(county.db_url)
    with Session(engine) as s:
        row = s.get(AttachmentRow, ("H01", sha))
        assert row is not None and row.complete and row.size == len(data)
    engine.dispose()
    # another device of the office with the same scan: the county already has it
    other = office("H01", "02")
    enrol(other, county)
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(data)
    sync.add_attachment(other, copy)
    r = sync_now(other)
    assert r.attachments == 1
    assert len([line for _f, line in proxy.log if "/chunks/" in line]) == 3


def test_calendar_and_key_rotation_reach_the_office(
    county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    from sync_helpers import county_cli

    app = office()
    enrol(app, county)
    sync_now(app)
    csv = tmp_path / "2028.csv"
    csv.write_text(
        "西元日期,星期,是否放假,備註\n20280103,一,2,測試補假\n20280104,二,0,\n", encoding="utf-8"
    )
    county_cli("publish", "--db", county.db_url, "calendar", str(csv))
    out = json.loads(county_cli("keys", "rotate", "--db", county.db_url, "--json"))
    assert len(out["created"]) == 2
    sync_now(app)
    from datetime import date

    assert not app.calendar.is_working_day(date(2028, 1, 3))
    with app.reading() as s:
        keys = s.get(SyncReferenceRow, "county_keys")
        assert keys is not None and len(keys.data["keys"]) == 2
    from eservice_desktop.services import pickup_keys

    with app.reading() as s:
        assert len(pickup_keys.county_keys(s)) == 2  # the pickup desk imported both pickup keys
    # a catalogue update: applied at once, and by every process that opens the app later
    from eservice_desktop.storage import resources

    doc = resources.read_json("catalogue", "services.json")
    first = doc["services"][0]
    first["name"] = first["name"] + "（縣府更新）"
    catalogue_file = tmp_path / "services.json"
    catalogue_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    county_cli("publish", "--db", county.db_url, "catalogue", str(catalogue_file))
    sync_now(app)
    assert app.catalogue.service(first["code"]).name.endswith("（縣府更新）")
    reopened = open_app(app.settings, clock=app.clock)
    reopened.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        assert not reopened.catalogue.service(first["code"]).name.endswith("（縣府更新）")
        assert sync.load_county_reference(reopened)
        assert reopened.catalogue.service(first["code"]).name.endswith("（縣府更新）")
    finally:
        reopened.close()
    # a revocation list goes through the identity area's verification (garbage is refused,
    # sync goes on); ``publish crl`` refuses garbage itself, so it is fed here as a county of
    # an earlier build could have published it
    engine = make_engine(county.db_url)
    with Session(engine) as s, s.begin():
        bogus = {"kind": "crl", "name": "bogus.crl", "der_b64": "bm90IGEgY3Js"}
        county_service.publish(s, "revocation", bogus, utcnow())
    engine.dispose()
    assert sync_now(app).pending == 0
    with app.reading() as s:
        assert any(r.name.startswith("revocation:") for r in s.scalars(select(SyncReferenceRow)))
    stats = json.loads(county_cli("stats", "--db", county.db_url, "--json"))
    assert stats["events"] == 0 and "offices" in stats
    _ = os


def test_without_keyring_only_a_demo_device_enrols(
    sqlite_county_db: str,
    server_factory: Callable[[str], CountyServer],
    office: Callable[..., App],
) -> None:
    sqlite_county = server_factory(sqlite_county_db).start_in_thread(demo=True)
    import keyring
    from keyring.backends import fail

    from eservice_desktop.domain.errors import DomainError

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        prod = office("H01", "01", sqlite_county.url)
        with pytest.raises(DomainError) as e:
            sync.enrol(prod, sqlite_county.url, sqlite_county.enrol_code("H01"))
        assert e.value.code == "sync.no_keyring"
        assert sync.credential(prod) is None
        demo = office("H01", "02", sqlite_county.url)
        demo.settings.demo = True
        assert sync.run_round(demo).pending == 0  # enrols itself (credential in memory only)
        assert sync.credential(demo)
    finally:
        keyring.set_keyring(previous)


def test_a_demo_device_the_county_revoked_says_so_and_does_not_enrol_again(
    sqlite_county_db: str,
    server_factory: Callable[[str], CountyServer],
    office: Callable[..., App],
) -> None:
    """A demo device enrols itself again when the demo county forgot it (401); one the county
    revoked (403) read 「縣府伺服器拒絕此要求」 ("not in demo mode" in the log) instead."""
    from eservice_desktop.county.devices import revoke
    from eservice_desktop.county_link.client import AuthError, RequestRefused

    county = server_factory(sqlite_county_db).start_in_thread(demo=True)
    demo = office("H01", "02", county.url)
    demo.settings.demo = True
    assert sync.run_round(demo).pending == 0  # enrolled itself
    engine = make_engine(county.db_url)
    with Session(engine) as s, s.begin():
        assert revoke(s, "H01-02", utcnow())
    engine.dispose()
    with pytest.raises(AuthError) as e:
        sync.run_round(demo)
    assert e.value.status == 403
    assert e.value.message("zh_TW") == "無法與縣府伺服器同步（HTTP 403：本機憑證已被縣府撤銷）"
    import keyring

    # its credential gone (a demo without a keyring keeps it in memory): it asks for a code
    keyring.delete_password(sync.KEYRING_SERVICE, sync.keyring_account(demo))
    with pytest.raises(RequestRefused) as refused:
        sync.run_round(demo)
    assert "已撤銷" in refused.value.message("zh_TW"), refused.value.message("zh_TW")
    assert "revoked" in refused.value.message("en"), refused.value.message("en")


class _TinySmtp:
    """Just enough SMTP (RFC 5321) to receive one message per connection, on loopback; with
    ``auth``, a relay that offers AUTH (no STARTTLS). Keeps every command line and message."""

    def __init__(self, auth: bool = False) -> None:
        import socket

        self.auth = auth
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.commands: list[bytes] = []
        self.messages: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as rf:
                conn.sendall(b"220 tiny ESMTP\r\n")
                while line := rf.readline():
                    self.commands.append(line.strip())
                    cmd = line.strip().upper()
                    if cmd.startswith(b"EHLO") and self.auth:
                        conn.sendall(b"250-tiny\r\n250 AUTH PLAIN LOGIN\r\n")
                    elif cmd.startswith((b"EHLO", b"HELO")):
                        conn.sendall(b"250 tiny\r\n")
                    elif cmd.startswith(b"AUTH") and self.auth:
                        conn.sendall(b"235 accepted\r\n")
                    elif cmd == b"DATA":
                        conn.sendall(b"354 go\r\n")
                        data = b""
                        while (chunk := rf.readline()) not in (b".\r\n", b""):
                            data += chunk
                        self.messages.append(data)
                        conn.sendall(b"250 queued\r\n")
                    elif cmd == b"QUIT":
                        conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()


def test_smtp_gateway_sends_a_real_mail() -> None:
    import email

    server = _TinySmtp()
    try:
        gw = notify.gateway_from_spec(f"smtp://127.0.0.1:{server.port}")
        ref = gw.send("email", "citizen@example.tw", "案件 H01 辦理進度通知", "您的案件已收件。")
        assert ref.startswith("<")
        msg = email.message_from_bytes(server.messages[0])
        assert msg["To"] == "citizen@example.tw"
        assert "您的案件已收件" in msg.get_payload(decode=True).decode("utf-8")
        with pytest.raises(ValueError):
            gw.send("sms", "0912345678", "", "x")
    finally:
        server.close()
