"""The office this counter serves: its code in the catalogue, next year's working calendar, and how
old the events still waiting for the county are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from eservice_desktop.config import Settings
from eservice_desktop.county_link.transport import is_loopback, port_fault
from eservice_desktop.domain.office_zone import TAIPEI as _TAIPEI
from eservice_desktop.domain.values import COUNTER_RE
from eservice_desktop.services.doctor.report import (
    Check,
    Verdict,
    _aware_utc,
    _check,
    _read_rows,
)

_OFFICE = ("事務所設定", "Office settings")


def _office_entry(settings: Settings) -> dict[str, Any]:
    """The catalogue's entry for the office code and a valid device number, or the verdict."""
    from eservice_desktop.storage.resources import read_json

    offices = {o["code"]: o for o in read_json("catalogue", "offices.json")["offices"]}
    office: dict[str, Any] | None = offices.get(settings.office_code)
    where = settings.data_dir / "settings.json"
    if office is None:
        raise Verdict(
            "fail",
            (
                f"事務所代碼 {settings.office_code} 不在目錄中",
                f"Office code {settings.office_code} is not in the catalogue",
            ),
            (
                f"在 {where} 設定 office_code（如 H01），或以 OFFICE_CODE 重新安裝",
                f"Set office_code (e.g. H01) in {where}, or reinstall with OFFICE_CODE",
            ),
        )
    if not COUNTER_RE.fullmatch(settings.device_id):
        raise Verdict(
            "fail",
            (
                f"櫃檯編號 {settings.device_id!r} 格式錯誤",
                f"Bad device number {settings.device_id!r}",
            ),
            (
                f"在 {where} 設定 device_id（01 到 99，如 01），同一事務所內不可重複",
                f"Set device_id (01 to 99, e.g. 01) in {where}; unique inside the office",
            ),
        )
    return office


def url_unusable(url: str) -> bool:
    """No county could answer at this URL: not http(s), no host, or a port no server listens
    on (``https://county.gov.tw:99999``, ``:0``)."""
    if port_fault(url):
        return True
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https") or not parts.hostname


def bad_url_verdict(url: str, name: str = "", name_en: str = "") -> Verdict:
    """The county URL is not valid: what the office check and the county probe both say."""
    lead, lead_en = (f"{name}；", f"{name_en}; county") if name else ("", "County")
    return Verdict(
        "fail",
        (
            f"{lead}縣府伺服器網址 {url!r} 無效",
            f"{lead_en} server URL {url!r} is not valid",
        ),
        (
            "設定 county_url（https://…），或以 COUNTY_SERVER_URL 重新安裝",
            "Set county_url (https://...), or reinstall with COUNTY_SERVER_URL",
        ),
    )


def _county_url(settings: Settings, name: str, name_en: str) -> None:
    """A county URL the counter may use: https with the county's CA, or http on loopback."""
    if url_unusable(settings.county_url):
        raise bad_url_verdict(settings.county_url, name, name_en)
    parts = urlsplit(settings.county_url)
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        raise Verdict(
            "fail",
            (
                f"{name}；縣府伺服器使用未加密的 http",
                f"{name_en}; the county server URL is plain http",
            ),
            (
                "改用 https 網址並設定 county_ca_file（縣府 CA 憑證）",
                "Use the https URL and set county_ca_file (the county CA certificate)",
            ),
        )
    if parts.scheme == "https" and not settings.county_ca_file:
        raise Verdict(
            "fail",
            (f"{name}；未設定縣府 CA 憑證", f"{name_en}; no county CA certificate configured"),
            (
                "在 settings.json 設定 county_ca_file（PEM 檔路徑）",
                "Set county_ca_file (path of the PEM file) in settings.json",
            ),
        )


def _identity_set(settings: Settings, name: str, name_en: str) -> None:
    """The office code and county URL that IT set nowhere (``Settings.unset``): the counter
    runs as the defaults' office H01 with a county on loopback. Doctor said OK of that, and a
    new office whose setup was skipped took its first cases under H01's numbers, the database
    that counter's for good (a demo runs so on purpose)."""
    if not settings.unset or settings.demo:
        return
    keys = "、".join(settings.unset)
    raise Verdict(
        "warn",
        (
            f"{name}；尚未設定 {keys}，目前使用預設值（收第一件案件起，本機資料庫即屬於此櫃檯）",
            f"{name_en}; {keys.replace('、', ', ')} not set: the defaults are in use (from the "
            "first case on, the database belongs to this counter)",
        ),
        (
            "收件前執行 eservice-desktop setup --office 本所代碼 --device 櫃檯編號 "
            "--county-url 縣府網址 --county-ca-file 縣府CA.pem",
            "Before the first case, run eservice-desktop setup --office CODE --device NN "
            "--county-url URL --county-ca-file CA.pem",
        ),
    )


def _not_demo(settings: Settings, name: str, name_en: str) -> None:
    if settings.demo:
        raise Verdict(
            "warn",
            (f"{name}；示範模式開啟", f"{name_en}; demo mode is on"),
            (
                "正式櫃檯請在 settings.json 設定 demo 為 false",
                "Set demo to false in settings.json on a production counter",
            ),
        )


def _sign_in_held(settings: Settings, name: str, name_en: str) -> None:
    """A sign-in setting looser than the default was not taken (``config.STRICTER``)."""
    if not settings.held_back:
        return
    held = ", ".join(f"{k} ({getattr(settings, k):g})" for k in settings.held_back)
    envs = ", ".join(f"ESERVICE_{k.upper()}" for k in settings.held_back)
    raise Verdict(
        "warn",
        (
            f"{name}；登入設定比預設寬鬆，未採用，仍用：{held}",
            f"{name_en}; sign-in settings looser than the default were not taken, in use: {held}",
        ),
        (
            f"登入鎖定與閒置鎖定只能設得比預設嚴格；請修正 settings.json 或 {envs}",
            f"Sign-in lockout and idle lock may only be stricter than the default; "
            f"correct settings.json or {envs}",
        ),
    )


def _database_is_this_counters(settings: Settings, name: str, name_en: str) -> None:
    """The database holds events of this office and counter only (``core`` refuses to open it
    as another: every command and the window said 此資料庫屬於櫃檯 H02-01 while this line
    said the settings were fine)."""
    heads = _read_rows(settings, "SELECT office, device FROM event_chain_heads")
    if not heads or (settings.office_code, settings.device_id) in heads:
        return  # no event yet (or unreadable: the database line says why)
    owner = "、".join(f"{o}-{d}" for o, d in sorted(heads))
    asked = f"{settings.office_code}-{settings.device_id}"
    raise Verdict(
        "fail",
        (
            f"{name}；但資料庫屬於櫃檯 {owner}，本程式與同步服務都不會開啟",
            f"{name_en}; but the database belongs to counter {owner.replace('、', ', ')}: "
            "neither the window nor any command opens it",
        ),
        (
            f"把 settings.json 的 office_code／device_id 改回 {owner}（或去掉指令的 --office／"
            f"--device；ESERVICE_OFFICE_CODE／ESERVICE_DEVICE_ID），不是 {asked}",
            f"Set office_code/device_id in settings.json back to {owner.replace('、', ', ')} "
            f"(or drop --office/--device, ESERVICE_OFFICE_CODE/ESERVICE_DEVICE_ID), not {asked}",
        ),
    )


def check_office(settings: Settings) -> Check:
    """The office code is in the catalogue, the device number is valid, the county URL is safe,
    and demo mode is off."""
    facts: dict[str, Any] = {
        "office_code": settings.office_code,
        "device_id": settings.device_id,
        "county_url": settings.county_url,
        "demo": settings.demo,
        "held_back": list(settings.held_back),
        "unset": list(settings.unset),
    }
    try:
        office = _office_entry(settings)
        facts["office_name"] = office["name"]
        name = f"{office['name']}（{settings.office_code}）櫃檯 {settings.device_id}"
        name_en = (
            f"{office.get('name_en', office['code'])} ({settings.office_code}), "
            f"counter {settings.device_id}"
        )
        _database_is_this_counters(settings, name, name_en)
        _county_url(settings, name, name_en)
        _identity_set(settings, name, name_en)
        _sign_in_held(settings, name, name_en)
        _not_demo(settings, name, name_en)
    except Verdict as v:
        return v.check("office", _OFFICE, **facts)
    return _check("office", _OFFICE, "ok", (name, name_en), **facts)


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
    from eservice_desktop.services.database import present

    if present(settings):
        from eservice_desktop.storage import cipher, db, dbkey

        try:
            conn = db.raw_connect(settings, read_only=True)
            try:
                rows = conn.execute("SELECT DISTINCT substr(day, 1, 4) FROM calendar_days")
                years |= {int(y) for (y,) in rows.fetchall() if str(y).isdigit()}
            finally:
                conn.close()
        except (cipher.DatabaseError, cipher.WrongKey, dbkey.KeyUnavailable, OSError):
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


#: The events waiting for the county and the time of the oldest: the first written (lowest
#: ``seq``) of each counter's. Counted from the outbox index's entries alone, one row read per
#: counter: ``min(at)`` over the outbox read the row of every waiting event (71 s at 6.6
#: million). No ``INDEXED BY``: the doctor also reads a database not upgraded yet.
BACKLOG_SQL = (
    "SELECT count(*), (SELECT min(e.at) FROM (SELECT min(seq) AS seq FROM events"
    " WHERE origin = 'local' AND acked_at IS NULL GROUP BY office, device) AS w"
    " CROSS JOIN events AS e ON e.seq = w.seq)"
    " FROM events WHERE origin = 'local' AND acked_at IS NULL"
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
    rows = _read_rows(settings, BACKLOG_SQL)
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
    if _read_rows(settings, RESTORED_SQL):
        return _restored_check(title, facts)
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
    if not _read_rows(settings, "SELECT 1 FROM sync_state WHERE name = 'enrolled'"):
        fix = (  # `sync once` cannot send anything before the device is enrolled
            "本機尚未向縣府登記：先執行 eservice-desktop sync enrol（見「本機登記」），"
            "待送資料於登記後第一次同步時送出",
            "This device is not enrolled with the county: run `eservice-desktop sync enrol` "
            "first (see 'Device enrolment'); what waits is sent at the first sync after it",
        )
    zh_age, en_age = _waited(age_h)
    detail = (f"{count} 筆待送，最舊的已等候 {zh_age}", f"{count} waiting, the oldest for {en_age}")
    if age_h > settings.sync_backlog_max_h:
        return _check("sync_backlog", title, "fail", detail, fix, **facts)
    if age_h > settings.sync_backlog_warn_h:
        return _check("sync_backlog", title, "warn", detail, fix, **facts)
    return _check("sync_backlog", title, "ok", detail, **facts)


#: The mark of a restore whose ``sync recover`` has not run (services/restore_guard.py).
RESTORED_SQL = "SELECT 1 FROM sync_state WHERE name = 'restore_recover_pending'"


def _restored_check(title: tuple[str, str], facts: dict[str, Any]) -> Check:
    """A restored database that has not got its later events back from the county refuses
    every write of the counter: the doctor says so, where it said nothing waited."""
    return _check(
        "sync_backlog",
        title,
        "fail",
        (
            "資料庫由備份還原後尚未自縣府取回資料（sync recover）：本機暫不能寫入案件與收款",
            "The database was restored from a backup and has not got its data back from the "
            "county (sync recover): this counter cannot record cases or payments meanwhile",
        ),
        (
            "確認縣府伺服器可連線（見「縣府伺服器連線」）後執行 eservice-desktop sync recover"
            "（同步服務連上縣府時亦會自動執行）",
            "Check the county server is reachable (see 'County server'), then run "
            "`eservice-desktop sync recover` (the sync service also runs it once it reaches "
            "the county)",
        ),
        restore_recover_pending=True,
        **facts,
    )


def _waited(age_h: float) -> tuple[str, str]:
    """How long the oldest event waited: hours within two days, days after (it read
    「1370.1 小時」 for eight weeks)."""
    if age_h < 48:
        return f"{age_h:.1f} 小時", f"{age_h:.1f} h"
    days = age_h / 24
    return f"{days:.0f} 天", f"{days:.0f} days"
