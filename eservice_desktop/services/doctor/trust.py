"""Identity checks need a PKCS#11 module, the MOICA trust anchors and fresh revocation lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.services.doctor.report import (
    CERT_WARN_DAYS,
    Check,
    Verdict,
    _aware_utc,
    _check,
    _read_rows,
)

_PKCS11 = ("自然人憑證元件（PKCS#11）", "Citizen certificate middleware (PKCS#11)")
_PKCS11_INSTALL = (
    "安裝內政部憑證管理中心的跨平台網頁元件（HiCOS），並在 settings.json 設定 "
    "pkcs11_module（如 C:\\Windows\\System32\\HiCOSPKCS11.dll）",
    "Install the MOICA HiCOS client and set pkcs11_module in settings.json "
    "(e.g. C:\\Windows\\System32\\HiCOSPKCS11.dll)",
)


def check_pkcs11(settings: Settings) -> Check:
    """The MOICA card middleware (a PKCS#11 module) is configured, present and loads."""
    module = settings.pkcs11_module
    facts: dict[str, Any] = {"module": module}
    if not module:
        return _check(
            "pkcs11",
            _PKCS11,
            "warn",
            (
                "未設定 PKCS#11 模組：無法以自然人憑證驗證身分",
                "No PKCS#11 module configured: citizen certificate proofs are unavailable",
            ),
            _PKCS11_INSTALL,
            **facts,
        )
    if not Path(module).is_file():
        return _check(
            "pkcs11",
            _PKCS11,
            "fail",
            (f"找不到 PKCS#11 模組 {module}", f"The PKCS#11 module {module} does not exist"),
            _PKCS11_INSTALL,
            **facts,
        )
    return _load_pkcs11(module, facts)


def _load_pkcs11(module: str, facts: dict[str, Any]) -> Check:
    """Loads the module and counts its slots: a module of the wrong build fails here."""
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
            _PKCS11,
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
        _PKCS11,
        "ok",
        (f"{name}（{facts['slots']} 個插槽）", f"{name} ({facts['slots']} slots)"),
        **facts,
    )


_ANCHORS = ("憑證信任錨", "Certificate trust anchors")
_CRL = ("憑證廢止清冊（CRL）", "Certificate revocation lists (CRL)")


def _anchor_fix() -> tuple[str, str]:
    from eservice_desktop.devices import pki

    return (
        f"將 GRCA 根憑證與 MOICA 中繼憑證放入信任錨目錄，並在 {pki.PIN_FILE} 列出其 SHA-256 "
        "指紋；settings.json 的 trust_anchor_dir 指向該目錄",
        f"Put the GRCA root and MOICA intermediate certificates in the trust anchor directory, "
        f"list their SHA-256 fingerprints in {pki.PIN_FILE}, and point trust_anchor_dir in "
        "settings.json to it",
    )


def _trust_store(folder: str) -> Any:
    """The loaded store of pinned anchors, or the verdict."""
    from eservice_desktop.devices import pki

    if not folder:
        raise Verdict(
            "warn",
            (
                "未設定信任錨目錄：無法驗證自然人憑證",
                "No trust anchor directory configured: citizen certificates cannot be validated",
            ),
            _anchor_fix(),
        )
    try:
        return pki.TrustStore.load(folder)
    except pki.TrustError as e:
        raise Verdict(
            "fail",
            (f"信任錨無法使用：{e.zh}", f"The trust anchors are unusable: {e.en}"),
            _anchor_fix(),
        ) from None


def _anchors_in_date(anchors: list[dict[str, Any]]) -> None:
    soonest = min(anchors, key=lambda a: a["days_left"])
    if soonest["days_left"] < 0:
        raise Verdict(
            "fail",
            (
                f"信任錨已過期：{soonest['subject']}",
                f"A trust anchor has expired: {soonest['subject']}",
            ),
            _anchor_fix(),
        )
    if soonest["days_left"] < CERT_WARN_DAYS:
        raise Verdict(
            "warn",
            (
                f"信任錨 {soonest['days_left']} 天後到期：{soonest['subject']}",
                f"A trust anchor expires in {soonest['days_left']} days: {soonest['subject']}",
            ),
            ("向縣府索取新版信任錨並更新", "Get the renewed trust anchors from the county"),
        )


def check_trust_anchors(
    settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Check:
    """The pinned trust anchors (GRCA root, MOICA intermediate) load, and none expires soon."""
    facts: dict[str, Any] = {"trust_anchor_dir": settings.trust_anchor_dir}
    try:
        store = _trust_store(settings.trust_anchor_dir)
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
        _anchors_in_date(anchors)
    except Verdict as v:
        return v.check("trust_anchors", _ANCHORS, **facts)
    return _check(
        "trust_anchors",
        _ANCHORS,
        "ok",
        (
            f"根憑證 {len(store.roots)} 張、中繼憑證 {len(store.intermediates)} 張",
            f"{len(store.roots)} root(s), {len(store.intermediates)} intermediate(s)",
        ),
        **facts,
    )


_CRL_FIX = (
    "確認可連線 crl_urls 所列網址（防火牆）後執行 eservice-desktop crl update；"
    "離線時可自他處下載後以 crl update --file 檔案 匯入",
    "Check the CRL URLs in crl_urls are reachable (firewall), then run "
    "`eservice-desktop crl update`; offline, download them elsewhere and "
    "`crl update --file FILE`",
)


def _cached_lists(settings: Settings) -> list[dict[str, Any]]:
    """The cached CRLs/ARLs with their times; the verdict when there are none."""
    rows = _read_rows(
        settings,
        "SELECT issuer, kind, this_update, next_update, fetched_at, sha256 FROM crl_cache",
    )
    lists = [
        {
            "issuer": issuer,
            "kind": kind,
            "this_update": _aware_utc(this),
            "next_update": _aware_utc(nxt),
            "fetched_at": _aware_utc(fetched),
        }
        for issuer, kind, this, nxt, fetched, _ in rows or []
    ]
    gone = [
        issuer
        for issuer, _k, _t, _n, _f, sha256 in rows or []
        if not all(
            (settings.data_dir / "crl" / f"{sha256}{suffix}").is_file()  # devices.crl.CRL_DIR
            for suffix in (".crl", ".serials")
        )
    ]
    if gone:  # the proofs say "cached CRL unreadable": revocation unknown
        raise Verdict(
            "fail",
            (
                f"廢止清冊的快取檔案遺失：{gone[0]}",
                f"The cached file of a CRL is missing: {gone[0]}",
            ),
            _CRL_FIX,
        )
    if not lists:
        wanted = bool(settings.crl_urls.split() or settings.trust_anchor_dir)
        raise Verdict(
            "fail" if wanted else "warn",
            (
                "尚無任何廢止清冊：自然人憑證的廢止狀態無法確認",
                "No CRL yet: the revocation status of citizen certificates is unknown",
            ),
            _CRL_FIX,
        )
    return lists


def _lists_fresh(lists: list[dict[str, Any]], moment: datetime, max_age_h: float) -> float:
    """Age in hours of the oldest list; the verdict when one is past its next update or too old."""
    stale = [x for x in lists if x["next_update"] is None or x["next_update"] < moment]
    oldest = max(lists, key=lambda x: moment - x["this_update"])
    age_h: float = (moment - oldest["this_update"]).total_seconds() / 3600
    if stale:
        who = stale[0]["issuer"]
        raise Verdict(
            "fail",
            (f"廢止清冊已過期（下次更新時間已過）：{who}", f"A CRL is past its next update: {who}"),
            _CRL_FIX,
        )
    if age_h > max_age_h:
        raise Verdict(
            "warn",
            (
                f"最舊的廢止清冊於 {age_h:.0f} 小時前發布（上限 {max_age_h:.0f}）",
                f"The oldest CRL was issued {age_h:.0f} h ago (limit {max_age_h:.0f} h)",
            ),
            _CRL_FIX,
        )
    return age_h


def check_crl(settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Check:
    """The cached CRLs/ARLs: one past its nextUpdate fails (revocation is unknown, so MOICA
    proofs are refused or need an override); one issued more than ``crl_max_age_h`` ago warns."""
    facts: dict[str, Any] = {"crl_urls": settings.crl_urls.split()}
    facts["max_age_h"] = settings.crl_max_age_h
    try:
        lists = _cached_lists(settings)
        moment = now()
        oldest = max(lists, key=lambda x: moment - x["this_update"])
        facts["lists"] = [
            {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in x.items()}
            for x in lists
        ]
        facts["oldest_age_h"] = round((moment - oldest["this_update"]).total_seconds() / 3600, 1)
        age_h = _lists_fresh(lists, moment, settings.crl_max_age_h)
    except Verdict as v:
        return v.check("crl", _CRL, **facts)
    return _check(
        "crl",
        _CRL,
        "ok",
        (
            f"{len(lists)} 份，最舊 {age_h:.0f} 小時前發布",
            f"{len(lists)} list(s), the oldest issued {age_h:.0f} h ago",
        ),
        **facts,
    )
