"""Issue 13 at the county, over raw HTTP on loopback: the office check before a credential is
issued, rate limits per source and per account (429 + Retry-After, another office unaffected),
and the county's secrets sealed at rest (a wrong passphrase does not start the server)."""

from __future__ import annotations

import base64
import http.client
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import TEST_SECRET, CountyServer

from eservice_desktop.county import operators as county_operators
from eservice_desktop.county import service
from eservice_desktop.county.asgi import open_vault
from eservice_desktop.county.edge import (
    ENROL_OFFICE_RATE,
    ENROL_RATE,
    LOGIN_ACCOUNT_RATE,
    LOGIN_WINDOW_S,
)
from eservice_desktop.county.store import (
    DeviceAuditRow,
    DeviceRow,
    EnrolCodeRow,
    KeyRow,
    make_engine,
    utcnow,
)
from eservice_desktop.county.vault import PASSPHRASE_ENV

PASSWORD = "correct horse 42"


@pytest.fixture
def srv(sqlite_county_db: str, server_factory: Callable[[str], CountyServer]) -> CountyServer:
    return server_factory(sqlite_county_db).start_in_thread()


@pytest.fixture
def county_sessions(srv: CountyServer) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(srv.db_url)
    box = open_vault(engine, TEST_SECRET, utcnow())
    yield sessionmaker(engine, expire_on_commit=False, info={"vault": box})
    engine.dispose()


def _post(
    srv: CountyServer,
    path: str,
    body: dict[str, Any],
    source: str = "127.0.0.1",
    credential: str = "",
) -> tuple[int, dict[str, str], Any]:
    """A raw HTTP/1.1 POST from the given loopback source address."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30, source_address=(source, 0))
    try:
        headers = {"Content-Type": "application/json"}
        if credential:
            headers["Authorization"] = f"Bearer {credential}"
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(data or b"null")
    finally:
        conn.close()


def _count(sessions: sessionmaker[Session], row: type) -> int:
    with sessions() as s:
        return len(s.scalars(select(row)).all())


def _enrolled(sessions: sessionmaker[Session], office: str) -> str:
    with sessions() as s, s.begin():
        code = service.new_enrol_code(s, office, utcnow())
        return service.enrol(s, code, "01", "t", utcnow(), office=office)[1]


# --- enrolment: the office is checked before anything is issued -------------------------------


def test_a_code_for_another_office_is_refused_not_burned_no_device(
    srv: CountyServer, county_sessions: sessionmaker[Session]
) -> None:
    code = srv.enrol_code("L01")
    status, _h, body = _post(srv, "/v1/enrol", {"code": code, "device": "01", "office": "H01"})
    assert status == 409
    assert body["code"] == "enrol.office_mismatch"
    assert "L01" in body["message_zh"] and "H01" in body["message_zh"]
    assert "L01" in body["message_en"] and "H01" in body["message_en"]
    assert _count(county_sessions, DeviceRow) == 0
    assert _count(county_sessions, DeviceAuditRow) == 0
    with county_sessions() as s:
        (row,) = s.scalars(select(EnrolCodeRow)).all()
        assert row.used_at is None and row.used_by is None
    # the code still enrols a device of its own office
    status, _h, body = _post(srv, "/v1/enrol", {"code": code, "device": "01", "office": "L01"})
    assert status == 200 and body["device_key"] == "L01-01"
    assert _count(county_sessions, DeviceRow) == 1


def test_an_office_device_is_told_why_and_keeps_no_credential(
    srv: CountyServer, office: Callable[..., Any]
) -> None:
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services import sync

    app = office("H01", "01", url=srv.url)
    with pytest.raises(DomainError) as err:
        sync.enrol(app, srv.url, srv.enrol_code("L01"))
    assert err.value.code == "sync.enrol_office"
    assert "L01" in err.value.message_zh
    assert sync.credential(app) is None


# --- rate limits ---------------------------------------------------------------------------


def test_enrolment_is_limited_per_office_and_per_source(srv: CountyServer) -> None:
    # failed attempts naming H01, from several addresses: the office limit
    for i in range(ENROL_OFFICE_RATE):
        status, _h, _b = _post(
            srv,
            "/v1/enrol",
            {"code": f"WRONG-{i:06d}", "device": "01", "office": "H01"},
            source=f"127.0.1.{i + 1}",
        )
        assert status == 403
    good_h01 = srv.enrol_code("H01")
    status, headers, _b = _post(
        srv, "/v1/enrol", {"code": good_h01, "device": "01", "office": "H01"}, "127.0.1.99"
    )
    assert status == 429
    assert 1 <= int(headers["retry-after"]) <= 600
    # another office enrols at once, even from an address that tried for H01
    status, _h, body = _post(
        srv,
        "/v1/enrol",
        {"code": srv.enrol_code("H02"), "device": "01", "office": "H02"},
        "127.0.1.1",
    )
    assert status == 200 and body["office"] == "H02"

    # one address: ENROL_RATE attempts, whatever office they name, then 429
    for i in range(ENROL_RATE):
        status, _h, _b = _post(
            srv,
            "/v1/enrol",
            {"code": f"GUESS-{i:06d}", "device": "01", "office": f"Z{i:02d}"},
            source="127.0.2.1",
        )
        assert status == 403
    status, headers, _b = _post(
        srv,
        "/v1/enrol",
        {"code": srv.enrol_code("H03"), "device": "01", "office": "H03"},
        "127.0.2.1",
    )
    assert status == 429 and 1 <= int(headers["retry-after"]) <= 60
    # the same office from its own address is not affected
    status, _h, body = _post(
        srv,
        "/v1/enrol",
        {"code": srv.enrol_code("H03"), "device": "01", "office": "H03"},
        "127.0.2.2",
    )
    assert status == 200 and body["office"] == "H03"


def test_operator_password_checks_are_limited_per_account_and_per_source(
    srv: CountyServer, county_sessions: sessionmaker[Session]
) -> None:
    now = utcnow()
    with county_sessions() as s, s.begin():
        for office, account in (("H01", "a01"), ("H01", "a02"), ("H02", "b01")):
            county_operators.add(
                s, office, account, name="王", roles=["clerk"], password=PASSWORD, now=now
            )
    h01, h02 = _enrolled(county_sessions, "H01"), _enrolled(county_sessions, "H02")

    def check(cred: str, account: str, password: str, source: str = "127.0.0.1") -> Any:
        return _post(
            srv,
            "/v1/operators/verify",
            {"account": account, "password": password},
            source=source,
            credential=cred,
        )

    status, _h, body = check(h01, "a01", PASSWORD)
    assert status == 200 and body["ok"] is True and body["roles"] == ["clerk"]
    for _ in range(LOGIN_ACCOUNT_RATE):
        status, _h, body = check(h01, "a01", "wrong password")
        assert status == 200 and body["ok"] is False and body["reason"] == "auth.bad_password"
    # the N+1th: refused before the password is even looked at, the right one too
    status, headers, _b = check(h01, "a01", PASSWORD)
    assert status == 429 and int(headers["retry-after"]) >= 1
    # the office's other account and another office's account are not affected
    assert check(h01, "a02", PASSWORD)[2]["ok"] is True
    assert check(h02, "b01", PASSWORD)[2]["ok"] is True
    # another office's device cannot check H01's accounts (each office sees its own)
    assert check(h02, "a02", PASSWORD)[2]["reason"] == "auth.unknown_account"

    # one address: every check counts, then 429 for any account (the server's limiter, with
    # a smaller N than LOGIN_SOURCE_RATE: each check costs an argon2 verification)
    limiter = srv.app_limits().login_source
    limiter.rate = 4
    for i in range(limiter.rate):
        status, _h, _b = check(h01, f"x{i:02d}", "guess", source="127.0.3.1")
        assert status == 200
    status, headers, _b = check(h01, "a02", PASSWORD, source="127.0.3.1")
    assert status == 429 and 1 <= int(headers["retry-after"]) <= LOGIN_WINDOW_S
    assert check(h02, "b01", PASSWORD, source="127.0.3.2")[2]["ok"] is True


# --- secrets at rest -------------------------------------------------------------------------


def _cli(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str, stdin: str = "") -> int:
    """The county command in this process, with exactly the ESERVICE_COUNTY_* variables given."""
    import io

    from eservice_desktop.county import cli

    for k in list(os.environ):
        if k.startswith("ESERVICE_COUNTY_"):
            monkeypatch.delenv(k)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(list(args))


def _private_keys(db_url: str, secret: bytes) -> list[bytes]:
    engine = make_engine(db_url)
    try:
        box = open_vault(engine, secret, utcnow())
        with Session(engine) as s:
            return [
                box.open(r.private_key, f"county-key:{r.key_id}") for r in s.scalars(select(KeyRow))
            ]
    finally:
        engine.dispose()


def _bytes_of(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_signing_keys_and_hashes_are_sealed_and_a_wrong_passphrase_does_not_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "county"
    data.mkdir()
    db_url = f"sqlite:///{data / 'county.sqlite3'}"
    srv = CountyServer(db_url, data).start()  # a real server process, passphrase by env
    try:
        # it signs (a pickup key and a receipt key exist) and provisions an operator hash
        secret = {PASSPHRASE_ENV: TEST_SECRET.decode()}
        add = ("operator", "add", "a01", "--db", db_url, "--office", "H01", "--name", "王小明")
        assert (
            _cli(
                monkeypatch,
                secret,
                *add,
                "--role",
                "clerk",
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
            == 0
        )
        assert "H01 a01" in capsys.readouterr().out
        r = requests.get(srv.url + "/v1/health", timeout=10)
        assert r.status_code == 200
    finally:
        srv.stop()
    keys = _private_keys(db_url, TEST_SECRET)
    assert len(keys) == 2 and all(len(k) == 32 for k in keys)
    blob = _bytes_of(data)
    for raw in keys:
        for form in (raw, base64.b64encode(raw), raw.hex().encode(), raw.hex().upper().encode()):
            assert form not in blob
    assert b"$argon2id$" not in blob  # the operator's hash is sealed too

    # a wrong passphrase: refused at start with a clear message, nothing served
    wrong = {PASSPHRASE_ENV: "not the county passphrase"}
    assert _cli(monkeypatch, wrong, "serve", "--db", db_url, "--port", str(srv.port)) == 2
    err = capsys.readouterr().err
    assert "密語或金鑰檔錯誤" in err and "伺服器未啟動" in err and "Wrong" not in err
    serve_en = ("--lang", "en", "serve", "--db", db_url, "--port", str(srv.port))
    assert _cli(monkeypatch, wrong, *serve_en) == 2
    err = capsys.readouterr().err
    assert "Wrong passphrase or key file" in err and "the server did not start" in err
    # none given at all
    assert _cli(monkeypatch, {}, "serve", "--db", db_url, "--port", str(srv.port)) == 2
    err = capsys.readouterr().err
    assert PASSPHRASE_ENV in err and "--key-file" in err
    # the keys still open with the right one, unchanged
    assert _private_keys(db_url, TEST_SECRET) == keys


def test_a_key_file_and_a_passphrase_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    key_file = tmp_path / "county.key"
    key_file.write_bytes(os.urandom(32).hex().encode())
    by_file = ("--key-file", str(key_file), "--db", db_url)

    assert _cli(monkeypatch, {}, "keys", "rotate", *by_file) == 0
    keys = _private_keys(db_url, key_file.read_bytes())
    assert len(keys) == 2
    # a passphrase is not the key file
    other = {PASSPHRASE_ENV: "some other passphrase"}
    assert _cli(monkeypatch, other, "keys", "rotate", "--db", db_url, "--lang", "en") == 2
    err = capsys.readouterr().err  # of a server nobody asked for: said what came of the rotation
    assert "Wrong passphrase" in err and "nothing was changed" in err and "server" not in err
    # change to a passphrase: the keys stay the same, the key file no longer opens them
    new = {"ESERVICE_COUNTY_NEW_PASSPHRASE": "a new county passphrase"}
    assert _cli(monkeypatch, new, "secret", "change", *by_file) == 0
    assert _private_keys(db_url, b"a new county passphrase") == keys
    assert _cli(monkeypatch, {}, "keys", "rotate", *by_file) == 2
    # too short a passphrase never seals a new database
    short = {PASSPHRASE_ENV: "short"}
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert _cli(monkeypatch, short, "keys", "rotate", "--db", fresh) == 2
    assert "12" in capsys.readouterr().err


def test_keys_stored_in_clear_by_an_older_build_are_sealed_at_start(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    from eservice_desktop.county.asgi import create_app
    from eservice_desktop.county.store import create_schema

    db_url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    engine = make_engine(db_url)
    create_schema(engine)
    raw = Ed25519PrivateKey.generate()
    priv = raw.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    pub = raw.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with Session(engine) as s, s.begin():
        s.add(
            KeyRow(
                key_id="re-20250101-abcdef",
                purpose="receipt",
                private_key=base64.b64encode(priv).decode(),
                public_key=base64.b64encode(pub).decode(),
                created_at=utcnow(),
            )
        )
    engine.dispose()
    app = create_app(db_url, secret=TEST_SECRET, dispatch=False)
    with app.state.sessions() as s:
        key_id, key = service.signing_key(s, "receipt")
        row = s.get(KeyRow, "re-20250101-abcdef")
        assert row is not None and row.private_key.startswith("sealed1:")
    app.state.engine.dispose()
    assert key_id == "re-20250101-abcdef"
    assert key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()) == priv
    assert base64.b64encode(priv) not in (tmp_path / "county.sqlite3").read_bytes()
