"""The county server as this counter sees it: reachable, its TLS certificate and the clock
(this device's enrolment: ``enrolment.py``)."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from eservice_desktop.config import Settings
from eservice_desktop.domain.values import printable
from eservice_desktop.services.doctor.office import bad_url_verdict, url_unusable
from eservice_desktop.services.doctor.report import (
    CERT_WARN_DAYS,
    Check,
    Verdict,
    _check,
)

if TYPE_CHECKING:
    from eservice_desktop.county_link.client import CountyClient

_T = TypeVar("_T")


def ask_county(
    settings: Settings, credential: str, timeout: float, ask: Callable[[CountyClient], _T]
) -> _T:
    """One question (``ask``) put to the county with this counter's credential, within
    doctor's short timeouts: the enrolment line's status, the pickup keys' list. Its errors
    are the caller's to judge (the county line says an unreachable county)."""
    from eservice_desktop.county_link.client import CountyClient

    client = CountyClient(
        settings.county_url,
        credential=credential,
        ca_file=settings.county_ca_file,
        timeout=(timeout, timeout),
        deadline_s=timeout * 2,
    )
    try:
        return ask(client)
    finally:
        client.close()


def _cert_summary(der: bytes) -> dict[str, Any]:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_after": cert.not_valid_after_utc.isoformat(),
    }


_COUNTY = ("縣府伺服器連線與憑證", "County server reachability and certificate")


def _firewall(host: str, port: int) -> tuple[str, str]:
    return (
        f"確認防火牆允許本機連線至 {host} 的 TCP {port}，並確認縣府伺服器運作中",
        f"Check that the firewall allows TCP {port} to {host} and that the county server is up",
    )


def _connect(host: str, port: int, timeout: float) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except (OSError, UnicodeError) as e:  # UnicodeError: a name IDNA cannot encode
        shown = printable(host, 80)
        raise Verdict(
            "fail",
            (
                f"無法連線 {shown}:{port}（{type(e).__name__}）",
                f"Cannot connect to {shown}:{port} ({type(e).__name__})",
            ),
            _firewall(shown, port),
        ) from None


def _peer_certificate(settings: Settings, sock: socket.socket, host: str) -> bytes | None:
    ctx = ssl.create_default_context(cafile=settings.county_ca_file or None)
    try:
        with ctx.wrap_socket(sock, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True)
    except ssl.SSLCertVerificationError as e:
        raise Verdict(
            "fail",
            (
                f"伺服器憑證驗證失敗：{e.verify_message}",
                f"Server certificate rejected: {e.verify_message}",
            ),
            (
                "確認 county_ca_file 是縣府提供的 CA 憑證、伺服器名稱與網址相符、電腦時間正確",
                "Check that county_ca_file is the county's CA certificate, the host name "
                "matches the URL and the PC clock is right",
            ),
        ) from None
    except (ssl.SSLError, OSError) as e:
        raise Verdict(
            "fail",
            (f"TLS 交握失敗（{type(e).__name__}）", f"TLS handshake failed ({type(e).__name__})"),
            (
                "確認網址與連接埠正確、中間無 TLS 攔截設備",
                "Check the URL and port, and that nothing intercepts TLS on the way",
            ),
        ) from None


def _certificate_days(
    settings: Settings,
    host: str,
    port: int,
    timeout: float,
    *,
    now: datetime,
    facts: dict[str, Any],
) -> int | None:
    """Days the county's TLS certificate has left (None over plain HTTP); the summary goes into
    ``facts``."""
    sock = _connect(host, port, timeout)
    try:
        if urlsplit(settings.county_url).scheme != "https":
            return None
        der = _peer_certificate(settings, sock, host)
    finally:
        sock.close()
    if not der:
        return None
    facts["certificate"] = _cert_summary(der)
    expires = datetime.fromisoformat(facts["certificate"]["not_after"])
    facts["certificate"]["days_left"] = days_left = (expires - now).days
    return days_left


#: How long doctor waits for the county's whole health answer (connect, headers, body).
HEALTH_DEADLINE_S = 10.0


def _health(
    settings: Settings, host: str, port: int, timeout: float
) -> tuple[int, dict[str, Any] | None]:
    """The HTTP status of ``/v1/health`` and its JSON object (None when the body is none),
    asked over the link sync uses (county_link's transport: no ambient proxy, the pinned CA)
    within HEALTH_DEADLINE_S."""
    from eservice_desktop.county_link.client import ConfigError, CountyTransport, SyncError
    from eservice_desktop.county_link.errors import config_reason
    from eservice_desktop.county_link.transport_failures import SLOW

    try:
        link = CountyTransport(
            settings.county_url,
            ca_file=settings.county_ca_file,
            timeout=(timeout, timeout),
            deadline_s=HEALTH_DEADLINE_S,
        )
        try:
            r = link.probe("/health")
        finally:
            link.close()
    except ConfigError as e:
        zh, en = config_reason(e)
        raise Verdict(
            "fail",
            (f"{host}:{port} 無法使用：{zh}", f"{host}:{port} cannot be used: {en}"),
            ("請依上述原因修正設定", "Correct the setting named above"),
        ) from None
    except SyncError as e:
        if str(e) == SLOW:
            raise _too_slow(host, port) from None
        raise Verdict(
            "fail",
            (
                f"{host}:{port} 可連線但 HTTP 失敗：{e.message()}",
                f"{host}:{port} accepts connections but HTTP fails: {e.message('en')}",
            ),
            _firewall(host, port),
        ) from None
    try:
        body = r.json()
    except ValueError:  # HTML, an empty body, bytes that are no JSON
        body = None
    return r.status_code, body if isinstance(body, dict) else None


def _too_slow(host: str, port: int) -> Verdict:
    """A county whose health answer took longer than HEALTH_DEADLINE_S: every sync round
    then ends cut off as well."""
    return Verdict(
        "fail",
        (
            f"{host}:{port} 可連線，但縣府伺服器 {HEALTH_DEADLINE_S:.0f} 秒內未答完健康檢查",
            f"{host}:{port} accepts connections, but the county server did not finish its "
            f"health answer within {HEALTH_DEADLINE_S:.0f} s",
        ),
        (
            "檢查本所與縣府之間的網路（代理伺服器、限速設備）；若網路正常，請通知縣府資訊人員",
            "Check the network between the office and the county (a proxy, a bandwidth "
            "limiter); if it is sound, tell the county's IT",
        ),
    )


_BASE_URL_FIX = (
    "確認 county_url 指向縣府同步伺服器的根網址",
    "Check that county_url is the base URL of the county sync server",
)


def _answered(status: int, body: dict[str, Any] | None, days_left: int | None) -> None:
    if status >= 500 and body is not None and _county_refusal(body):
        # the county answered in its own words (503 server.database: its database is down):
        # the URL is right, the county must act; the counter keeps working offline
        raise Verdict(
            "warn",
            (
                f"縣府伺服器有回應，但無法服務"
                f"（HTTP {status}：{printable(body['message_zh'], 200)}）",
                f"The county server answers but cannot serve (HTTP {status}: "
                f"{printable(body['message_en'], 200)})",
            ),
            (
                "本機照常作業，同步待縣府恢復後自動進行；請通知縣府資訊人員",
                "Keep working: sync resumes by itself once the county has recovered; tell "
                "the county's IT",
            ),
        )
    if status == 407 or 300 <= status < 400:
        raise _network_in_the_way(status)
    if status != 200:
        raise Verdict(
            "warn",
            (
                f"伺服器回應 HTTP {status}（非 eservice 縣府伺服器？）",
                f"The server answered HTTP {status} (not an eservice county server?)",
            ),
            _BASE_URL_FIX,
        )
    if body is None or body.get("status") != "ok":  # a web server or portal answering 200
        raise Verdict(
            "warn",
            (
                "伺服器有回應，但不是縣府同步伺服器的健康檢查（網址是否指向其他網站？）",
                "The server answered, but not with the county sync server's health check (does "
                "the URL point to another web site?)",
            ),
            _BASE_URL_FIX,
        )
    if days_left is not None and days_left < CERT_WARN_DAYS:
        raise Verdict(
            "warn",
            (
                f"連線正常；伺服器憑證 {days_left} 天後到期",
                f"Reachable; the server certificate expires in {days_left} days",
            ),
            ("通知縣府更新伺服器憑證", "Ask the county to renew the server certificate"),
        )


def _network_in_the_way(status: int) -> Verdict:
    """A redirect or a proxy's sign-in (407) answering in the county's stead: every sync round
    fails on it too (the link follows no redirect). It read "not an eservice county server?"
    and sent IT to correct county_url."""
    from eservice_desktop.county_link.client import RequestRefused, sync_error_message

    said = RequestRefused("", status)
    return Verdict(
        "fail",
        (sync_error_message(said), sync_error_message(said, "en")),
        (
            "請網路管理人員讓本機不經登入頁或代理伺服器驗證即可連線縣府網址",
            "Have the network's administrators let this PC reach the county URL without a "
            "sign-in page or a proxy sign-in",
        ),
    )


def _county_refusal(body: dict[str, Any]) -> bool:
    """Whether ``body`` is the county's refusal (``{code, message_zh, message_en}``, short
    texts), not some other server's error page."""
    return all(
        isinstance(body.get(k), str) and 0 < len(body[k]) <= 200
        for k in ("code", "message_zh", "message_en")
    )


#: How far the PC's clock may be from the county's before doctor says so. Events follow the
#: county's clock once a round has measured it (``sync.clock``); the TLS and MOICA certificate
#: checks, the revocation lists' ages, the backups' names and schedule and the logs do not.
CLOCK_WARN_S = 300


def _clock(
    body: dict[str, Any], asked: datetime, answered: datetime, facts: dict[str, Any]
) -> None:
    """The PC's clock against the county's ``server_time``, measured at the request's middle."""
    try:
        county = datetime.fromisoformat(str(body.get("server_time", "")))
    except ValueError:
        return  # an older county without the field: nothing to compare
    if county.tzinfo is None:
        return
    offset = (county - (asked + (answered - asked) / 2)).total_seconds()
    facts["clock_offset_s"] = round(offset, 1)
    if abs(offset) <= CLOCK_WARN_S:
        return
    span = abs(offset)
    zh, en = (
        (f"{span / 3600:.1f} 小時", f"{span / 3600:.1f} h")
        if span >= 3600
        else (f"{span / 60:.0f} 分鐘", f"{span / 60:.0f} min")
    )
    raise Verdict(
        "warn",
        (
            f"連線正常；本機時鐘比縣府伺服器{'慢' if offset > 0 else '快'} {zh}",
            f"Reachable; this PC's clock is {en} {'behind' if offset > 0 else 'ahead of'} "
            "the county server's",
        ),
        (
            "校正本機時鐘（Windows：w32tm /resync；Linux：timedatectl set-ntp true）：憑證檢查、"
            "備份時間與日誌都依本機時鐘",
            "Set the PC's clock right (Windows: w32tm /resync; Linux: timedatectl set-ntp true): "
            "certificate checks, backup times and the logs follow it",
        ),
    )


def check_county(
    settings: Settings,
    timeout: float = 3.0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Check:
    """TCP, then TLS against the pinned county CA (certificate and expiry), then ``/v1/health``.
    A URL no county could answer at is said as such, not probed: without a scheme the probe
    said 無法連線 :80（gaierror）and asked for the firewall to let TCP 80 through to nothing;
    a port out of range ended doctor in a traceback."""
    if url_unusable(settings.county_url):
        return bad_url_verdict(settings.county_url).check(
            "county", _COUNTY, url=settings.county_url
        )
    parts = urlsplit(settings.county_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    facts: dict[str, Any] = {"url": settings.county_url, "host": host, "port": port}
    try:
        days_left = _certificate_days(settings, host, port, timeout, now=now(), facts=facts)
        asked = now()
        facts["http_status"], body = _health(settings, host, port, timeout)
        _answered(facts["http_status"], body, days_left)
        assert body is not None  # _answered: the county's health answer
        _clock(body, asked, now(), facts)
    except Verdict as v:
        return v.check("county", _COUNTY, **facts)
    tail = f"，憑證 {days_left} 天後到期" if days_left is not None else ""
    tail_en = f", certificate valid for {days_left} more days" if days_left is not None else ""
    return _check(
        "county",
        _COUNTY,
        "ok",
        (f"{host}:{port} 連線正常{tail}", f"{host}:{port} reachable{tail_en}"),
        **facts,
    )
