"""Installation checks for office IT (``eservice-desktop doctor``).

Each check returns a :class:`Check` — data, not text — so the CLI can print it in either language
or as JSON, and a support desk can compare machines. Checks only *look*: none of them creates,
migrates or repairs anything (the database is opened read-only), so running doctor on a broken
counter never makes it worse. Every check that is not ``ok`` says how to fix it, in zh-TW and
English.

Hardware probes (PC/SC, serial ports, printers) import their libraries lazily and turn a missing
service into a ``warn``: a PC without pcscd can still take cases, it just cannot read cards. Qt is
never imported here (printers come from CUPS' ``lpstat`` or, on Windows, PowerShell).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from eservice_desktop import __version__
from eservice_desktop.config import Settings

Status = Literal["ok", "warn", "fail"]

#: Below this much free space on the data directory's disk doctor fails; below WARN_FREE it warns.
FAIL_FREE_BYTES = 200 * 1024 * 1024
WARN_FREE_BYTES = 1024 * 1024 * 1024
#: Certificates expiring within this many days get a warning.
CERT_WARN_DAYS = 30
KEYRING_SERVICE = "eservice-desktop"
_TAIPEI = ZoneInfo("Asia/Taipei")


@dataclass(frozen=True)
class Check:
    """One finding. ``fix_*`` is empty when the status is ok."""

    key: str
    title_zh: str
    title_en: str
    status: Status
    detail_zh: str
    detail_en: str
    fix_zh: str = ""
    fix_en: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def detail(self, lang: str) -> str:
        return self.detail_en if lang == "en" else self.detail_zh

    def fix(self, lang: str) -> str:
        return self.fix_en if lang == "en" else self.fix_zh

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    checks: list[Check]
    #: True for the shift-start set (``doctor --shift-start``).
    shift_start: bool = False

    @property
    def status(self) -> Status:
        states = {c.status for c in self.checks}
        return "fail" if "fail" in states else "warn" if "warn" in states else "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "version": __version__,
            "set": "shift_start" if self.shift_start else "full",
            "checks": [c.to_json() for c in self.checks],
        }


def _check(
    key: str,
    title: tuple[str, str],
    status: Status,
    detail: tuple[str, str],
    fix: tuple[str, str] = ("", ""),
    **data: Any,
) -> Check:
    return Check(key, title[0], title[1], status, detail[0], detail[1], fix[0], fix[1], data)


# --- application and data directory -------------------------------------------------------------


def check_version() -> Check:
    frozen = bool(getattr(sys, "frozen", False))
    where = sys.executable if frozen else f"python {platform.python_version()}"
    return _check(
        "version",
        ("版本", "Version"),
        "ok",
        (
            f"eservice-desktop {__version__}（{'安裝版' if frozen else '原始碼'}：{where}）",
            f"eservice-desktop {__version__} "
            f"({'installed build' if frozen else 'source'}: {where})",
        ),
        version=__version__,
        frozen=frozen,
        executable=sys.executable,
        platform=platform.platform(),
    )


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_data_dir(settings: Settings) -> Check:
    title = ("資料目錄與磁碟空間", "Data directory and free space")
    d = settings.data_dir
    base = _existing_parent(d)
    free = shutil.disk_usage(base).free
    facts: dict[str, Any] = {"path": str(d), "exists": d.is_dir(), "free_bytes": free}
    free_mb = free // (1024 * 1024)
    if not d.is_dir():
        if os.access(base, os.W_OK):
            return _check(
                "data_dir",
                title,
                "warn",
                (
                    f"{d} 尚未建立（第一次啟動時建立）",
                    f"{d} does not exist yet (created on first start)",
                ),
                (
                    "執行 eservice-desktop db upgrade 建立資料庫",
                    "Run `eservice-desktop db upgrade` to create it",
                ),
                **facts,
            )
        return _check(
            "data_dir",
            title,
            "fail",
            (f"{d} 不存在且無法建立", f"{d} does not exist and cannot be created"),
            (f"建立目錄並給予使用者寫入權限：{d}", f"Create {d} and make it writable for the user"),
            **facts,
        )
    if not os.access(d, os.W_OK | os.X_OK):
        return _check(
            "data_dir",
            title,
            "fail",
            (f"{d} 無寫入權限", f"{d} is not writable by this user"),
            (
                "Linux：將使用者加入 eservice 群組（usermod -aG eservice 帳號）後重新登入；"
                "Windows：重新安裝或修復安裝以還原權限",
                "Linux: add the user to the eservice group (usermod -aG eservice USER) and log in "
                "again; Windows: repair the installation to restore permissions",
            ),
            **facts,
        )
    if free < FAIL_FREE_BYTES:
        return _check(
            "data_dir",
            title,
            "fail",
            (f"{d}：剩餘空間僅 {free_mb} MB", f"{d}: only {free_mb} MB free"),
            (
                "清出磁碟空間（至少 1 GB），可將舊備份 backups/ 移至外部儲存",
                "Free disk space (1 GB or more); old backups in backups/ can be moved off the PC",
            ),
            **facts,
        )
    if free < WARN_FREE_BYTES:
        return _check(
            "data_dir",
            title,
            "warn",
            (f"{d}：剩餘空間 {free_mb} MB", f"{d}: {free_mb} MB free"),
            ("磁碟空間不足 1 GB，請清理", "Less than 1 GB free: clean up the disk"),
            **facts,
        )
    return _check(
        "data_dir", title, "ok", (f"{d}：剩餘 {free_mb} MB", f"{d}: {free_mb} MB free"), **facts
    )


def check_database(settings: Settings) -> Check:
    """Integrity and schema revision, read-only (``mode=ro``: doctor never writes)."""
    from eservice_desktop.storage import db

    title = ("資料庫完整性與版本", "Database integrity and revision")
    path = settings.db_path
    head = db.head_revision()
    facts: dict[str, Any] = {"path": str(path), "head": head}
    if not path.exists():
        return _check(
            "database",
            title,
            "warn",
            ("資料庫尚未建立", "No database yet"),
            (
                "執行 eservice-desktop db upgrade（或開啟櫃檯程式一次）",
                "Run `eservice-desktop db upgrade` (or open the counter window once)",
            ),
            **facts,
        )
    from eservice_desktop.storage import cipher, dbkey

    if cipher.is_plain(path):
        return _check(
            "database",
            title,
            "fail",
            ("資料庫未加密", "The database is not encrypted"),
            (
                "執行 eservice-desktop db upgrade（就地轉為加密資料庫）",
                "Run `eservice-desktop db upgrade` (encrypts it in place)",
            ),
            **facts,
        )
    try:
        conn = db.raw_connect(settings, read_only=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            try:
                found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except cipher.DatabaseError:
                found = None
        finally:
            conn.close()
    except (cipher.DatabaseError, cipher.WrongKey, dbkey.KeyUnavailable) as e:
        return _check(
            "database",
            title,
            "fail",
            (f"無法讀取資料庫：{e}", f"Cannot read the database: {e}"),
            (
                "由 backups/ 還原最近的備份（見 IT 手冊「備份與還原」）",
                "Restore the latest copy from backups/ (IT guide, 'Backup and restore')",
            ),
            **facts,
        )
    problems = [str(r[0]) for r in rows]
    current = str(found[0]) if found else None
    facts.update(integrity=problems[:10], current=current)
    if problems != ["ok"]:
        return _check(
            "database",
            title,
            "fail",
            (f"完整性檢查失敗：{problems[0]}", f"Integrity check failed: {problems[0]}"),
            (
                "停止程式與同步服務，由 backups/ 還原最近的備份（見 IT 手冊）",
                "Stop the program and the sync service, restore the latest copy from backups/ "
                "(IT guide)",
            ),
            **facts,
        )
    known = _known_revisions()
    if current == head:
        return _check(
            "database",
            title,
            "ok",
            (f"完整性正常，版本 {current}", f"Integrity ok, revision {current}"),
            **facts,
        )
    if current is not None and current not in known:
        return _check(
            "database",
            title,
            "fail",
            (
                f"資料庫版本 {current} 比本程式（{head}）新",
                f"Database revision {current} is newer than this build ({head})",
            ),
            (
                "安裝與寫入此資料庫相同或更新版本的 eservice-desktop",
                "Install the eservice-desktop version that wrote it, or a newer one",
            ),
            **facts,
        )
    return _check(
        "database",
        title,
        "warn",
        (
            f"完整性正常，版本 {current or '（無）'}，待升級至 {head}",
            f"Integrity ok, revision {current or '(none)'}, upgrade to {head} pending",
        ),
        (
            "執行 eservice-desktop db upgrade（會先自動備份）",
            "Run `eservice-desktop db upgrade` (it backs the database up first)",
        ),
        **facts,
    )


def check_chain(settings: Settings) -> Check:
    """Every device's event hash chain (``audit verify``), read-only."""
    from eservice_desktop.storage import cipher, db, dbkey

    title = ("事件雜湊鏈（防竄改）", "Event hash chain (tamper evidence)")
    path = settings.db_path
    if not path.exists() or cipher.is_plain(path):
        return _check("chain", title, "warn", ("資料庫尚未建立", "No database yet"))
    try:
        engine = db.make_engine(settings.db_url, key=dbkey.database_key(settings, create=False))
    except dbkey.KeyUnavailable as e:
        return _check("chain", title, "fail", (f"無法讀取資料庫：{e}", f"Cannot read it: {e}"))
    try:
        if not db.schema_is_current(engine):
            return _check(
                "chain",
                title,
                "warn",
                ("資料庫升級後才能檢查", "Checked once the database is upgraded"),
                ("執行 eservice-desktop db upgrade", "Run `eservice-desktop db upgrade`"),
            )
        from sqlalchemy.orm import Session

        from eservice_desktop.services.audit import verify_session

        reading = engine.connect().execution_options(**{db.READ_ONLY_OPTION: True})
        with reading as conn, Session(conn) as s:
            result = verify_session(s)
    except (cipher.DatabaseError, cipher.WrongKey) as e:
        return _check("chain", title, "fail", (f"無法讀取資料庫：{e}", f"Cannot read it: {e}"))
    finally:
        engine.dispose()
    facts = result.to_json()
    if result.ok:
        return _check(
            "chain", title, "ok", (result.message("zh_TW"), result.message("en")), **facts
        )
    return _check(
        "chain",
        title,
        "fail",
        (result.message("zh_TW"), result.message("en")),
        (
            "資料庫曾被直接修改：保全此檔案與備份，通報主管與縣府，"
            "停用此櫃檯（見 IT 手冊「防竄改」）",
            "The database file was changed outside the program: keep this file and the backups, "
            "tell the office head and the county, stop the counter (IT guide, 'Tamper evidence')",
        ),
        **facts,
    )


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from eservice_desktop.storage import db

    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


# --- office settings and the county --------------------------------------------------------------


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_backup(
    settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Check:
    """The newest backup that opens and passes a quick check is younger than
    ``backup_max_age_h``; a database with no case yet only warns when none exists."""
    from eservice_desktop.services import backup
    from eservice_desktop.storage import cipher, db

    title = ("資料庫備份", "Database backups")
    folder = backup.backup_dir(settings)
    facts: dict[str, Any] = {"backup_dir": str(folder), "max_age_h": settings.backup_max_age_h}
    fix = (
        "執行 eservice-desktop backup now，並確認備份位置（USB 磁碟或網路磁碟）可寫入",
        "Run `eservice-desktop backup now` and check the backup location (USB disk or share)",
    )
    good = backup.newest_good(settings) if settings.db_path.exists() else None
    if good is None:
        has_cases = False
        if settings.db_path.exists() and not cipher.is_plain(settings.db_path):
            try:
                conn = db.raw_connect(settings, read_only=True)
                try:
                    has_cases = bool(conn.execute("SELECT count(*) FROM events").fetchone()[0])
                finally:
                    conn.close()
            except (cipher.DatabaseError, RuntimeError):
                has_cases = True
        return _check(
            "backup",
            title,
            "fail" if has_cases else "warn",
            (f"{folder} 沒有可用的備份", f"No usable backup in {folder}"),
            fix,
            **facts,
        )
    age_h = (now() - good.taken_at).total_seconds() / 3600
    facts.update(newest=str(good.path), age_h=round(age_h, 2))
    if age_h > settings.backup_max_age_h:
        return _check(
            "backup",
            title,
            "fail",
            (
                f"最近一次可用備份已是 {age_h:.0f} 小時前（上限 {settings.backup_max_age_h:.0f}）",
                f"The newest good backup is {age_h:.0f} h old "
                f"(limit {settings.backup_max_age_h:.0f} h)",
            ),
            fix,
            **facts,
        )
    return _check(
        "backup",
        title,
        "ok",
        (f"最近備份 {age_h:.1f} 小時前：{good.path.name}", f"{age_h:.1f} h old: {good.path.name}"),
        **facts,
    )


def check_office(settings: Settings) -> Check:
    from eservice_desktop.storage.resources import read_json

    title = ("事務所設定", "Office settings")
    offices = {o["code"]: o for o in read_json("catalogue", "offices.json")["offices"]}
    office = offices.get(settings.office_code)
    facts: dict[str, Any] = {
        "office_code": settings.office_code,
        "device_id": settings.device_id,
        "county_url": settings.county_url,
        "demo": settings.demo,
    }
    settings_file = settings.data_dir / "settings.json"
    where = (f"{settings_file}", "settings.json")
    if office is None:
        return _check(
            "office",
            title,
            "fail",
            (
                f"事務所代碼 {settings.office_code} 不在目錄中",
                f"Office code {settings.office_code} is not in the catalogue",
            ),
            (
                f"在 {where[0]} 設定 office_code（如 H01），或以 OFFICE_CODE 重新安裝",
                f"Set office_code (e.g. H01) in {where[0]}, or reinstall with OFFICE_CODE",
            ),
            **facts,
        )
    if not (settings.device_id.isalnum() and 1 <= len(settings.device_id) <= 8):
        return _check(
            "office",
            title,
            "fail",
            (
                f"櫃檯編號 {settings.device_id!r} 格式錯誤",
                f"Bad device number {settings.device_id!r}",
            ),
            (
                f"在 {where[0]} 設定 device_id（如 01），同一事務所內不可重複",
                f"Set device_id (e.g. 01) in {where[0]}; unique inside the office",
            ),
            **facts,
        )
    parts = urlsplit(settings.county_url)
    name = f"{office['name']}（{settings.office_code}）櫃檯 {settings.device_id}"
    name_en = (
        f"{office.get('name_en', office['code'])} ({settings.office_code}), "
        f"counter {settings.device_id}"
    )
    facts["office_name"] = office["name"]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _check(
            "office",
            title,
            "fail",
            (
                f"{name}；縣府伺服器網址 {settings.county_url!r} 無效",
                f"{name_en}; county server URL {settings.county_url!r} is not valid",
            ),
            (
                "設定 county_url（https://…），或以 COUNTY_SERVER_URL 重新安裝",
                "Set county_url (https://...), or reinstall with COUNTY_SERVER_URL",
            ),
            **facts,
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        return _check(
            "office",
            title,
            "fail",
            (
                f"{name}；縣府伺服器使用未加密的 http",
                f"{name_en}; the county server URL is plain http",
            ),
            (
                "改用 https 網址並設定 county_ca_file（縣府 CA 憑證）",
                "Use the https URL and set county_ca_file (the county CA certificate)",
            ),
            **facts,
        )
    if parts.scheme == "https" and not settings.county_ca_file:
        return _check(
            "office",
            title,
            "fail",
            (f"{name}；未設定縣府 CA 憑證", f"{name_en}; no county CA certificate configured"),
            (
                "在 settings.json 設定 county_ca_file（PEM 檔路徑）",
                "Set county_ca_file (path of the PEM file) in settings.json",
            ),
            **facts,
        )
    if settings.demo:
        return _check(
            "office",
            title,
            "warn",
            (f"{name}；示範模式開啟", f"{name_en}; demo mode is on"),
            (
                "正式櫃檯請在 settings.json 設定 demo 為 false",
                "Set demo to false in settings.json on a production counter",
            ),
            **facts,
        )
    return _check("office", title, "ok", (name, name_en), **facts)


def _cert_summary(der: bytes) -> dict[str, Any]:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_after": cert.not_valid_after_utc.isoformat(),
    }


def check_county(
    settings: Settings,
    timeout: float = 3.0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Check:
    """TCP, then TLS against the pinned county CA (certificate and expiry), then ``/v1/health``."""
    import requests

    title = ("縣府伺服器連線與憑證", "County server reachability and certificate")
    parts = urlsplit(settings.county_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    facts: dict[str, Any] = {"url": settings.county_url, "host": host, "port": port}
    firewall = (
        f"確認防火牆允許本機連線至 {host} 的 TCP {port}，並確認縣府伺服器運作中",
        f"Check that the firewall allows TCP {port} to {host} and that the county server is up",
    )
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        return _check(
            "county",
            title,
            "fail",
            (
                f"無法連線 {host}:{port}（{type(e).__name__}）",
                f"Cannot connect to {host}:{port} ({type(e).__name__})",
            ),
            firewall,
            **facts,
        )
    days_left: int | None = None
    try:
        if parts.scheme == "https":
            ctx = ssl.create_default_context(cafile=settings.county_ca_file or None)
            try:
                with ctx.wrap_socket(sock, server_hostname=host) as tls:
                    der = tls.getpeercert(binary_form=True)
            except ssl.SSLCertVerificationError as e:
                return _check(
                    "county",
                    title,
                    "fail",
                    (
                        f"伺服器憑證驗證失敗：{e.verify_message}",
                        f"Server certificate rejected: {e.verify_message}",
                    ),
                    (
                        "確認 county_ca_file 是縣府提供的 CA 憑證、"
                        "伺服器名稱與網址相符、電腦時間正確",
                        "Check that county_ca_file is the county's CA certificate, the host name "
                        "matches the URL and the PC clock is right",
                    ),
                    **facts,
                )
            except (ssl.SSLError, OSError) as e:
                return _check(
                    "county",
                    title,
                    "fail",
                    (
                        f"TLS 交握失敗（{type(e).__name__}）",
                        f"TLS handshake failed ({type(e).__name__})",
                    ),
                    (
                        "確認網址與連接埠正確、中間無 TLS 攔截設備",
                        "Check the URL and port, and that nothing intercepts TLS on the way",
                    ),
                    **facts,
                )
            if der:
                facts["certificate"] = _cert_summary(der)
                expires = datetime.fromisoformat(facts["certificate"]["not_after"])
                days_left = (expires - now()).days
                facts["certificate"]["days_left"] = days_left
    finally:
        sock.close()
    try:
        r = requests.get(
            settings.county_url.rstrip("/") + "/v1/health",
            timeout=timeout,
            verify=settings.county_ca_file or True,
        )
        facts["http_status"] = r.status_code
    except requests.RequestException as e:
        return _check(
            "county",
            title,
            "fail",
            (
                f"{host}:{port} 可連線但 HTTP 失敗（{type(e).__name__}）",
                f"{host}:{port} accepts connections but HTTP fails ({type(e).__name__})",
            ),
            firewall,
            **facts,
        )
    if r.status_code != 200:
        return _check(
            "county",
            title,
            "warn",
            (
                f"伺服器回應 HTTP {r.status_code}（非 eservice 縣府伺服器？）",
                f"The server answered HTTP {r.status_code} (not an eservice county server?)",
            ),
            (
                "確認 county_url 指向縣府同步伺服器的根網址",
                "Check that county_url is the base URL of the county sync server",
            ),
            **facts,
        )
    if days_left is not None and days_left < CERT_WARN_DAYS:
        return _check(
            "county",
            title,
            "warn",
            (
                f"連線正常；伺服器憑證 {days_left} 天後到期",
                f"Reachable; the server certificate expires in {days_left} days",
            ),
            ("通知縣府更新伺服器憑證", "Ask the county to renew the server certificate"),
            **facts,
        )
    tail = f"，憑證 {days_left} 天後到期" if days_left is not None else ""
    tail_en = f", certificate valid for {days_left} more days" if days_left is not None else ""
    return _check(
        "county",
        title,
        "ok",
        (f"{host}:{port} 連線正常{tail}", f"{host}:{port} reachable{tail_en}"),
        **facts,
    )


def check_enrolment(settings: Settings) -> Check:
    """The device is enrolled when the database records it and the keyring holds its credential."""
    title = ("本機登記", "Device enrolment")
    legacy = account = f"county:{settings.office_code}-{settings.device_id}"
    facts: dict[str, Any] = {"keyring_account": account}
    enrol_fix = (
        "以縣府核發的一次性登記碼執行：eservice-desktop sync enrol --server 網址 --code 登記碼",
        "Run `eservice-desktop sync enrol --server URL --code CODE` "
        "with the county's one-time code",
    )
    info: dict[str, Any] | None = None
    if settings.db_path.exists():
        from eservice_desktop.storage import cipher, db

        try:
            conn = db.raw_connect(settings, read_only=True)
            try:
                row = conn.execute(
                    "SELECT value FROM sync_state WHERE name = 'enrolled'"
                ).fetchone()
                iid = conn.execute(
                    "SELECT value FROM sync_state WHERE name = 'installation_id'"
                ).fetchone()
            finally:
                conn.close()
            info = json.loads(row[0]) if row else None
            if iid and iid[0]:  # the data directory's own entry (services.sync.keyring_account)
                account = f"{account}:{iid[0]}"
                facts["keyring_account"] = account
        except (cipher.DatabaseError, RuntimeError, ValueError):
            info = None
    try:
        import keyring

        has_credential = bool(keyring.get_password(KEYRING_SERVICE, account)) or bool(
            info and keyring.get_password(KEYRING_SERVICE, legacy)
        )
    except Exception as e:  # keyring raises backend-specific errors (no D-Bus, locked vault, ...)
        facts["keyring_error"] = type(e).__name__
        has_credential = False
    facts.update(enrolled=info, credential=has_credential)
    if info and has_credential:
        return _check(
            "enrolment",
            title,
            "ok",
            (
                f"已登記為 {info.get('device_key', '?')}（{info.get('at', '')}）",
                f"Enrolled as {info.get('device_key', '?')} ({info.get('at', '')})",
            ),
            **facts,
        )
    if info and not has_credential:
        return _check(
            "enrolment",
            title,
            "fail",
            (
                "資料庫記錄已登記，但金鑰圈中沒有本機憑證（不同使用者帳號或金鑰圈被清除）",
                "The database says enrolled but the keyring holds no credential (another user "
                "account, or the keyring was cleared)",
            ),
            (
                "以同步服務使用的帳號重新登記：" + enrol_fix[0],
                "Enrol again under the account the sync service runs as: " + enrol_fix[1],
            ),
            **facts,
        )
    return _check(
        "enrolment",
        title,
        "warn",
        ("本機尚未向縣府登記", "This device is not enrolled yet"),
        enrol_fix,
        **facts,
    )


def check_keyring() -> Check:
    title = ("金鑰圈（憑證保存）", "Keyring (credential storage)")
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as e:
        return _check(
            "keyring",
            title,
            "fail",
            (f"無法載入 keyring：{e}", f"keyring failed to load: {e}"),
            ("重新安裝 eservice-desktop", "Reinstall eservice-desktop"),
        )
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    facts: dict[str, Any] = {"backend": name}
    usable = not isinstance(backend, fail.Keyring)
    if usable and hasattr(backend, "backends"):  # the chainer: usable only when it chains something
        usable = bool(backend.backends)
    if not usable:
        return _check(
            "keyring",
            title,
            "fail",
            (f"沒有可用的金鑰圈後端（{name}）", f"No usable keyring backend ({name})"),
            (
                "Linux：安裝並解鎖 gnome-keyring（Secret Service）；"
                "Windows：確認「認證管理員」服務已啟動",
                "Linux: install and unlock gnome-keyring (Secret Service); Windows: make sure the "
                "Credential Manager service runs",
            ),
            **facts,
        )
    return _check("keyring", title, "ok", (name, name), **facts)


# --- devices -------------------------------------------------------------------------------------


def check_card_readers() -> Check:
    title = ("讀卡機（健保卡、自然人憑證）", "Smart-card readers (NHI, MOICA)")
    pcsc_fix = (
        "Linux：apt install pcscd 並啟動（systemctl enable --now pcscd.socket）；"
        "Windows：啟動「智慧卡」服務 (SCardSvr)",
        "Linux: apt install pcscd and start it (systemctl enable --now pcscd.socket); "
        "Windows: start the Smart Card service (SCardSvr)",
    )
    try:
        from smartcard.System import readers
    except ImportError as e:
        return _check(
            "card_readers",
            title,
            "warn",
            (f"PC/SC 函式庫無法載入（{e}）", f"The PC/SC library cannot be loaded ({e})"),
            pcsc_fix,
        )
    try:
        names = [str(r) for r in readers()]
    except Exception as e:  # pyscard raises EstablishContextException when no PC/SC service runs
        return _check(
            "card_readers",
            title,
            "warn",
            (
                f"PC/SC 服務未執行（{type(e).__name__}）",
                f"The PC/SC service is not running ({type(e).__name__})",
            ),
            pcsc_fix,
            error=type(e).__name__,
        )
    if not names:
        return _check(
            "card_readers",
            title,
            "warn",
            ("未偵測到讀卡機", "No card reader found"),
            (
                "接上讀卡機並安裝其驅動程式（CCID 讀卡機免驅動）",
                "Plug in a reader and install its driver (CCID readers need none)",
            ),
            readers=[],
        )
    return _check("card_readers", title, "ok", ("、".join(names), ", ".join(names)), readers=names)


def _run(cmd: list[str], timeout: float = 5.0) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def list_printers() -> list[str] | None:
    """Printer queue names, or None when this machine has no way to list them."""
    if sys.platform == "win32":
        done = _run(["powershell", "-NoProfile", "-Command", "Get-Printer | ForEach-Object Name"])
        if done is None or done.returncode != 0:
            return None
        return [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if shutil.which("lpstat") is None:
        return None
    done = _run(["lpstat", "-e"])
    if done is None:
        return None
    # lpstat -e exits 1 with "No destinations added." (or no scheduler): that is an empty list.
    return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


def check_printers(settings: Settings, printers: Iterable[str] | None = None) -> Check:
    title = ("印表機", "Printers")
    found = list_printers() if printers is None else list(printers)
    facts: dict[str, Any] = {"configured": settings.printer_name, "printers": found}
    if found is None:
        return _check(
            "printers",
            title,
            "warn",
            ("無法列出印表機（找不到 lpstat）", "Cannot list printers (lpstat not found)"),
            ("Linux：apt install cups-client cups", "Linux: apt install cups-client cups"),
            **facts,
        )
    if settings.printer_name and settings.printer_name not in found:
        return _check(
            "printers",
            title,
            "fail",
            (
                f"設定的印表機 {settings.printer_name!r} 不存在",
                f"The configured printer {settings.printer_name!r} does not exist",
            ),
            (
                "在 settings.json 的 printer_name 填入下列其中一台，或留空改由列印對話框選擇",
                "Set printer_name in settings.json to one of the printers listed, "
                "or leave it empty "
                "to choose in the print dialog",
            ),
            **facts,
        )
    if not found:
        return _check(
            "printers",
            title,
            "warn",
            ("沒有安裝任何印表機", "No printer is installed"),
            (
                "安裝收據印表機（A6 或 80 mm 熱感）",
                "Install the receipt printer (A6 or 80 mm thermal)",
            ),
            **facts,
        )
    chosen = settings.printer_name or "（列印時選擇）"
    chosen_en = settings.printer_name or "(chosen when printing)"
    return _check(
        "printers",
        title,
        "ok",
        (f"{len(found)} 台；收據使用 {chosen}", f"{len(found)} found; receipts go to {chosen_en}"),
        **facts,
    )


def check_scanners(settings: Settings) -> Check:
    title = ("條碼掃描器", "Barcode scanners")
    try:
        from serial.tools import list_ports

        ports = sorted(p.device for p in list_ports.comports())
    except Exception as e:
        return _check(
            "scanners",
            title,
            "warn",
            (f"無法列出序列埠（{e}）", f"Cannot list serial ports ({e})"),
            ("重新安裝 eservice-desktop", "Reinstall eservice-desktop"),
        )
    facts: dict[str, Any] = {"serial_ports": ports, "configured": settings.scanner_serial_port}
    wanted = settings.scanner_serial_port
    if wanted and wanted not in ports:
        return _check(
            "scanners",
            title,
            "fail",
            (
                f"設定的掃描器序列埠 {wanted} 不存在",
                f"The configured scanner port {wanted} does not exist",
            ),
            (
                "接上掃描器，或修改 settings.json 的 scanner_serial_port"
                "（留空則使用鍵盤模式掃描器）",
                "Plug the scanner in, or fix scanner_serial_port in settings.json (empty = "
                "keyboard-wedge scanner)",
            ),
            **facts,
        )
    if wanted:
        return _check(
            "scanners",
            title,
            "ok",
            (f"序列埠掃描器 {wanted}", f"Serial scanner on {wanted}"),
            **facts,
        )
    listed = "、".join(ports) if ports else "無"
    return _check(
        "scanners",
        title,
        "ok",
        (
            f"鍵盤模式掃描器（免設定）；序列埠：{listed}",
            f"Keyboard-wedge scanner (no setup needed); serial ports: {', '.join(ports) or 'none'}",
        ),
        **facts,
    )


def check_fonts() -> Check:
    """Without a Traditional Chinese font the window and the receipts show boxes; without a
    sans CJK face the window falls back to a Kai or Ming face that is hard to read on screen."""
    from eservice_desktop.services.glyphs import SCREEN_SANS_FAMILIES

    title = ("中文字型", "Chinese fonts")
    if sys.platform == "win32":
        return _check("fonts", title, "ok", ("Windows 內建中文字型", "Windows ships Chinese fonts"))
    if shutil.which("fc-list") is None:
        return _check(
            "fonts",
            title,
            "warn",
            ("找不到 fc-list，無法檢查字型", "fc-list not found: cannot check fonts"),
            ("apt install fontconfig", "apt install fontconfig"),
        )
    done = _run(["fc-list", ":lang=zh-tw", "family"])
    lines = [line for line in (done.stdout if done else "").splitlines() if line.strip()]
    names = [[n.strip().replace("\\-", "-") for n in line.split(",")] for line in lines]
    families = sorted({n[0] for n in names})
    every_name = {n for line_names in names for n in line_names}
    if not families:
        return _check(
            "fonts",
            title,
            "fail",
            ("沒有繁體中文字型", "No Traditional Chinese font installed"),
            (
                "apt install fonts-noto-cjk fonts-arphic-uming fonts-cns11643-kai",
                "apt install fonts-noto-cjk fonts-arphic-uming fonts-cns11643-kai",
            ),
            families=[],
        )
    sans = [f for f in SCREEN_SANS_FAMILIES if f in every_name]
    if not sans:
        return _check(
            "fonts",
            title,
            "warn",
            (
                f"畫面沒有黑體中文字型（{SCREEN_SANS_FAMILIES[0]}），將以楷書或明體顯示",
                f"No sans Chinese face for the screen ({SCREEN_SANS_FAMILIES[0]}):"
                " the window falls back to a Kai or Ming face",
            ),
            ("apt install fonts-noto-cjk", "apt install fonts-noto-cjk"),
            families=families,
            screen_sans="",
        )
    return _check(
        "fonts",
        title,
        "ok",
        (
            f"畫面：{sans[0]}；" + "、".join(families[:5]),
            f"Screen: {sans[0]}; " + ", ".join(families[:5]),
        ),
        families=families,
        screen_sans=sans[0],
    )


#: Names with characters of Ext-C to Ext-H (𫝀 U+2B740, 𬺰 U+2CEB0, 𰻞 U+30EDE, U+31350):
#: only BabelStone Han among the receipt fonts has them.
RARE_SAMPLE = "\U0002a700\U0002b740\U0002b820\U0002ceb0\U00030ede\U00031350"


def receipt_fonts_verdict(found: list[str], rare_missing: list[str] | None = None) -> Status:
    """ok with TW-Kai (CNS 11643 rare characters print) and every Ext-C..H sample printable,
    warn with a fallback only or a sample that would print as [U+XXXXX], else fail."""
    if "TWKai" in found and not rare_missing:
        return "ok"
    return "warn" if found else "fail"


def check_receipt_fonts() -> Check:
    """The TrueType fonts reportlab embeds in receipts and slips (not the screen fonts), and
    whether names with Ext-C..H characters print (BabelStone Han)."""
    from eservice_desktop.printing.fonts import CANDIDATES, FontNotFound, locate, unprintable

    title = ("收據字型（全字庫）", "Receipt fonts (CNS 11643)")
    files = {name: locate(file_name) for name, file_name, _ in CANDIDATES}
    found = [name for name, path in files.items() if path is not None]
    try:
        rare_missing = [f"U+{ord(ch):04X}" for ch in unprintable(RARE_SAMPLE)] if found else []
    except FontNotFound:
        rare_missing = []
    status = receipt_fonts_verdict(found, rare_missing)
    located = {n: str(p) for n, p in files.items() if p is not None}
    facts: dict[str, Any] = {"fonts": located, "rare_missing": rare_missing}
    if status == "ok":
        return _check("receipt_fonts", title, "ok", (", ".join(found), ", ".join(found)), **facts)
    if "TWKai" in found:  # only the newest extensions are missing
        missing = ", ".join(rare_missing)
        return _check(
            "receipt_fonts",
            title,
            "warn",
            (
                f"擴充 C～H 罕用字無法列印（{missing}），收據將印出 [U+…] 字碼",
                f"Ext-C..H characters do not print ({missing}): receipts show [U+…] codes",
            ),
            (
                "apt install fonts-babelstone-han"
                "（Windows：BabelStoneHan.ttf 放入 resources\\fonts）",
                "apt install fonts-babelstone-han"
                " (Windows: put BabelStoneHan.ttf into resources\\fonts)",
            ),
            **facts,
        )
    fix = (
        "apt install fonts-cns11643-kai fonts-babelstone-han（Windows：安裝時勾選全字庫字型）",
        "apt install fonts-cns11643-kai fonts-babelstone-han"
        " (Windows: keep the CNS 11643 font feature selected)",
    )
    if status == "warn":
        return _check(
            "receipt_fonts",
            title,
            "warn",
            (
                f"只有 {', '.join(found)}：罕用字姓名可能無法列印",
                f"Only {', '.join(found)}: rare characters in names may not print",
            ),
            fix,
            **facts,
        )
    return _check(
        "receipt_fonts",
        title,
        "fail",
        ("沒有可嵌入收據的中文 TrueType 字型", "No Chinese TrueType font to embed in receipts"),
        fix,
        **facts,
    )


# --- working calendar ----------------------------------------------------------------------------

#: From this month on, next year's official calendar should be imported (DGPA publishes it
#: mid-year); a due date reaching into a year without one is only a weekend-based guess.
CALENDAR_WARN_MONTH = 10
#: In this month a missing calendar of next year fails the check.
CALENDAR_FAIL_MONTH = 12


def calendar_years(settings: Settings) -> set[int]:
    """Years with an official working calendar: the shipped CSVs plus imported days (read-only)."""
    from eservice_desktop.domain.calendar import parse_dgpa_csv
    from eservice_desktop.storage import resources

    years: set[int] = set()
    for path in resources.shipped_calendar_files():
        try:
            years |= {d.year for d in parse_dgpa_csv(path.read_text(encoding="utf-8-sig"))}
        except Exception:  # a damaged shipped file is the database/installation check's matter
            continue
    if settings.db_path.exists():
        from eservice_desktop.storage import cipher, db, dbkey

        try:
            conn = db.raw_connect(settings, read_only=True)
            try:
                rows = conn.execute("SELECT DISTINCT substr(day, 1, 4) FROM calendar_days")
                years |= {int(y) for (y,) in rows.fetchall() if str(y).isdigit()}
            finally:
                conn.close()
        except (cipher.DatabaseError, dbkey.KeyUnavailable, OSError):
            pass  # unreadable, unkeyed or locked: reported by check_database
    return years


def check_calendar(settings: Settings, now: datetime, years: set[int] | None = None) -> Check:
    """This year's official calendar must be there; from October, next year's too (a warning,
    a failure in December)."""
    title = ("辦公日曆", "Working calendar")
    years = calendar_years(settings) if years is None else years
    today = now.astimezone(_TAIPEI).date()
    wanted = [today.year] + ([today.year + 1] if today.month >= CALENDAR_WARN_MONTH else [])
    missing = [y for y in wanted if y not in years]
    fix = (
        "自行政院人事行政總處下載該年度「政府行政機關辦公日曆表」CSV，執行 "
        "eservice-desktop calendar import 檔案.csv",
        "Download that year's government office calendar CSV from the DGPA and run "
        "`eservice-desktop calendar import FILE.csv`",
    )
    facts: dict[str, Any] = {"years": sorted(years), "missing": missing}
    if not missing:
        shown = "、".join(str(y - 1911) for y in sorted(years))
        return _check(
            "calendar",
            title,
            "ok",
            (f"已有民國 {shown} 年", f"Loaded: {', '.join(str(y) for y in sorted(years))}"),
            **facts,
        )
    roc = "、".join(str(y - 1911) for y in missing)
    # In December next year's calendar is days away: without it every due date reaching into
    # January is a guess, so the check fails (from October it warns).
    december = today.month == CALENDAR_FAIL_MONTH and today.year + 1 in missing
    return _check(
        "calendar",
        title,
        "fail" if december else "warn",
        (
            f"缺少民國 {roc} 年辦公日曆：落在該年的處理期限只是暫定（僅以週末推算）",
            f"No working calendar for {', '.join(str(y) for y in missing)}: due dates in that "
            "year are provisional (weekends only)",
        ),
        fix,
        **facts,
    )


# --- shift start: card middleware, trust anchors, CRLs, sync backlog, test print and scan --------


def _aware_utc(value: Any) -> datetime | None:
    """A time read with plain SQL (SQLite keeps it as text): timezone-aware UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _read_rows(settings: Settings, sql: str) -> list[tuple[Any, ...]] | None:
    """Rows of a read-only query, or None when the database cannot be read (check_database
    reports why)."""
    if not settings.db_path.exists():
        return None
    from eservice_desktop.storage import cipher, db, dbkey

    try:
        conn = db.raw_connect(settings, read_only=True)
        try:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()
    except (cipher.DatabaseError, cipher.WrongKey, dbkey.KeyUnavailable, RuntimeError, OSError):
        return None


def check_pkcs11(settings: Settings) -> Check:
    """The MOICA card middleware (a PKCS#11 module) is configured, present and loads."""
    title = ("自然人憑證元件（PKCS#11）", "Citizen certificate middleware (PKCS#11)")
    module = settings.pkcs11_module
    facts: dict[str, Any] = {"module": module}
    install = (
        "安裝內政部憑證管理中心的跨平台網頁元件（HiCOS），並在 settings.json 設定 "
        "pkcs11_module（如 C:\\Windows\\System32\\HiCOSPKCS11.dll）",
        "Install the MOICA HiCOS client and set pkcs11_module in settings.json "
        "(e.g. C:\\Windows\\System32\\HiCOSPKCS11.dll)",
    )
    if not module:
        return _check(
            "pkcs11",
            title,
            "warn",
            (
                "未設定 PKCS#11 模組：無法以自然人憑證驗證身分",
                "No PKCS#11 module configured: citizen certificate proofs are unavailable",
            ),
            install,
            **facts,
        )
    if not Path(module).is_file():
        return _check(
            "pkcs11",
            title,
            "fail",
            (f"找不到 PKCS#11 模組 {module}", f"The PKCS#11 module {module} does not exist"),
            install,
            **facts,
        )
    from eservice_desktop.devices import moica

    try:
        lib = moica._lib(module)
        facts.update(
            manufacturer=str(getattr(lib, "manufacturer_id", "")).strip(),
            description=str(getattr(lib, "library_description", "")).strip(),
            slots=len(lib.get_slots()),
        )
    except moica.CardError as e:
        return _check(
            "pkcs11",
            title,
            "fail",
            (f"PKCS#11 模組無法載入：{e}", f"The PKCS#11 module does not load: {e}"),
            (
                "重新安裝 HiCOS 元件（32／64 位元須與本程式相同）",
                "Reinstall the HiCOS client (its 32/64-bit build must match this program)",
            ),
            **facts,
        )
    name = facts.get("description") or Path(module).name
    return _check(
        "pkcs11",
        title,
        "ok",
        (f"{name}（{facts['slots']} 個插槽）", f"{name} ({facts['slots']} slots)"),
        **facts,
    )


def check_trust_anchors(
    settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Check:
    """The pinned trust anchors (GRCA root, MOICA intermediate) load, and none expires soon."""
    from eservice_desktop.devices import pki

    title = ("憑證信任錨", "Certificate trust anchors")
    folder = settings.trust_anchor_dir
    facts: dict[str, Any] = {"trust_anchor_dir": folder}
    fix = (
        f"將 GRCA 根憑證與 MOICA 中繼憑證放入信任錨目錄，並在 {pki.PIN_FILE} 列出其 SHA-256 "
        "指紋；settings.json 的 trust_anchor_dir 指向該目錄",
        f"Put the GRCA root and MOICA intermediate certificates in the trust anchor directory, "
        f"list their SHA-256 fingerprints in {pki.PIN_FILE}, and point trust_anchor_dir in "
        "settings.json to it",
    )
    if not folder:
        return _check(
            "trust_anchors",
            title,
            "warn",
            (
                "未設定信任錨目錄：無法驗證自然人憑證",
                "No trust anchor directory configured: citizen certificates cannot be validated",
            ),
            fix,
            **facts,
        )
    try:
        store = pki.TrustStore.load(folder)
    except pki.TrustError as e:
        return _check(
            "trust_anchors",
            title,
            "fail",
            (f"信任錨無法使用：{e}", f"The trust anchors are unusable: {e}"),
            fix,
            **facts,
        )
    moment = now()
    anchors: list[dict[str, Any]] = [
        {
            "subject": c.subject.rfc4514_string(),
            "not_after": c.not_valid_after_utc.isoformat(),
            "days_left": (c.not_valid_after_utc - moment).days,
        }
        for c in store.all
    ]
    facts.update(anchors=anchors, ignored=list(store.ignored))
    soonest = min(anchors, key=lambda a: a["days_left"])
    if soonest["days_left"] < 0:
        return _check(
            "trust_anchors",
            title,
            "fail",
            (
                f"信任錨已過期：{soonest['subject']}",
                f"A trust anchor has expired: {soonest['subject']}",
            ),
            fix,
            **facts,
        )
    if soonest["days_left"] < CERT_WARN_DAYS:
        return _check(
            "trust_anchors",
            title,
            "warn",
            (
                f"信任錨 {soonest['days_left']} 天後到期：{soonest['subject']}",
                f"A trust anchor expires in {soonest['days_left']} days: {soonest['subject']}",
            ),
            ("向縣府索取新版信任錨並更新", "Get the renewed trust anchors from the county"),
            **facts,
        )
    return _check(
        "trust_anchors",
        title,
        "ok",
        (
            f"根憑證 {len(store.roots)} 張、中繼憑證 {len(store.intermediates)} 張",
            f"{len(store.roots)} root(s), {len(store.intermediates)} intermediate(s)",
        ),
        **facts,
    )


def check_crl(settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Check:
    """The cached CRLs/ARLs: one past its nextUpdate fails (revocation is unknown, so MOICA
    proofs are refused or need an override); one issued more than ``crl_max_age_h`` ago warns."""
    title = ("憑證廢止清冊（CRL）", "Certificate revocation lists (CRL)")
    facts: dict[str, Any] = {"crl_urls": settings.crl_urls.split(), "max_age_h": 0.0}
    facts["max_age_h"] = settings.crl_max_age_h
    fix = (
        "確認可連線 crl_urls 所列網址（防火牆）後執行 eservice-desktop crl update；"
        "離線時可自他處下載後以 crl update --file 檔案 匯入",
        "Check the CRL URLs in crl_urls are reachable (firewall), then run "
        "`eservice-desktop crl update`; offline, download them elsewhere and "
        "`crl update --file FILE`",
    )
    rows = _read_rows(
        settings, "SELECT issuer, kind, this_update, next_update, fetched_at FROM crl_cache"
    )
    lists = [
        {
            "issuer": issuer,
            "kind": kind,
            "this_update": _aware_utc(this),
            "next_update": _aware_utc(nxt),
            "fetched_at": _aware_utc(fetched),
        }
        for issuer, kind, this, nxt, fetched in rows or []
    ]
    if not lists:
        wanted = bool(settings.crl_urls.split() or settings.trust_anchor_dir)
        return _check(
            "crl",
            title,
            "fail" if wanted else "warn",
            (
                "尚無任何廢止清冊：自然人憑證的廢止狀態無法確認",
                "No CRL yet: the revocation status of citizen certificates is unknown",
            ),
            fix,
            **facts,
        )
    moment = now()
    stale = [x for x in lists if x["next_update"] is None or x["next_update"] < moment]
    oldest = max(lists, key=lambda x: moment - x["this_update"])
    age_h = (moment - oldest["this_update"]).total_seconds() / 3600
    facts["lists"] = [
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in x.items()} for x in lists
    ]
    facts["oldest_age_h"] = round(age_h, 1)
    if stale:
        who = stale[0]["issuer"]
        return _check(
            "crl",
            title,
            "fail",
            (
                f"廢止清冊已過期（下次更新時間已過）：{who}",
                f"A CRL is past its next update: {who}",
            ),
            fix,
            **facts,
        )
    if age_h > settings.crl_max_age_h:
        return _check(
            "crl",
            title,
            "warn",
            (
                f"最舊的廢止清冊於 {age_h:.0f} 小時前發布（上限 {settings.crl_max_age_h:.0f}）",
                f"The oldest CRL was issued {age_h:.0f} h ago "
                f"(limit {settings.crl_max_age_h:.0f} h)",
            ),
            fix,
            **facts,
        )
    return _check(
        "crl",
        title,
        "ok",
        (
            f"{len(lists)} 份，最舊 {age_h:.0f} 小時前發布",
            f"{len(lists)} list(s), the oldest issued {age_h:.0f} h ago",
        ),
        **facts,
    )


def check_sync_backlog(
    settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Check:
    """How long this device's oldest event not yet acknowledged by the county has waited."""
    title = ("待送縣府資料", "Sync backlog")
    facts: dict[str, Any] = {
        "warn_h": settings.sync_backlog_warn_h,
        "max_h": settings.sync_backlog_max_h,
    }
    rows = _read_rows(
        settings,
        "SELECT count(*), min(at) FROM events WHERE origin = 'local' AND acked_at IS NULL",
    )
    if rows is None:
        return _check(
            "sync_backlog",
            title,
            "warn",
            ("無法讀取資料庫", "The database cannot be read"),
            ("見「資料庫完整性與版本」", "See 'Database integrity and revision'"),
            **facts,
        )
    count, oldest = rows[0]
    facts["pending"] = int(count or 0)
    if not count:
        return _check("sync_backlog", title, "ok", ("沒有待送資料", "Nothing waiting"), **facts)
    since = _aware_utc(oldest)
    assert since is not None
    age_h = (now() - since).total_seconds() / 3600
    facts.update(oldest_at=since.isoformat(), oldest_age_h=round(age_h, 2))
    fix = (
        "確認縣府伺服器可連線（見「縣府伺服器連線」）、同步服務執行中（Windows：sc query "
        "eservice-sync；Linux：systemctl status eservice-sync），再執行 eservice-desktop sync once",
        "Check the county server is reachable (see 'County server'), the sync service runs "
        "(Windows: sc query eservice-sync; Linux: systemctl status eservice-sync), then run "
        "`eservice-desktop sync once`",
    )
    detail = (
        f"{count} 筆待送，最舊的已等候 {age_h:.1f} 小時",
        f"{count} waiting, the oldest for {age_h:.1f} h",
    )
    if age_h > settings.sync_backlog_max_h:
        return _check("sync_backlog", title, "fail", detail, fix, **facts)
    if age_h > settings.sync_backlog_warn_h:
        return _check("sync_backlog", title, "warn", detail, fix, **facts)
    return _check("sync_backlog", title, "ok", detail, **facts)


#: Seconds a test print may take to leave the CUPS queue.
TEST_PRINT_TIMEOUT_S = 20.0


def check_page(settings: Settings, moment: datetime) -> bytes:
    """A one-page PDF that names this counter and the time (no personal data)."""
    import io

    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(80 * mm, 60 * mm))
    c.setFont("Helvetica-Bold", 11)
    c.drawString(5 * mm, 50 * mm, "eservice-desktop test print")
    c.setFont("Helvetica", 9)
    c.drawString(5 * mm, 42 * mm, f"Office {settings.office_code}, counter {settings.device_id}")
    local = moment.astimezone(_TAIPEI)
    c.drawString(5 * mm, 36 * mm, f"{local:%Y-%m-%d %H:%M} (Taipei)")
    c.drawString(5 * mm, 30 * mm, f"Queue: {settings.printer_name or '-'}")
    c.showPage()
    c.save()
    return out.getvalue()


def check_test_print(
    settings: Settings,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    timeout: float = TEST_PRINT_TIMEOUT_S,
) -> Check:
    """Prints a small test page to the configured queue through CUPS (``lp``) and waits until
    the job has left the queue (CUPS ``completed``)."""
    title = ("測試列印", "Test print")
    queue = settings.printer_name
    facts: dict[str, Any] = {"printer": queue}
    if not queue:
        return _check(
            "test_print",
            title,
            "warn",
            (
                "未設定收據印表機（printer_name），無法測試列印",
                "No receipt printer configured (printer_name): nothing to test",
            ),
            (
                "在 settings.json 設定 printer_name 為收據印表機佇列",
                "Set printer_name in settings.json to the receipt printer's queue",
            ),
            **facts,
        )
    if sys.platform == "win32" or shutil.which("lp") is None:
        return _check(
            "test_print",
            title,
            "warn",
            ("此電腦沒有 CUPS 的 lp 指令", "CUPS' lp command is not available here"),
            (
                "Linux：apt install cups-client；Windows：由櫃檯程式列印收據以測試",
                "Linux: apt install cups-client; Windows: test by printing a receipt from the "
                "counter window",
            ),
            **facts,
        )
    import tempfile

    with tempfile.TemporaryDirectory(prefix="eservice-testprint-") as tmp:
        page = Path(tmp) / "test-print.pdf"
        page.write_bytes(check_page(settings, now()))
        sent = _run(["lp", "-d", queue, "-t", "eservice-desktop test print", str(page)])
    fix = (
        f"確認印表機 {queue} 已開機、連線且有紙；lpstat -p {queue} 查看狀態，"
        f"cupsenable {queue} 重新啟用佇列",
        f"Check that the printer {queue} is on, connected and has paper; `lpstat -p {queue}` "
        f"shows its state, `cupsenable {queue}` re-enables the queue",
    )
    if sent is None or sent.returncode != 0:
        error = (sent.stderr.strip() if sent else "lp did not run")[:200]
        facts["error"] = error
        return _check(
            "test_print",
            title,
            "fail",
            (
                f"無法送出測試頁到 {queue}：{error}",
                f"The test page was not accepted by {queue}: {error}",
            ),
            fix,
            **facts,
        )
    job = next((w for w in sent.stdout.split() if w.startswith(f"{queue}-")), "")
    facts["job"] = job
    import time

    deadline = time.monotonic() + timeout
    while True:
        waiting = _run(["lpstat", "-W", "not-completed", "-o", queue])
        pending = waiting.stdout.split() if waiting is not None else []
        if job and job not in pending:
            break
        if time.monotonic() > deadline:
            return _check(
                "test_print",
                title,
                "fail",
                (
                    f"測試頁 {job} 在 {timeout:.0f} 秒內未印出",
                    f"The test page {job} did not print within {timeout:.0f} s",
                ),
                fix,
                **facts,
            )
        time.sleep(0.2)
    return _check(
        "test_print",
        title,
        "ok",
        (f"測試頁已送至 {queue}（{job}）", f"Test page printed on {queue} ({job})"),
        **facts,
    )


def check_test_scan(settings: Settings, wait_s: float = 0.0) -> Check:
    """A serial scanner: its port opens at the configured speed and, when ``wait_s`` is given,
    a code scanned within that time arrives. A keyboard-wedge scanner types into the window:
    the window's search field is where to try it."""
    title = ("測試掃描", "Test scan")
    port = settings.scanner_serial_port
    facts: dict[str, Any] = {"port": port, "baud": settings.scanner_serial_baud}
    if not port:
        return _check(
            "test_scan",
            title,
            "ok",
            (
                "鍵盤模式掃描器：請在櫃檯程式的搜尋欄掃描任一條碼測試",
                "Keyboard-wedge scanner: scan any code into the window's search field to test it",
            ),
            mode="keyboard",
            **facts,
        )
    fix = (
        "接上掃描器並確認 settings.json 的 scanner_serial_port 與 scanner_serial_baud；"
        "Windows 請關閉其他占用該序列埠的程式",
        "Plug the scanner in and check scanner_serial_port and scanner_serial_baud in "
        "settings.json; on Windows close any other program holding the port",
    )
    try:
        import serial

        conn = serial.Serial(port, settings.scanner_serial_baud, timeout=0.2)
    except Exception as e:  # pyserial raises SerialException / OSError / ValueError
        return _check(
            "test_scan",
            title,
            "fail",
            (
                f"掃描器序列埠 {port} 無法開啟（{type(e).__name__}）",
                f"The scanner port {port} does not open ({type(e).__name__})",
            ),
            fix,
            mode="serial",
            **facts,
        )
    try:
        if wait_s <= 0:
            return _check(
                "test_scan",
                title,
                "ok",
                (f"掃描器序列埠 {port} 可開啟", f"The scanner port {port} opens"),
                mode="serial",
                **facts,
            )
        import time

        deadline = time.monotonic() + wait_s
        received = b""
        while time.monotonic() < deadline and not received.rstrip(b"\r\n"):
            received += conn.readline()
    finally:
        conn.close()
    code = received.strip()
    facts["received_chars"] = len(code)  # the code itself is not kept: it may be personal
    if not code:
        return _check(
            "test_scan",
            title,
            "fail",
            (
                f"{wait_s:.0f} 秒內沒有收到掃描資料（{port}）",
                f"No scan arrived on {port} within {wait_s:.0f} s",
            ),
            fix,
            mode="serial",
            **facts,
        )
    return _check(
        "test_scan",
        title,
        "ok",
        (
            f"收到掃描資料 {len(code)} 字元（{port}）",
            f"A scan of {len(code)} characters arrived on {port}",
        ),
        mode="serial",
        **facts,
    )


# --- all of them ---------------------------------------------------------------------------------

#: What ``doctor --shift-start`` runs (the GUI shows it at the first login of the day): what a
#: counter needs to serve citizens today, the test print and the test scan included.
SHIFT_START = (
    "database",
    "backup",
    "calendar",
    "county",
    "enrolment",
    "sync_backlog",
    "card_readers",
    "pkcs11",
    "trust_anchors",
    "crl",
    "printers",
    "test_print",
    "scanners",
    "test_scan",
)


def run_checks(
    settings: Settings,
    *,
    network: bool = True,
    timeout: float = 3.0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    shift_start: bool = False,
    test_print: bool = False,
    scan_wait_s: float = 0.0,
) -> Report:
    """Every check in the order IT reads them; ``network=False`` skips the county probe;
    ``now`` is the clock (tests pass a fixed one). ``shift_start`` runs the shift-start set
    (``SHIFT_START``, with the test print and the test scan); ``test_print`` adds the test print
    to the full set; ``scan_wait_s`` waits that long for a scan on a serial scanner."""
    wanted: Callable[[str], bool] = (
        (lambda key: key in SHIFT_START) if shift_start else (lambda key: True)
    )
    makers: list[tuple[str, Callable[[], Check]]] = [
        ("version", check_version),
        ("data_dir", lambda: check_data_dir(settings)),
        ("database", lambda: check_database(settings)),
        ("chain", lambda: check_chain(settings)),
        ("backup", lambda: check_backup(settings, now=now)),
        ("office", lambda: check_office(settings)),
        ("calendar", lambda: check_calendar(settings, now())),
    ]
    if network:
        makers.append(("county", lambda: check_county(settings, timeout=timeout)))
    makers += [
        ("enrolment", lambda: check_enrolment(settings)),
        ("sync_backlog", lambda: check_sync_backlog(settings, now=now)),
        ("keyring", check_keyring),
        ("card_readers", check_card_readers),
        ("pkcs11", lambda: check_pkcs11(settings)),
        ("trust_anchors", lambda: check_trust_anchors(settings, now=now)),
        ("crl", lambda: check_crl(settings, now=now)),
        ("printers", lambda: check_printers(settings)),
    ]
    if shift_start or test_print:
        makers.append(("test_print", lambda: check_test_print(settings, now=now)))
    makers.append(("scanners", lambda: check_scanners(settings)))
    if shift_start or scan_wait_s > 0:
        makers.append(("test_scan", lambda: check_test_scan(settings, scan_wait_s)))
    makers += [("fonts", check_fonts), ("receipt_fonts", check_receipt_fonts)]
    return Report([make() for key, make in makers if wanted(key)], shift_start=shift_start)
