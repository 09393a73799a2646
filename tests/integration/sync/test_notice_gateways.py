"""The county's gateways carry the MMS picture (file: a PNG beside the JSON line; SMTP: a mail
attachment; HTTP: multipart), tested against real servers on loopback; the dispatcher renders the
picture from the county's own ready event and drops a payment-due notice once the fee is paid."""

from __future__ import annotations

import email
import email.policy
import json
import os
import stat
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import TEST_SECRET
from test_sync_features import _TinySmtp

from eservice_desktop.county import notify
from eservice_desktop.county import service as county_service
from eservice_desktop.county.asgi import open_vault
from eservice_desktop.county.store import (
    CountyEventRow,
    DeviceRow,
    FeedRow,
    NotificationRow,
    create_schema,
    make_engine,
    utcnow,
)
from eservice_desktop.county_link import pickup_crypto
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.pickup_verify import verify_token
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.storage import resources

PNG = b"\x89PNG\r\n\x1a\n" + b"picture-bytes"


def _parse_mail(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_file_gateway_writes_the_picture_beside_the_line(tmp_path: Path) -> None:
    path = tmp_path / "out" / "outbox.jsonl"
    gw = notify.FileGateway(path)
    gw.send("sms", "0912345678", "s", "text only")
    ref = gw.send(
        "mms", "0912345678", "s", "with picture", notify.Attachment("p.png", "image/png", PNG)
    )
    plain, mms = (json.loads(x) for x in path.read_text(encoding="utf-8").splitlines())
    assert "attachment" not in plain
    assert mms["ref"] == ref and mms["channel"] == "mms"
    assert mms["attachment"] == f"outbox-{ref}.png" and mms["attachment_type"] == "image/png"
    assert (path.parent / mms["attachment"]).read_bytes() == PNG
    assert {p.name for p in path.parent.iterdir()} == {"outbox.jsonl", mms["attachment"]}


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_file_gateway_outbox_and_pictures_are_the_servers_only(tmp_path: Path) -> None:
    """The outbox holds the citizens' mobiles and the pictures release their documents: they
    were made with the umask (0644), readable by every account on the county's machine."""
    path = tmp_path / "outbox.jsonl"
    old = tmp_path / "older.jsonl"
    old.write_text("", encoding="utf-8")
    old.chmod(0o644)  # an older build's outbox, made with the umask
    previous = os.umask(0o022)
    try:
        gw = notify.FileGateway(path)
        ref = gw.send("mms", "0912345678", "s", "b", notify.Attachment("p.png", "image/png", PNG))
        notify.FileGateway(old).send("sms", "0912345678", "s", "b")
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == {"outbox.jsonl": 0o600, f"outbox-{ref}.png": 0o600, "older.jsonl": 0o600}
    assert json.loads(old.read_text(encoding="utf-8"))["to"] == "0912345678"


def test_smtp_gateway_attaches_the_picture_and_relays_mms() -> None:
    server = _TinySmtp()
    try:
        gw = notify.gateway_from_spec(f"smtp://127.0.0.1:{server.port}?mms_domain=mms.example.tw")
        picture = notify.Attachment("pickup.png", "image/png", PNG)
        gw.send("mms", "0912345678", "領件通知", "請出示本簡訊條碼", picture)
        gw.send("email", "citizen@example.tw", "領件通知", "請出示條碼", picture)
        for raw, to in zip(
            server.messages, ["0912345678@mms.example.tw", "citizen@example.tw"], strict=True
        ):
            msg = _parse_mail(raw)
            assert msg["To"] == to
            body = msg.get_body(("plain",))
            assert body is not None and "條碼" in body.get_content()
            [att] = list(msg.iter_attachments())
            assert att.get_content_type() == "image/png"
            assert att.get_filename() == "pickup.png"
            assert att.get_content() == PNG
        # without a relay domain an MMS cannot go by mail
        with pytest.raises(ValueError):
            notify.gateway_from_spec(f"smtp://127.0.0.1:{server.port}").send(
                "mms", "0912345678", "", "x", picture
            )
    finally:
        server.close()


class _Provider(BaseHTTPRequestHandler):
    requests: list[EmailMessage] = []  # noqa: RUF012

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        type(self).requests.append(_parse_mail(head + raw))
        data = json.dumps({"id": f"mms-{len(type(self).requests)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[str]:
    _Provider.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/send"
    httpd.shutdown()
    httpd.server_close()


def _form(msg: EmailMessage) -> dict[str, Any]:
    """The request's fields (a JSON body's values as UTF-8 bytes, like a form's)."""
    if msg.get_content_type() == "application/json":
        body = msg.get_payload(decode=True)
        assert isinstance(body, bytes)
        return {k: str(v).encode() for k, v in json.loads(body).items()}
    assert msg.get_content_type() == "multipart/form-data"
    out: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        out[str(name)] = part.get_payload(decode=True)
        if part.get_filename():
            out[f"{name}.type"] = part.get_content_type()
    return out


def test_http_gateway_sends_the_picture_multipart(provider: str) -> None:
    gw = notify.HttpSmsGateway(provider, timeout=5)
    ref = gw.send(
        "mms", "0912345678", "s", "請出示本簡訊條碼", notify.Attachment("p.png", "image/png", PNG)
    )
    assert ref == "mms-1"
    assert _Provider.requests[0].get_content_type() == "multipart/form-data"
    form = _form(_Provider.requests[0])
    assert form["to"] == b"0912345678" and form["type"] == b"mms"
    assert form["text"].decode("utf-8") == "請出示本簡訊條碼"
    assert form["image"] == PNG and form["image.type"] == "image/png"


# --- the dispatcher on a county database ------------------------------------------------------


@pytest.fixture
def county(tmp_path: Path) -> Iterator[tuple[sessionmaker[Session], DeviceRow]]:
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
    yield sessions, dev
    engine.dispose()


CASE_ID = "8f1d7a4e-2b6c-4e0a-9c1f-3d2e1b0a9f88"


def _push(
    county: tuple[sessionmaker[Session], DeviceRow], type_: str, payload: dict[str, Any]
) -> None:
    sessions, dev = county
    now = utcnow()
    wire = WireEvent.model_validate(
        {
            "event_id": str(uuid.uuid4()),
            "case_id": CASE_ID,
            "type": type_,
            "office": "H01",
            "device": "01",
            "clerk": "c",
            "at": now.isoformat(),
            "payload": payload,
        }
    )
    with sessions() as s, s.begin():
        result = county_service.push(s, s.merge(dev), [wire], now).results[0]
    assert result.status == "accepted", result


def _receive(county: tuple[sessionmaker[Session], DeviceRow]) -> None:
    _push(
        county,
        ev.RECEIVED,
        {
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
            "pickup": {"method": "other_office", "office": "L02"},
        },
    )


def _rows(sessions: sessionmaker[Session]) -> list[NotificationRow]:
    with sessions() as s:
        return list(s.scalars(select(NotificationRow).order_by(NotificationRow.created_at)))


def _release_holds(sessions: sessionmaker[Session]) -> None:
    with sessions() as s, s.begin():
        for row in s.scalars(select(NotificationRow)):
            row.next_attempt_at = utcnow() - timedelta(seconds=1)


def test_dispatcher_sends_the_ready_mms_picture_multipart(
    county: tuple[sessionmaker[Session], DeviceRow], provider: str
) -> None:
    sessions, _dev = county
    doc = resources.read_json("catalogue", "services.json")
    for service in doc["services"]:
        if service["code"] == "HR-TRANSCRIPT":
            service["mms_pickup"] = True
    with sessions() as s, s.begin():
        county_service.publish(s, "catalogue", doc, utcnow())
    _receive(county)
    _push(county, ev.CLOSED, {})
    gateway = notify.HttpSmsGateway(provider, timeout=5)
    assert notify.dispatch_due(sessions, gateway) == 2
    received, ready = (_form(m) for m in _Provider.requests)
    assert "image" not in received and received["type"] == b"sms"
    assert ready["type"] == b"mms" and ready["image.type"] == "image/png"
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(BytesIO(ready["image"])))]
    with sessions() as s:
        event = s.scalar(select(CountyEventRow).where(CountyEventRow.type == ev.READY_FOR_PICKUP))
        assert event is not None
    assert decoded == [event.payload["token"]]
    text = ready["text"].decode("utf-8")
    assert pt.short_code(event.payload["token"]) in text
    assert "桃園市中壢地政事務所" in text  # L02 by its name


def test_payment_due_waits_and_is_dropped_once_paid(
    county: tuple[sessionmaker[Session], DeviceRow], tmp_path: Path
) -> None:
    sessions, _dev = county
    gateway = notify.FileGateway(tmp_path / "outbox.jsonl")
    _receive(county)
    _push(county, ev.FEE_ASSESSED, {"total": 45, "items": []})
    # sent right away: the receipt notice only; the fee notice is held
    assert notify.dispatch_due(sessions, gateway) == 1
    due = [r for r in _rows(sessions) if r.stage == "payment_due"]
    assert len(due) == 1 and due[0].status == "queued"
    assert "應繳規費新臺幣 45 元" in due[0].body
    # the clerk takes the fee at the counter before the hold ends
    _push(
        county,
        ev.PAYMENT_RECORDED,
        {"payment_id": str(uuid.uuid4()), "method": "cash", "amount": 45},
    )
    _release_holds(sessions)
    assert notify.dispatch_due(sessions, gateway) == 1
    [row] = [r for r in _rows(sessions) if r.stage == "payment_due"]
    assert row.status == "superseded"
    lines = [json.loads(x) for x in gateway.path.read_text(encoding="utf-8").splitlines()]
    assert [x["body"] for x in lines if "規費" in x["body"]] == []
    with sessions() as s:
        reported = [
            (f.office, f.data["status"])
            for f in s.scalars(
                select(FeedRow).where(FeedRow.kind == "notification").order_by(FeedRow.seq)
            )
            if f.data["stage"] == "payment_due"
        ]
    # each office of the case (the filing one, the pickup one) sees what became of it
    for office in ("H01", "L02"):
        assert [st for o, st in reported if o == office] == ["queued", "superseded"]


def test_payment_due_is_sent_when_the_fee_is_still_owed(
    county: tuple[sessionmaker[Session], DeviceRow], tmp_path: Path
) -> None:
    sessions, _dev = county
    gateway = notify.FileGateway(tmp_path / "outbox.jsonl")
    _receive(county)
    _push(county, ev.FEE_ASSESSED, {"total": 45, "items": []})
    _release_holds(sessions)
    assert notify.dispatch_due(sessions, gateway) == 2
    bodies = [json.loads(x)["body"] for x in gateway.path.read_text("utf-8").splitlines()]
    assert any("應繳規費新臺幣 45 元" in b for b in bodies)


def test_the_pickup_deadline_the_citizen_is_told_is_good_all_that_day(
    county: tuple[sessionmaker[Session], DeviceRow],
) -> None:
    """The ready notice says 請於民國…日前 … 領件 (the MMS picture: 領件期限 that date): the code
    is good at the desk until that day ends. It was good for 30 × 24 hours from its issue, so a
    citizen coming that afternoon to a code issued in the morning was told it had expired."""
    sessions, _dev = county
    _receive(county)
    _push(county, ev.CLOSED, {})
    with sessions() as s:
        event = s.scalar(select(CountyEventRow).where(CountyEventRow.type == ev.READY_FOR_PICKUP))
        assert event is not None
        document = county_service.pickup_key_document(s, utcnow())
    keys = {k.kid: k for k in pt.parse_key_document(document)}
    token = str(event.payload["token"])
    claims = pt.parse_claims(pt.token_bytes(token))
    last_day = claims.issued_at.astimezone(TAIPEI).date() + timedelta(days=30)
    [ready] = [r for r in _rows(sessions) if r.stage == "ready_for_pickup"]
    assert f"請於{format_roc(last_day)}前" in ready.body

    def at_desk(day: datetime) -> pt.PickupClaims:
        return verify_token(token, keys, pickup_crypto.verify_ed25519, now=day, office="L02")

    assert at_desk(datetime.combine(last_day, time(23, 59), TAIPEI)) == claims
    with pytest.raises(pt.PickupRefused) as refused:
        at_desk(datetime.combine(last_day + timedelta(days=1), time(8, 0), TAIPEI))
    assert refused.value.reason == pt.EXPIRED


class _HangingGateway:
    """A provider that answers only when told to (one that hangs until the client's timeout)."""

    def __init__(self) -> None:
        self.entered, self.release = threading.Event(), threading.Event()

    def send(self, channel: str, recipient: str, subject: str, body: str, attachment: Any) -> str:
        self.entered.set()
        self.release.wait(30)
        return "ref-1"


def test_a_hanging_gateway_holds_up_no_write_of_the_county(
    county: tuple[sessionmaker[Session], DeviceRow],
) -> None:
    """The county writes on while a send hangs: the dispatcher called the gateway inside its
    transaction, so the SQLite county's write lock was held until the gateway answered and
    every push, application and status query waited (18-30 s, then 500)."""
    sessions, _dev = county
    _receive(county)
    gateway = _HangingGateway()
    sender = threading.Thread(target=notify.dispatch_due, args=(sessions, gateway))
    sender.start()
    wrote = threading.Event()

    def write() -> None:
        with sessions() as s, s.begin():
            s.execute(text("DELETE FROM county_enrol_codes WHERE 1 = 0"))
        wrote.set()

    try:
        assert gateway.entered.wait(30)
        threading.Thread(target=write, daemon=True).start()
        assert wrote.wait(5), "a write waited for the gateway"
    finally:
        gateway.release.set()
        sender.join(30)
    assert [r.status for r in _rows(sessions)] == ["sent"]


def test_smtp_gateway_takes_its_sender_login_and_starttls_from_the_spec() -> None:
    """``--gateway smtp://…`` could name only host and port: every mail went out from
    noreply@example.gov.tw, without logging in to the county's relay and in clear."""
    import base64

    server = _TinySmtp(auth=True)
    env = {notify.PASSWORD_ENV: "relay pass 123"}
    try:
        spec = f"smtp://notices@127.0.0.1:{server.port}?from=notice@county.gov.tw"
        gw = notify.gateway_from_spec(spec, env)
        gw.send("email", "citizen@example.tw", "領件通知", "請出示條碼")
        msg = _parse_mail(server.messages[0])
        assert msg["From"] == "notice@county.gov.tw" and msg["To"] == "citizen@example.tw"
        auth = [c for c in server.commands if c.upper().startswith(b"AUTH")]
        assert len(auth) == 1
        said = auth[0].split()[-1]
        assert base64.b64decode(said) == b"\0notices\0relay pass 123"
        # STARTTLS asked of a relay that does not offer it: nothing goes in clear
        before = len(server.messages)
        tls = notify.gateway_from_spec(f"smtp://127.0.0.1:{server.port}?starttls=1", env)
        with pytest.raises(Exception, match="STARTTLS"):
            tls.send("email", "citizen@example.tw", "s", "body")
        assert len(server.messages) == before
    finally:
        server.close()
    for bad in (
        "smtp://notices@relay:25",  # a login without its password
        "smtp://relay:25?from=nobody",
    ):
        with pytest.raises(ValueError):
            notify.gateway_from_spec(bad, {})
    with pytest.raises(notify.GatewaySecretInSpec):
        notify.gateway_from_spec("smtp://notices:pw@relay:25", env)


class _KeyedProvider(BaseHTTPRequestHandler):
    authorizations: list[str] = []  # noqa: RUF012

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).authorizations.append(self.headers.get("Authorization", ""))
        ok = self.headers.get("Authorization") == "Bearer provider-key-7"
        data = json.dumps({"id": "sms-1"} if ok else {"error": "no key"}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_sms_provider_gets_its_token_from_the_environment() -> None:
    """A provider that asks for a key refused every message: the token could not be given."""
    _KeyedProvider.authorizations = []
    httpd = HTTPServer(("127.0.0.1", 0), _KeyedProvider)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/send"
        gw = notify.gateway_from_spec(url, {notify.TOKEN_ENV: "provider-key-7"})
        assert gw.send("sms", "0912345678", "", "您的案件已收件") == "sms-1"
        assert _KeyedProvider.authorizations == ["Bearer provider-key-7"]
    finally:
        httpd.shutdown()
        httpd.server_close()
