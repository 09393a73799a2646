"""TLS with the county CA pinned: the county's own CA is accepted, any other CA is refused,
plain http to a non-loopback host is refused before any byte is sent."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sync_helpers import TEST_SECRET, listening_socket, wait_http

from eservice_desktop.county.asgi import create_app
from eservice_desktop.county_link.client import ConfigError, CountyClient, Offline, SyncError


def _ca(name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def tls_county(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    import uvicorn

    ca_key, ca = _ca("Test County CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "county.test")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    (tmp_path / "server.pem").write_bytes(_pem(cert))
    (tmp_path / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "county-ca.pem").write_bytes(_pem(ca))
    (tmp_path / "other-ca.pem").write_bytes(_pem(_ca("Some Other CA")[1]))
    app = create_app(f"sqlite:///{tmp_path / 'county.sqlite3'}", secret=TEST_SECRET, dispatch=False)
    sock, port = listening_socket()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ssl_certfile=str(tmp_path / "server.pem"),
            ssl_keyfile=str(tmp_path / "server.key"),
        )
    )
    thread = threading.Thread(target=server.run, args=([sock],), daemon=True)
    thread.start()
    url = f"https://127.0.0.1:{port}"
    wait_http(url + "/v1/health", verify=str(tmp_path / "county-ca.pem"))
    yield url, tmp_path / "county-ca.pem", tmp_path / "other-ca.pem"
    server.should_exit = True
    thread.join(10)


def test_pinned_ca_accepted_other_refused(tls_county: tuple[str, Path, Path]) -> None:
    url, county_ca, other_ca = tls_county
    good = CountyClient(url, ca_file=str(county_ca))
    try:
        assert good.health()["status"] == "ok"
    finally:
        good.close()
    bad = CountyClient(url, ca_file=str(other_ca))
    try:
        with pytest.raises(ConfigError):
            bad.health()
    finally:
        bad.close()
    with pytest.raises(ConfigError):
        CountyClient(url)  # https without a pinned CA is refused outright


def test_the_refusal_names_what_to_correct(tls_county: tuple[str, Path, Path]) -> None:
    """IT reads which setting is wrong (it was one sentence, "county URL or certificate", for
    all of them), and a CA file that is not there is a ConfigError, not an OSError without a
    file name ("無法存取 （OSError）")."""
    from eservice_desktop.county_link.errors import sync_error_message

    url, _county_ca, other_ca = tls_county
    garbage = other_ca.with_name("not-a-cert.pem")
    garbage.write_text("hello", encoding="utf-8")

    def refusal(base: str, ca_file: str = "") -> str:
        with pytest.raises(ConfigError) as refused:
            client = CountyClient(base, ca_file=ca_file)
            try:
                client.health()
            finally:
                client.close()
        return sync_error_message(refused.value, "en")

    assert "certificate does not verify" in refusal(url, str(other_ca))
    assert "county_ca_file" in refusal(url, str(garbage))
    assert "missing or unreadable" in refusal(url, str(other_ca.with_name("gone.pem")))
    assert "needs the county CA certificate" in refusal(url)
    assert "must start with https://" in refusal("ftp://county.test")
    assert "use https" in refusal("http://county.test")
    assert "malformed" in refusal("http://127.0.0.1:99999")
    zh = sync_error_message(ConfigError("county CA file missing or unreadable"), "zh_TW")
    assert "找不到或無法讀取縣府 CA 憑證檔" in zh


def test_answers_over_tls_tell_browsers_to_keep_to_https(
    tls_county: tuple[str, Path, Path],
) -> None:
    """The citizen's status page (and every answer) over TLS carries Strict-Transport-Security:
    without it a browser asked the county over http first whenever the citizen typed its name
    without https://, and anyone on that network could answer in its place."""
    import requests

    url, county_ca, _other = tls_county
    for path in ("/status", "/status?case_number=H01-00-115-000001-0&id_last4=6789", "/v1/health"):
        r = requests.get(url + path, verify=str(county_ca), timeout=10)
        assert r.status_code in (200, 404), path
        assert r.headers["strict-transport-security"] == "max-age=31536000", path
        assert r.headers["cache-control"] == "no-store"


class _Door:
    """A TCP port that, once the client's hello arrives, closes (a line or a firewall dropping
    the connection mid-handshake) or answers plain HTTP (no TLS on that port)."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.sock, self.port = listening_socket()
        self.sock.listen(8)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(4096)
                    conn.sendall(self.answer)
                except OSError:
                    pass


@pytest.mark.parametrize(
    ("answer", "error", "en", "zh"),
    [
        (
            b"",
            Offline,
            "Cannot reach the county server (the connection broke off during the secure "
            "(TLS) handshake)",
            "無法連線縣府伺服器（建立安全連線（TLS）時連線中斷）",
        ),
        (
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
            ConfigError,
            "The sync settings are wrong (nothing at the county URL's port speaks TLS; check "
            "the URL and the port); call IT",
            "同步設定不正確（縣府網址的連接埠未提供安全連線（TLS），請確認網址與連接埠），請洽資訊人員",
        ),
    ],
    ids=["dropped-mid-handshake", "no-tls-there"],
)
def test_a_handshake_that_fails_on_the_way_is_not_said_a_certificate(
    tls_county: tuple[str, Path, Path], answer: bytes, error: type, en: str, zh: str
) -> None:
    """A connection dropped during the TLS handshake (a flapping line) was a ConfigError,
    "the certificate does not verify … call IT", and waited a minute or more before the next
    round; it is Offline, retried as any dropped line. Plain HTTP on the port said the same
    of a certificate that was never sent."""
    _url, county_ca, _other = tls_county
    door = _Door(answer)
    client = CountyClient(f"https://127.0.0.1:{door.port}", ca_file=str(county_ca))
    try:
        with pytest.raises(SyncError) as failed:
            client.health()
    finally:
        client.close()
        door.sock.close()
    assert type(failed.value) is error
    assert failed.value.message("en") == en
    assert failed.value.message() == zh
    assert failed.value.transient is (error is Offline)
