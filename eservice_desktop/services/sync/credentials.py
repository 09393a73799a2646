"""The device credential (OS keyring, service ``eservice-desktop``; never the database or the
settings file), enrolment with a one-time code, and the client that carries the credential."""

from __future__ import annotations

import json
import logging
import socket
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import keyring
from keyring.errors import KeyringError
from sqlalchemy import func, select

from eservice_desktop.config import Settings, store
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import get_state, set_state
from eservice_desktop.storage.models import EventRow

if TYPE_CHECKING:
    # The wire client (requests, pydantic, the protocol models) is imported when a client is
    # made: the status bar reads the credential at every start, an unenrolled counter never
    # needs the client.
    from eservice_desktop.county_link.client import CountyClient
    from eservice_desktop.county_link.protocol import EnrolResponse

log = logging.getLogger("eservice.sync")

KEYRING_SERVICE = "eservice-desktop"


def installation_id(app: App) -> str:
    """This data directory's own identity (a random id kept in its database), so two data
    directories configured as the same office device never share a keyring entry."""
    cached = app.extras.get("sync_installation_id")
    if cached:
        return str(cached)
    with app.reading() as s:
        value = get_state(s, "installation_id")
    if not value:
        with app.transaction() as s:
            value = get_state(s, "installation_id") or uuid.uuid4().hex
            set_state(s, "installation_id", value, app.now())
    app.extras["sync_installation_id"] = value
    return value


def keyring_account(app: App) -> str:
    s = app.settings
    return f"county:{s.office_code}-{s.device_id}:{installation_id(app)}"


def _legacy_account(app: App) -> str:
    return f"county:{app.settings.office_code}-{app.settings.device_id}"


def credential(app: App) -> str | None:
    try:
        value = keyring.get_password(KEYRING_SERVICE, keyring_account(app))
        if not value and _state(app, "enrolled"):
            # enrolled by a build that named the entry after office-device only: move it over
            value = keyring.get_password(KEYRING_SERVICE, _legacy_account(app))
            if value:
                keyring.set_password(KEYRING_SERVICE, keyring_account(app), value)
    except KeyringError:
        value = None
    return value or app.extras.get("sync_demo_credential") or None


def _state(app: App, name: str) -> str | None:
    with app.reading() as s:
        return get_state(s, name)


def _keep_credential(app: App, secret: str) -> None:
    """The OS keyring only. A demo device on a machine without one (a headless `make run`)
    keeps the credential in memory for this process; it simply enrols again next start."""
    account = keyring_account(app)
    try:
        keyring.set_password(KEYRING_SERVICE, account, secret)
        if keyring.get_password(KEYRING_SERVICE, account) != secret:
            # a keyring that takes and forgets (keyring.backends.null): kept nowhere
            raise KeyringError("the keyring did not keep the credential")
    except KeyringError as e:
        if not app.settings.demo:
            raise _no_keyring() from e
        app.extras["sync_demo_credential"] = secret


def make_client(app: App, url: str | None = None, with_credential: bool = True) -> CountyClient:
    from eservice_desktop.county_link.client import CountyClient

    return CountyClient(
        url or app.settings.county_url,
        credential=credential(app) if with_credential else None,
        ca_file=app.settings.county_ca_file,
    )


def enrol(app: App, server_url: str, code: str) -> dict[str, Any]:
    """Trades a one-time code for this device's credential and keeps it in the keyring. The
    URL is taken without the spaces a copy from an e-mail brings around it (as ``setup`` does):
    they were refused as "malformed", naming no space."""
    server_url = server_url.strip()
    _check_server(app, server_url)
    _keyring_first(app)
    _not_enrolled_yet(app, server_url)
    resp = _trade_code(app, server_url, code)
    _take_numbers(app, resp)
    _keep_credential(app, resp.credential)
    now = app.now()
    info = {
        "office": resp.office,
        "device": resp.device,
        "device_key": resp.device_key,
        "server": server_url,
        "at": now.isoformat(),
    }
    with app.transaction() as s:
        set_state(s, "enrolled", json.dumps(info), now)
    if server_url.rstrip("/") != app.settings.county_url.rstrip("/"):
        app.settings.county_url = server_url
        store(app.settings.data_dir, county_url=server_url)  # that one setting, nothing else
    log.info("device %s enrolled with the county", resp.device_key)
    return info


def _not_enrolled_yet(app: App, server_url: str) -> None:
    """A counter whose credential the county still takes is enrolled: a second code (IT
    running the install's ``setup --enrol-code`` again, or ``sync enrol`` typed twice) is
    refused before the county is asked. The county gave such a counter the next free number
    (a counter with no cases was renumbered, 02 became 03, and 02 was left at the county
    never to sync again), or took the code and then the counter refused the number
    (``sync.enrol_device``: "device 01 belongs to another counter" of its own number), each
    time leaving a device nobody holds. A credential the county refuses (a replacement code
    gave it away, HTTP 401) lets the enrolment go on. A county that cannot say (unreachable,
    too slow, a gateway's 502) stops it, the code unused: the code went on to be traded, and a
    county slow to answer the first request took the second and renumbered the counter."""
    from eservice_desktop.county_link.client import CountyClient
    from eservice_desktop.county_link.errors import Offline, ServerError, SyncError

    enrolled, secret = _state(app, "enrolled"), credential(app)
    if not enrolled or not secret:
        return
    try:
        info = json.loads(enrolled)
    except ValueError:
        return
    if str(info.get("server", "")).rstrip("/") != server_url.rstrip("/"):
        return  # another county (moved to a new one): its code is this one's own
    client = CountyClient(server_url, credential=secret, ca_file=app.settings.county_ca_file)
    try:
        known = client.status()
    except (Offline, ServerError, OSError):
        raise  # the county could not say: tried again later, the code still good
    except SyncError as e:
        if e.status == 429:
            raise
        return  # refused (401/403): the code decides
    finally:
        client.close()
    key = f"{known.office}-{known.device}"
    again = f"enrol-code --office {app.settings.office_code} --device {app.settings.device_id}"
    raise DomainError(
        "sync.already_enrolled",
        f"本機已向縣府登記為 {key}，憑證有效，不必再登記（登記碼未使用，可留給其他電腦）；"
        f"本機憑證失效時，請縣府資訊人員以 {again} 換發",
        f"This PC is enrolled with the county as {key} and its credential works: nothing to "
        f"do (the code was not used; keep it for another PC); should the credential stop "
        f"working, ask county IT for a replacement code ({again})",
    )


def _keyring_first(app: App) -> None:
    """No keyring to keep the credential (a service account without one, a session without
    Secret Service): refused before the county is asked. The county used the one-time code
    up and then the credential could not be kept, so the code was spent for nothing (setup
    already looked first). A demo keeps its credential in memory."""
    from eservice_desktop.services.doctor import check_keyring

    if app.settings.demo or check_keyring().status == "ok":
        return
    raise _no_keyring(("（登記碼未使用）", " (the code was not used)"))


def _no_keyring(after: tuple[str, str] = ("", "")) -> DomainError:
    """The refusal of an enrolment with no keyring to keep the credential in (``after``: what
    it adds, in each language)."""
    return DomainError(
        "sync.no_keyring",
        "找不到系統金鑰圈，無法安全保存本機憑證；請 IT 安裝或啟用金鑰圈服務" + after[0],
        "No OS keyring is available to keep the device credential; ask IT to enable one" + after[1],
    )


#: The lengths of an enrolment code the wire takes (county_link EnrolRequest).
MIN_CODE, MAX_CODE = 6, 64


def _trade_code(app: App, server_url: str, code: str) -> EnrolResponse:
    """The county's answer to the code; its refusals as the messages the counter shows."""
    from eservice_desktop.county_link.client import (
        AuthError,
        CountyClient,
        DeviceRevoked,
        RateLimited,
        WrongOffice,
    )

    code = code.strip()
    if not MIN_CODE <= len(code) <= MAX_CODE:  # the wire's bounds (EnrolRequest)
        raise DomainError(
            "sync.enrol_code",
            "登記碼格式不正確（縣府核發，如 ABCD-EFGH-JKLM）",
            "The enrolment code is malformed (issued by the county, e.g. ABCD-EFGH-JKLM)",
            "code",
        )
    client = CountyClient(server_url, ca_file=app.settings.county_ca_file)
    try:
        return client.enrol(
            code,
            app.settings.device_id,
            label=socket.gethostname()[:100],
            office=app.settings.office_code,
        )
    except DeviceRevoked as e:  # before AuthError: a replacement code of a revoked device
        raise DomainError("sync.enrol_revoked", e.message_zh, e.message_en) from e
    except AuthError as e:
        raise DomainError("sync.enrol_refused", *_code_refused(app)) from e
    except WrongOffice as e:
        zh, en = _office_typo(app)
        raise DomainError("sync.enrol_office", e.message_zh + zh, e.message_en + en) from e
    except RateLimited as e:
        raise DomainError(
            "sync.enrol_rate_limited",
            f"登記嘗試過於頻繁，請於 {e.retry_after} 秒後再試",
            f"Too many enrolment attempts; try again in {e.retry_after} s",
        ) from e
    finally:
        client.close()


def _code_refused(app: App) -> tuple[str, str]:
    """Why a code was refused and the way on. An enrolment stopped after the county took the
    code (a power cut, the command killed before the credential was stored) used it up: the
    same code again was refused with nothing said of the way on, a replacement code for this
    counter. A counter whose number is its own (cases of its own) names it; a new PC does
    not: the county gave it the next free number, and the replacement code for the number in
    its settings (01 by default) would take another counter's credential, which then stopped
    syncing."""
    office, device = app.settings.office_code, app.settings.device_id
    head = (
        "登記碼無效、已使用或已過期；若本機先前的登記中斷（斷電、程式結束），該碼已用掉：",
        "The enrolment code is unknown, used or expired; if an earlier enrolment of this "
        "counter was interrupted (a power cut, the program ended), it used the code up: ",
    )
    if _has_own_events(app):
        again = f"enrol-code --office {office} --device {device}"
        return (
            f"{head[0]}請縣府資訊人員以 {again} 換發本機的登記碼",
            f"{head[1]}ask county IT for a replacement code ({again})",
        )
    return (
        f"請核對登記碼；{head[0]}請縣府資訊人員以 eservice-county-server devices --office "
        f"{office} 找出本機登記時建立、未曾同步的設備，再以 enrol-code --office {office} "
        "--device 該設備編號 換發（勿用他櫃的編號：其憑證將失效）",
        f"Check the code. {head[1]}county IT finds the device made then, never synced, with "
        f"eservice-county-server devices --office {office} and issues a replacement code for "
        f"its number (enrol-code --office {office} --device NN; never another counter's: its "
        "credential would stop working)",
    )


def _has_own_events(app: App) -> bool:
    with app.reading() as s:
        own = s.scalar(select(EventRow.event_id).where(EventRow.origin == "local").limit(1))
    return own is not None


def _office_typo(app: App) -> tuple[str, str]:
    """What to do when the office code typed at setup was the wrong one (H06 for H07): the
    refusal sent IT to give the code to the other office, as if the code were wrong, while a
    PC with no case of its own yet takes the right office code and then the same code."""
    if _has_own_events(app):
        return "", ""  # the database is this counter's: its office code stays
    return (
        "；若本機確屬該所，先以 eservice-desktop setup --office 該所代碼 改正本機的事務所代碼，"
        "再以同一登記碼登記",
        "; if this PC is that office's, correct its office code first (eservice-desktop setup "
        "--office CODE), then enrol with the same code",
    )


def _check_server(app: App, server_url: str) -> None:
    """The URL typed for the enrolment is bad input of its own (exit 2 on the command line),
    not a setting to call IT about ("同步設定不正確…，請洽資訊人員", exit 1, said to the IT
    person typing it)."""
    from eservice_desktop.county_link.errors import ConfigError, config_reason
    from eservice_desktop.county_link.transport import check_url

    try:
        check_url(server_url, app.settings.county_ca_file)
    except ConfigError as e:
        zh, en = config_reason(e)
        raise DomainError(
            "sync.server_url",
            f"縣府伺服器網址不能使用：{zh}",
            f"The county server URL cannot be used: {en}",
            "server",
        ) from None


def _take_numbers(app: App, resp: EnrolResponse) -> None:
    """The office must be this device's; another device number than the asked one is taken
    (saved in the settings) only by a device that holds no cases of its own yet: its case and
    receipt numbers carry the number."""
    if resp.office != app.settings.office_code:
        raise DomainError(
            "sync.enrol_office",
            f"此登記碼屬於 {resp.office}，本機設定為 {app.settings.office_code}",
            f"The code belongs to office {resp.office}, this device is {app.settings.office_code}",
        )
    if resp.device == app.settings.device_id:
        return
    # the county gave this device another number (the asked one is another counter's)
    with app.reading() as s:
        own = s.scalar(select(func.count()).select_from(EventRow).where(EventRow.origin == "local"))
    if own:
        raise DomainError(
            "sync.enrol_device",
            f"設備編號 {app.settings.device_id} 已由他機使用；本機已有案件，"
            "請縣府資訊人員以 enrol-code --device 換發本機憑證",
            f"Device number {app.settings.device_id} belongs to another counter and this "
            "device already holds cases; ask county IT for a replacement code "
            "(enrol-code --device)",
        )
    app.settings.device_id = resp.device
    store(app.settings.data_dir, device_id=resp.device)


def enrols_itself(settings: Settings) -> bool:
    """A demo device of a county on this machine enrols itself, at every start (where there
    is no keyring it keeps its credential in memory only): doctor says so instead of failing."""
    from eservice_desktop.county_link.transport import is_loopback

    try:
        host = urlsplit(settings.county_url or "").hostname
    except ValueError:  # a malformed URL: no county to enrol with
        return False
    return bool(settings.demo and host and is_loopback(host))


def demo_enrol(app: App) -> bool:
    """A demo device talking to a loopback demo server enrols itself (again, when the demo
    server was reset). Everywhere else IT enrols with a code: returns False."""
    if not enrols_itself(app.settings):
        return False
    app.extras.pop("sync_demo_credential", None)
    client = make_client(app, with_credential=False)
    try:
        code = client.demo_enrol_code(app.settings.office_code, app.settings.device_id)
    finally:
        client.close()
    enrol(app, app.settings.county_url, code)
    return True


def ensure_enrolled(app: App) -> bool:
    """True when the device has a credential (a demo device gets one by itself)."""
    return credential(app) is not None or demo_enrol(app)
