"""This device's enrolment with the county: recorded in the database, its credential in the
keyring and, with the network, taken by the county."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.services.doctor.report import KEYRING_SERVICE, Check, Verdict, _check

_ENROLMENT = ("本機登記", "Device enrolment")


def _enrol_fix(settings: Settings) -> tuple[str, str]:
    """The enrolment command with this counter's county URL filled in (the line said
    ``--server URL``, and IT looked the URL up in settings.json)."""
    url = settings.county_url
    return (
        f"以縣府核發的一次性登記碼執行：eservice-desktop sync enrol --server {url} --code 登記碼",
        f"Run `eservice-desktop sync enrol --server {url} --code CODE` with the county's one-time "
        "code",
    )


#: The enrolment is kept in the database: one that is lost or cannot be read says nothing of
#: it, and `sync enrol` then would make an empty database and enrol it as a new counter (the
#: county's next free number), so the fix is the database line's, never a new code.
_RECORD_UNKNOWN = (
    "見「資料庫完整性與版本」；勿重新登記：登記紀錄在資料庫與其備份中",
    "See 'Database integrity and revision'; do not enrol again: the enrolment is recorded in "
    "the database and its backups",
)


def _enrolled_record(settings: Settings) -> tuple[dict[str, Any] | None, str | None, str]:
    """What the database records of the enrolment, the data directory's installation id and
    the last good sync round's time (any process's). Raises :class:`Verdict` when the
    database that would say it is lost or cannot be read."""
    from eservice_desktop.services import backup
    from eservice_desktop.services.database import present

    if not present(settings):
        if backup.list_backups(settings):  # lost: its backups hold the enrolment
            raise Verdict(
                "warn",
                (
                    "找不到資料庫：先還原備份，登記紀錄隨之還原",
                    "The database is missing: restore a backup first, the enrolment comes back "
                    "with it",
                ),
                _RECORD_UNKNOWN,
            )
        return None, None, ""
    from eservice_desktop.storage import cipher, db

    try:
        conn = db.raw_connect(settings, read_only=True)
        try:
            row = conn.execute("SELECT value FROM sync_state WHERE name = 'enrolled'").fetchone()
            iid = conn.execute(
                "SELECT value FROM sync_state WHERE name = 'installation_id'"
            ).fetchone()
            synced = conn.execute(
                "SELECT value FROM sync_state WHERE name = 'last_success'"
            ).fetchone()
        finally:
            conn.close()
        return (
            (json.loads(row[0]) if row else None),
            (iid[0] if iid and iid[0] else None),
            (synced[0] if synced and synced[0] else ""),
        )
    except (cipher.DatabaseError, RuntimeError, ValueError, OSError):  # key, damage
        raise Verdict(
            "warn",
            ("無法讀取資料庫，無法確認登記", "The database cannot be read: enrolment unknown"),
            _RECORD_UNKNOWN,
        ) from None


def _credential(account: str, legacy: str | None, facts: dict[str, Any]) -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, account) or (
            keyring.get_password(KEYRING_SERVICE, legacy) if legacy else None
        )
    except Exception as e:  # keyring raises backend-specific errors (no D-Bus, locked vault, ...)
        facts["keyring_error"] = type(e).__name__
        return None


def stored_credential(settings: Settings) -> str | None:
    """This data directory's credential in this account's keyring, or None (none there, or
    the database that names its entry cannot be read)."""
    try:
        info, installation, _ = _enrolled_record(settings)
    except Verdict:
        return None
    legacy = account = f"county:{settings.office_code}-{settings.device_id}"
    if installation:
        account = f"{account}:{installation}"
    return _credential(account, legacy if info else None, {})


def _revoked_fix(key: str) -> tuple[str, str]:
    # a revoked device takes no replacement code (county IT's enrol-code refuses it)
    return (
        f"縣府已撤銷 {key}：請洽縣府資訊人員（撤銷的設備不能以取代碼重新登記）",
        f"The county revoked {key}: ask county IT (a revoked device takes no replacement code)",
    )


def _replace_fix(settings: Settings) -> tuple[str, str]:
    """A credential the county no longer knows (another PC took it with a replacement code)."""
    office, device = settings.office_code, settings.device_id
    return (
        f"請縣府資訊人員核發取代碼（eservice-county-server enrol-code --office {office} "
        f"--device {device}），再執行 sync enrol",
        f"Ask county IT for a replacement code (eservice-county-server enrol-code --office "
        f"{office} --device {device}), then run `sync enrol`",
    )


def _county_takes(settings: Settings, credential: str, key: str, timeout: float) -> None:
    """The county's word on the credential (its ``/v1/status``, which asks for it): a device
    the county revoked, or whose credential a replacement code gave to another PC, failed
    every sync round (HTTP 403 / 401) while this line said 已登記. Any other failure (no
    answer, TLS) is the county line's to say."""
    from eservice_desktop.county_link.errors import AuthError, SyncError, sync_error_message
    from eservice_desktop.services.doctor.county import ask_county

    try:
        ask_county(settings, credential, timeout, lambda c: c.status())
    except AuthError as e:
        raise Verdict(
            "fail",
            (
                f"{key} 已登記，但縣府不接受本機憑證：{sync_error_message(e, 'zh_TW')}",
                f"{key} is enrolled, but the county refuses its credential: "
                f"{sync_error_message(e, 'en')}",
            ),
            _revoked_fix(key) if e.status == 403 else _replace_fix(settings),
        ) from None
    except (SyncError, OSError, ValueError):
        return  # unreachable, TLS, a URL it cannot use: the county line says it


def _synced_by_another_account(settings: Settings, synced: str, now: datetime) -> bool:
    """A good round within ``sync_backlog_warn_h``: the sync service, under its own account
    (LocalSystem, ``eservice``) with the credential in its own keyring, syncs this database."""
    try:
        at = datetime.fromisoformat(synced)
    except ValueError:
        return False
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return timedelta(0) <= now - at <= timedelta(hours=settings.sync_backlog_warn_h)


def _without_credential(
    settings: Settings, facts: dict[str, Any], synced: str, now: datetime
) -> Check:
    """Enrolled, with no credential in this account's keyring: a failure, but for a demo
    counter that enrols itself at every start (``services.sync.credentials.enrols_itself``)
    and for a window whose sync service, under its own account, syncs: the clerk's
    shift-start check failed 本機登記 every morning at every installed counter, and sent the
    clerk to enrol again."""
    from eservice_desktop.services.sync.credentials import enrols_itself

    if _synced_by_another_account(settings, synced, now):
        zh, en = _when(synced)
        return _check(
            "enrolment",
            _ENROLMENT,
            "ok",
            (
                f"已登記；本帳號金鑰圈中沒有本機憑證，由同步服務以其帳號同步（上次同步成功 {zh}）",
                "Enrolled; this account's keyring holds no credential: the sync service syncs "
                f"under its own account (last good sync {en})",
            ),
            **facts,
        )

    if enrols_itself(settings):
        return _check(
            "enrolment",
            _ENROLMENT,
            "warn",
            (
                "示範模式：金鑰圈中沒有本機憑證，視窗每次啟動自動向本機的示範縣府重新登記",
                "Demo: the keyring holds no credential; the window enrols again with the demo "
                "county on this machine at every start",
            ),
            (
                "示範不需處理；正式櫃檯須有金鑰圈，並以登記碼登記：" + _enrol_fix(settings)[0],
                "Nothing for the demo; a real counter needs a keyring and enrols with a code: "
                + _enrol_fix(settings)[1],
            ),
            **facts,
        )
    return _check(
        "enrolment",
        _ENROLMENT,
        "fail",
        (
            "資料庫記錄已登記，但金鑰圈中沒有本機憑證（不同使用者帳號或金鑰圈被清除）",
            "The database says enrolled but the keyring holds no credential (another user "
            "account, or the keyring was cleared)",
        ),
        (
            "以同步服務使用的帳號重新登記：" + _enrol_fix(settings)[0],
            "Enrol again under the account the sync service runs as: " + _enrol_fix(settings)[1],
        ),
        **facts,
    )


def _when(at: str) -> tuple[str, str]:
    """The enrolment's time as the counter shows times: Taipei, the ROC year in Chinese
    (115/11/02 13:01), the Western year in English. The line showed the stored UTC text,
    2026-11-02T05:01:57.421453+00:00, to the microsecond and eight hours off the office's."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at, at
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TAIPEI)
    return roc_minute(moment), f"{local:%Y-%m-%d %H:%M}"


def check_enrolment(
    settings: Settings, network: bool = False, timeout: float = 3.0, now: datetime | None = None
) -> Check:
    """The device is enrolled when the database records it and the keyring holds its credential
    (and, with ``network``, the county takes that credential), or another account's sync
    service syncs it (a good round lately)."""
    legacy = account = f"county:{settings.office_code}-{settings.device_id}"
    try:
        info, installation, synced = _enrolled_record(settings)
    except Verdict as v:
        return v.check("enrolment", _ENROLMENT)
    if installation:  # the data directory's own entry (services.sync.keyring_account)
        account = f"{account}:{installation}"
    facts: dict[str, Any] = {"keyring_account": account}
    credential = _credential(account, legacy if info else None, facts)
    facts.update(enrolled=info, credential=credential is not None)
    if info and credential:
        at, key = info.get("at", ""), info.get("device_key", "?")
        if network:
            try:
                _county_takes(settings, credential, str(key), timeout)
            except Verdict as v:
                return v.check("enrolment", _ENROLMENT, **facts)
        zh, en = _when(str(at))
        return _check(
            "enrolment",
            _ENROLMENT,
            "ok",
            (f"已登記為 {key}（{zh}）", f"Enrolled as {key} ({en})"),
            **facts,
        )
    if info:
        return _without_credential(settings, facts, synced, now or datetime.now(UTC))
    return _check(
        "enrolment",
        _ENROLMENT,
        "warn",
        ("本機尚未向縣府登記", "This device is not enrolled yet"),
        _enrol_fix(settings),
        **facts,
    )
