"""``eservice-county-server serve``: the sync API, with what can be checked before the database
is opened refused at once as every other command refuses (one line, zh-TW / English, exit 2):
an address this machine cannot listen on (a port another server holds, a host name DNS cannot
hold), TLS files that are no PEM certificate and key, a notification gateway it cannot use.
Before, uvicorn logged its own English line (exit 3) or Python printed a traceback."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eservice_desktop.county.cli_common import (
    Refused,
    add_command,
    add_key_file,
    add_listen_options,
    county_secret,
    db_url,
    unlock_refused,
)
from eservice_desktop.county.cli_lang import said
from eservice_desktop.county.notify_gateways import (
    PASSWORD_ENV,
    GatewaySecretInSpec,
    GatewaySecretMissing,
)
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.domain.values import printable, printable_path

#: Why an address cannot be listened on: (zh-TW, English), by errno.
_LISTEN_REASONS = {
    errno.EADDRINUSE: ("已有其他程式在此位址接聽", "another program listens there"),
    errno.EADDRNOTAVAIL: ("不是本機的位址", "not an address of this machine"),
    errno.EACCES: (
        "沒有權限（1024 以下的連接埠須系統權限）",
        "permission denied (ports below 1024)",
    ),
}


def _default_outbox(url: str) -> Path:
    if url.startswith("sqlite:///") and len(url) > 10:
        return Path(url[10:]).resolve().parent / "notifications.jsonl"
    return Path("notifications.jsonl").resolve()


def check_listen(host: str, port: int) -> None:
    """Refused when the server could not listen on ``host:port`` (checked by binding it once,
    as uvicorn binds it: with SO_REUSEADDR, so only a listener there refuses)."""
    where = f"{printable(host, 80)}:{port}"
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError):
        raise Refused(
            f"--host {printable(host, 80)} 不是本機可接聽的位址或主機名稱",
            f"--host {printable(host, 80)} is no address or host name to listen on",
        ) from None
    family, kind, proto, _name, address = found[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as e:
            text = e.strerror or type(e).__name__
            zh, en = _LISTEN_REASONS.get(e.errno or 0, (text, text))
            raise Refused(
                f"無法在 {where} 接聽（{zh}）", f"Cannot listen on {where} ({en})"
            ) from None


class _KeyEncrypted(Exception):
    """The TLS private key asked for a pass phrase."""


def _no_pass_phrase() -> bytes:
    """Asked for the pass phrase of an encrypted key: there is none to give. Without this,
    OpenSSL asked for it on the terminal (``Enter PEM pass phrase:``, twice), a service
    without one then failed as if the files did not match, and a pass phrase typed at the
    check was asked again when uvicorn loaded the key."""
    raise _KeyEncrypted


def check_tls(cert: str, key: str) -> None:
    """Refused when ``--tls-cert`` / ``--tls-key`` are missing or no PEM certificate and its
    key (the one-line ``Cannot access  ([SSL] PEM lib …)`` before, naming no file)."""
    import ssl

    for option, path in (("--tls-cert", cert), ("--tls-key", key)):
        if path and not Path(path).is_file():
            shown = printable_path(path)
            raise Refused(f"找不到 {option} 檔案 {shown}", f"No {option} file at {shown}")
    if not cert:
        if key:
            raise Refused("--tls-key 須與 --tls-cert 一起指定", "--tls-key needs --tls-cert")
        return
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
            cert, key or None, password=_no_pass_phrase
        )
    except _KeyEncrypted:
        shown = printable_path(key or cert)
        raise Refused(
            f"TLS 私鑰 {shown} 以密語加密，伺服器無法在無人操作下開啟：請解密另存"
            "（openssl pkey -in 加密檔 -out 私鑰檔），並設為僅伺服器帳號可讀（chmod 0400）",
            f"The TLS private key {shown} is encrypted with a pass phrase, which the server "
            "cannot be given unattended: save it decrypted (openssl pkey -in ENCRYPTED -out "
            "KEY) and readable by the server's account only (chmod 0400)",
        ) from None
    except (ssl.SSLError, OSError, ValueError):
        files = printable_path(cert) + (f", {printable_path(key)}" if key else "")
        raise Refused(
            f"--tls-cert / --tls-key（{files}）不是相符的 PEM 憑證與私鑰",
            f"--tls-cert / --tls-key ({files}) are no matching PEM certificate and key",
        ) from None
    check_validity(cert)


#: Days before its end from which the server's certificate is said to expire soon (as the
#: office's doctor says it, services/doctor/report.py).
CERT_WARN_DAYS = 30


def check_validity(cert: str, now: datetime | None = None) -> None:
    """Refused when the certificate has expired or is not valid yet (every office, pinned to
    the county's CA, and every citizen's browser refuse it: the server started and served
    nobody, and said nothing); a line on stderr when it ends within :data:`CERT_WARN_DAYS`."""
    from cryptography import x509

    try:
        found = x509.load_pem_x509_certificate(Path(cert).read_bytes())
    except (OSError, ValueError):
        return  # what OpenSSL took and this reader does not: OpenSSL's word stands
    now = now or datetime.now(UTC)
    shown = printable_path(cert)
    end, start = found.not_valid_after_utc, found.not_valid_before_utc
    if end <= now:
        raise Refused(
            f"--tls-cert {shown} 的憑證已於 {roc_minute(end)} 到期，各事務所與民眾的瀏覽器都會"
            "拒絕連線：請先更新憑證",
            f"The certificate in --tls-cert {shown} expired on {end:%Y-%m-%d %H:%M} UTC: every "
            "office and every citizen's browser would refuse the connection; renew it first",
        )
    if start > now:
        raise Refused(
            f"--tls-cert {shown} 的憑證自 {roc_minute(start)} 起才生效（請檢查本機時鐘）",
            f"The certificate in --tls-cert {shown} is not valid before "
            f"{start:%Y-%m-%d %H:%M} UTC (check this machine's clock)",
        )
    days = (end - now).days
    if days < CERT_WARN_DAYS:
        print(
            said(
                f"注意：--tls-cert {shown} 的憑證將於 {roc_minute(end)} 到期（剩 {days} 天），"
                "請及早更新",
                f"Note: the certificate in --tls-cert {shown} expires on "
                f"{end:%Y-%m-%d %H:%M} UTC (in {days} days); renew it before then",
            ),
            file=sys.stderr,
            flush=True,
        )


def gateway_of(spec: str, url: str) -> Any:
    """The notification gateway ``--gateway`` names (the file beside the database when none);
    Refused for one it cannot use (a traceback before)."""
    from eservice_desktop.county import notify

    if not spec:
        return notify.FileGateway(_default_outbox(url))
    try:
        return notify.gateway_from_spec(spec, dict(os.environ))
    except GatewaySecretInSpec:
        raise Refused(
            f"--gateway 不可含密碼（命令列人人可見）：請以環境變數 {PASSWORD_ENV} 提供",
            "--gateway must hold no password (anyone can read a command line): give it in "
            f"{PASSWORD_ENV}",
        ) from None
    except GatewaySecretMissing:
        shown = printable(spec, 80)
        raise Refused(
            f"--gateway {shown} 須有 SMTP 帳號的密碼：請以環境變數 {PASSWORD_ENV} 提供",
            f"--gateway {shown} needs the SMTP account's password: give it in {PASSWORD_ENV}",
        ) from None
    except ValueError:
        shown = printable(spec, 80)
        raise Refused(
            f"--gateway {shown} 無法使用：須為 file:路徑、smtp://主機:連接埠 或 https://簡訊業者網址",
            f"--gateway {shown} cannot be used: give file:PATH, smtp://host:port or "
            "https://sms-provider/...",
        ) from None


def _say_no_gateway(url: str) -> None:
    """Without ``--gateway`` the citizens' notices are only written to a file beside the
    database (the development gateway), and each is reported ``sent`` to the offices: a county
    started without it told every clerk 已送出 for a year of SMS and MMS nobody received, and
    said nothing. It still starts (a county may have no gateway yet), and says so."""
    where = printable_path(str(_default_outbox(url)))
    print(
        said(
            f"注意：未指定 --gateway，民眾通知只寫入檔案 {where}，不會寄出"
            "（事務所仍顯示已送出）；正式上線請指定 smtp:// 或 https:// 閘道",
            f"Note: no --gateway: the citizens' notices are only written to {where} and "
            "not sent (the offices see them as sent); give an smtp:// or https:// gateway "
            "in production",
        ),
        file=sys.stderr,
        flush=True,
    )


def _loopback_only(host: str) -> bool:
    """Whether every address ``host`` stands for is this machine's loopback."""
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        return all(ipaddress.ip_address(a[4][0]).is_loopback for a in found)
    except (OSError, UnicodeError, ValueError):
        return False


def _say_plain_http(host: str) -> None:
    """Plain http on an address other machines reach, with no TLS proxy named in front: no
    office can sync (a counter sends plain http to a loopback county only) and the citizens'
    status queries cross the network in clear. The server started and said nothing; it still
    starts (a proxy may be in front unnamed), and says so."""
    shown = printable(host, 80)
    print(
        said(
            f"注意：在 {shown} 以未加密的 http 接聽：事務所只以 https 連線其他電腦上的縣府伺服器，"
            "民眾的查詢也未加密；請指定 --tls-cert／--tls-key，或以 --trusted-proxy 指名前方的 "
            "TLS 反向代理",
            f"Note: listening on {shown} over plain http: offices reach a county on another "
            "machine over https only, and the citizens' queries cross the network in clear; "
            "give --tls-cert/--tls-key, or name the TLS proxy in front with --trusted-proxy",
        ),
        file=sys.stderr,
        flush=True,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from eservice_desktop.county import vault
    from eservice_desktop.county.asgi import create_app
    from eservice_desktop.county.http_server import CountyHttpServer, server_config

    url = db_url(args)
    check_tls(args.tls_cert, args.tls_key)
    check_listen(args.host, args.port)
    gateway = gateway_of(args.gateway, url)
    secret = county_secret(args, demo=args.demo)
    try:
        app = create_app(
            url,
            secret=secret,
            demo=args.demo,
            gateway=gateway,
            client_timeout_s=args.client_timeout,
        )
    except (vault.WrongSecret, vault.WeakSecret) as e:
        raise unlock_refused(e, serving=True) from None
    if args.demo:
        _seed_demo(app, args.demo_office)
    elif not args.gateway:
        _say_no_gateway(url)
    if not (args.tls_cert or args.trusted_proxy or _loopback_only(args.host)):
        _say_plain_http(args.host)
    config = server_config(
        app,
        args.host,
        args.port,
        client_timeout_s=args.client_timeout,
        trusted_proxies=args.trusted_proxy,
        ssl_certfile=args.tls_cert or None,
        ssl_keyfile=args.tls_key or None,
    )
    CountyHttpServer(config).run()
    return 0


def _seed_demo(app: Any, office: str) -> None:
    """A demo server's enrolment code for ``office`` (printed), look-up records and targets."""
    from eservice_desktop.county import lookups, service
    from eservice_desktop.county.demo_targets import seed_demo_targets
    from eservice_desktop.county.notify import county_catalogue
    from eservice_desktop.county.store import utcnow

    with app.state.sessions() as s, s.begin():
        code = service.new_enrol_code(s, office, utcnow())
        lookups.seed_demo(s, utcnow())
        seed_demo_targets(s, county_catalogue(s), office, utcnow())
    print(f"demo enrolment code for {office}: {code}", flush=True)


def add_parser(sub: Any) -> None:
    s = add_command(sub, "serve", "提供同步 API 服務")
    add_listen_options(s)
    s.add_argument(
        "--demo",
        action="store_true",
        help="示範：本機迴路上的用戶端可自行取得設備登記碼",
    )
    s.add_argument(
        "--demo-office", default="H01", help="示範伺服器印出其登記碼的事務所（預設 H01）"
    )
    s.add_argument(
        "--gateway",
        default="",
        help="通知閘道：file:路徑（每則訊息一行 JSON，MMS 圖片以 PNG 存於其旁）| "
        "smtp://[帳號@]主機:連接埠[?mms_domain=D&from=寄件者&starttls=1]"
        "（密碼：環境變數 ESERVICE_COUNTY_GATEWAY_PASSWORD）| https://簡訊業者/..."
        "（MMS 以 multipart 傳送；權杖：環境變數 ESERVICE_COUNTY_GATEWAY_TOKEN）",
    )
    add_key_file(s)
    s.set_defaults(func=cmd_serve)
