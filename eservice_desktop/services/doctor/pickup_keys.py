"""The county's pickup keys at this desk: the public keys that verify a citizen's MMS code.

Doctor said nothing of them: a desk whose keys never arrived, were all retired, or lacked the
key the county signs with today refused every MMS code at the pickup desk (簽章金鑰不在本機)
while doctor said all was well. Checked here: present, each one whole (its id derived from
its key, Ed25519), one in force now and not only until a date (the county's next key not
here yet), no demo key outside a demo, and (with the network and a credential) the county's
key in force held here and no key here the county never published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.services.doctor.report import (
    CERT_WARN_DAYS,
    Check,
    Verdict,
    _aware_utc,
    _check,
    _read_rows,
)

_TITLE = ("縣府領件金鑰", "County pickup keys")
_SYNC_FIX = (
    "執行 eservice-desktop sync once（金鑰隨同步取得），仍無則請縣府資訊人員重新發布金鑰",
    "Run `eservice-desktop sync once` (the keys come with sync); if still missing, ask county IT "
    "to publish the keys again",
)
_TAMPER_FIX = (
    "勿交付以此金鑰驗證的領件碼，請通知縣府資訊人員與本所主管，保留資料庫與備份",
    "Hand over nothing on a code this key verifies; tell county IT and the office head, keep "
    "the database and its backups",
)


@dataclass(frozen=True)
class _Stored:
    kid: str
    whole: bool
    key: pt.CountyKey


def _stored(settings: Settings) -> list[_Stored] | None:
    rows = _read_rows(
        settings,
        "SELECT kid, alg, public_key, not_before, not_after, retired_at, demo FROM county_keys",
    )
    if rows is None:
        return None
    out = []
    for kid, alg, stored, not_before, not_after, retired_at, demo in rows:
        public = bytes(stored or b"")
        whole = alg == "Ed25519" and len(public) == 32 and pt.key_id(public) == kid
        start = _aware_utc(not_before)
        assert start is not None  # NOT NULL
        key = pt.CountyKey(
            str(kid), public, start, _aware_utc(not_after), _aware_utc(retired_at), bool(demo)
        )
        out.append(_Stored(str(kid), whole, key))
    return out


def _in_force(key: pt.CountyKey, now: datetime) -> bool:
    return key.not_before <= now and (key.end is None or now < key.end)


def _synced_once(settings: Settings) -> bool:
    rows = _read_rows(settings, "SELECT value FROM sync_state WHERE name = 'last_success'")
    return bool(rows and rows[0][0])


def _present(settings: Settings, keys: list[_Stored]) -> None:
    if keys:
        return
    if not _synced_once(settings):
        raise Verdict(
            "warn",
            (
                "尚未同步：縣府的領件金鑰於第一次同步時取得，之前無法驗證 MMS 領件碼",
                "Not synced yet: the county's pickup keys come with the first sync round; no MMS "
                "pickup code can be verified before",
            ),
            _SYNC_FIX,
        )
    raise Verdict(
        "fail",
        (
            "本機沒有縣府的領件金鑰：每個 MMS 領件碼都會被拒",
            "No county pickup key here: every MMS pickup code is refused",
        ),
        _SYNC_FIX,
    )


def _whole(keys: list[_Stored], demo: bool) -> None:
    broken = [k.kid for k in keys if not k.whole]
    if broken:
        raise Verdict(
            "fail",
            (
                f"領件金鑰 {'、'.join(broken)} 的代碼與金鑰內容不符（資料庫遭竄改或損毀）",
                f"Pickup key {', '.join(broken)}: its id does not match the key (the database "
                "was altered or is damaged)",
            ),
            _TAMPER_FIX,
        )
    if not demo and any(k.key.demo for k in keys):
        raise Verdict(
            "warn",
            (
                "存有示範用金鑰（正式作業不受理以其簽發的領件碼）：此資料庫可能來自示範環境",
                "A demo key is stored (codes it signs are refused outside a demo): this "
                "database may come from a demo",
            ),
            _TAMPER_FIX,
        )


def _current(keys: list[_Stored], now: datetime, demo: bool) -> list[pt.CountyKey]:
    usable = [k.key for k in keys if demo or not k.key.demo]
    current = [k for k in usable if _in_force(k, now)]
    if current:
        return current
    ended = [k.end for k in usable if k.end is not None and k.end <= now]
    last = max(ended) if ended else None
    raise Verdict(
        "fail",
        (
            "沒有有效的領件金鑰"
            + (f"（最後一把已於 {roc_minute(last)} 停用）" if last else "")
            + "：MMS 領件碼都會被拒",
            "No pickup key in force"
            + (f" (the last one ended {last:%Y-%m-%d %H:%M} UTC)" if last else "")
            + ": MMS pickup codes are refused",
        ),
        _SYNC_FIX,
    )


def _not_only_until(current: list[pt.CountyKey], now: datetime) -> None:
    """Every key in force ends soon: the county's next key has not reached this desk."""
    ends = [k.end for k in current]
    if any(e is None for e in ends):
        return
    last = max(e for e in ends if e is not None)
    if last - now > timedelta(days=CERT_WARN_DAYS):
        return
    raise Verdict(
        "warn",
        (
            f"領件金鑰都將於 {roc_minute(last)} 前停用，縣府的新金鑰尚未同步到本機",
            f"Every pickup key ends by {last:%Y-%m-%d %H:%M} UTC; the county's next key has "
            "not reached this desk",
        ),
        _SYNC_FIX,
    )


def _credential(settings: Settings) -> str | None:
    from eservice_desktop.services.doctor.enrolment import stored_credential

    return stored_credential(settings)


def _matches_county(settings: Settings, keys: list[_Stored], timeout: float) -> None:
    """The county's ``GET /v1/keys``: its pickup key in force held here, no key here it never
    published. Unreachable, refused, no credential: the county and enrolment lines say it."""
    from eservice_desktop.county_link.errors import SyncError
    from eservice_desktop.services.doctor.county import ask_county

    credential = _credential(settings)
    if credential is None:
        return
    try:
        published = ask_county(settings, credential, timeout, lambda c: c.keys().pickup)
    except (SyncError, OSError, ValueError):
        return
    here = {k.kid for k in keys}
    missing = [p.key_id for p in published if p.retired_at is None and p.key_id not in here]
    if missing:
        raise Verdict(
            "fail",
            (
                f"縣府目前的領件金鑰 {'、'.join(missing)} 不在本機：以其簽發的 MMS 領件碼都會被拒",
                f"The county's pickup key in force {', '.join(missing)} is not here: MMS codes "
                "it signs are refused",
            ),
            _SYNC_FIX,
        )
    theirs = {p.key_id for p in published}
    foreign = sorted(k.kid for k in keys if k.kid not in theirs and not k.key.demo)
    if foreign:
        raise Verdict(
            "fail",
            (
                f"本機的領件金鑰 {'、'.join(foreign)} 不是縣府發布的：以其簽發的領件碼會被受理",
                f"Pickup key {', '.join(foreign)} here was never published by the county: codes "
                "it signs would be taken",
            ),
            _TAMPER_FIX,
        )


def check_pickup_keys(
    settings: Settings, now: datetime, network: bool = False, timeout: float = 3.0
) -> Check:
    """Present, whole, one in force and not only until soon, and (``network``) the county's."""
    keys = _stored(settings)
    if keys is None:
        return _check(
            "pickup_keys",
            _TITLE,
            "warn",
            (
                "資料庫不存在或無法讀取，無法確認領件金鑰",
                "The database is missing or cannot be read: the keys are unknown",
            ),
            ("見「資料庫完整性與版本」", "See 'Database integrity and revision'"),
        )
    facts: dict[str, Any] = {"keys": sorted(k.kid for k in keys)}
    try:
        _present(settings, keys)
        _whole(keys, settings.demo)
        current = _current(keys, now, settings.demo)
        facts["in_force"] = sorted(k.kid for k in current)
        if network:
            _matches_county(settings, keys, timeout)
        _not_only_until(current, now)
    except Verdict as v:
        return v.check("pickup_keys", _TITLE, **facts)
    return _check(
        "pickup_keys",
        _TITLE,
        "ok",
        (
            f"{len(current)} 把有效（共 {len(keys)} 把）：{'、'.join(facts['in_force'])}",
            f"{len(current)} in force ({len(keys)} in all): {', '.join(facts['in_force'])}",
        ),
        **facts,
    )
