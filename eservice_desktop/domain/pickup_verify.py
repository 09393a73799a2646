"""Verifying a pickup code (``pickup_token``), in the order a clerk needs the refusals: a
well-formed token, a known key (a demo key only where demo codes are accepted), a good
signature, a key alive when the code was issued, not expired, and for this office.

The signature primitive is handed in (``county_link/pickup_crypto.py``) and ``now`` is passed
in: nothing here reads a clock or does crypto itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time, timedelta

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.pickup_token import (
    CLAIMS_LEN,
    DEMO_KEY,
    EXPIRED,
    INVALID_SIGNATURE,
    RETIRED_KEY,
    SIGNING_CONTEXT,
    UNKNOWN_KEY,
    WRONG_OFFICE,
    CountyKey,
    PickupClaims,
    PickupRefused,
    Verifier,
    parse_claims,
    token_bytes,
    utc_text,
)

#: A pickup code is good through the end of this many days (Taipei) after the day it is issued.
VALID_DAYS = 30


def code_expiry(issued: datetime, days: int = VALID_DAYS) -> datetime:
    """When a code issued at ``issued`` stops being good: the end (23:59:59, Taipei) of the
    ``days``-th day after its issue day, in UTC whole seconds.

    The citizen is told a date (the MMS: 領件期限 民國115年12月31日, 請於…前…領件) and reads it as
    the last day to come. A code good for 30 × 24 hours from its issue was refused at the desk
    from that hour of its last day: issued at 10:23, the citizen who came on the date in the
    afternoon was told it had expired that very day."""
    last = issued.astimezone(TAIPEI).date() + timedelta(days=days)
    return datetime.combine(last, time(23, 59, 59), TAIPEI).astimezone(UTC)


def verify_token(
    text: str,
    keys: Mapping[str, CountyKey],
    verify: Verifier,
    *,
    now: datetime,
    office: str,
    office_name: Callable[[str], str] = lambda code: code,
    office_name_en: Callable[[str], str] = lambda code: code,
    accept_demo: bool = False,
    format_date: Callable[[datetime], str] = lambda t: t.date().isoformat(),
) -> PickupClaims:
    """Checks a code offline, in the order that tells a clerk the most useful thing first.

    Form, then key, then signature; only a signed token's claims are believed, then key
    lifetime, expiry and office. Never raises anything but :class:`PickupRefused`.
    ``office_name`` and ``office_name_en`` name another office in each language's message."""
    raw = token_bytes(text)
    key = _signing_key(raw[1:5].hex(), keys, accept_demo=accept_demo)
    _check_signature(raw, key, verify)
    claims = parse_claims(raw)
    _check_key_lifetime(claims, key, now, format_date)
    names = (office_name, office_name_en)
    _check_expiry_and_office(claims, now, office, names, format_date)
    return claims


def _signing_key(kid: str, keys: Mapping[str, CountyKey], *, accept_demo: bool) -> CountyKey:
    key = keys.get(kid)
    if key is None:
        raise PickupRefused(
            UNKNOWN_KEY,
            "無法驗證此條碼：簽章金鑰不在本機（可能尚未同步），請稍後再試或以案號查詢。",
            "Cannot verify: the signing key is unknown here (not synced yet?); try later or"
            " look the case up by number.",
            {"kid": kid},
        )
    if key.demo and not accept_demo:
        raise PickupRefused(
            DEMO_KEY,
            "此條碼由示範用金鑰簽發，正式作業模式不受理。",
            "This code was signed with a demo key, which is refused outside demo mode.",
            {"kid": kid},
        )
    return key


def _check_signature(raw: bytes, key: CountyKey, verify: Verifier) -> None:
    try:
        good = bool(verify(key.public_key, SIGNING_CONTEXT + raw[:CLAIMS_LEN], raw[CLAIMS_LEN:]))
    except Exception:
        good = False
    if not good:
        raise PickupRefused(
            INVALID_SIGNATURE,
            "條碼簽章不符，可能遭偽造或竄改：請勿交付文件，並請民眾洽承辦人員。",
            "The signature does not match: the code is forged or altered. Do not hand over.",
            {"kid": raw[1:5].hex()},
        )


def _taipei_day(moment: datetime) -> str:
    """The office's day of ``moment`` (ISO, the English message's form): the UTC day said a
    key retired at 07:00 in Taipei was retired the day before the Chinese message said."""
    return moment.astimezone(TAIPEI).date().isoformat()


def _check_key_lifetime(
    claims: PickupClaims, key: CountyKey, now: datetime, format_date: Callable[[datetime], str]
) -> None:
    if claims.issued_at < key.not_before or (key.end is not None and claims.issued_at > key.end):
        raise PickupRefused(
            INVALID_SIGNATURE,
            "條碼的簽發時間不在金鑰有效期間內，請勿交付文件，並請民眾洽承辦人員。",
            "The code claims an issue time outside its key's lifetime. Do not hand over.",
            {"kid": claims.kid},
        )
    if key.end is not None and now >= key.end:
        raise PickupRefused(
            RETIRED_KEY,
            f"此條碼的簽章金鑰已於 {format_date(key.end)} 停用，請民眾向縣府重新申請領件通知。",
            f"The code's signing key was retired on {_taipei_day(key.end)}; the citizen"
            " needs a new pickup notice.",
            {"kid": claims.kid, "retired_at": utc_text(key.end)},
        )


def _check_expiry_and_office(
    claims: PickupClaims,
    now: datetime,
    office: str,
    names: tuple[Callable[[str], str], Callable[[str], str]],
    format_date: Callable[[datetime], str],
) -> None:
    if now >= claims.expires_at:
        raise PickupRefused(
            EXPIRED,
            f"領件條碼已於 {format_date(claims.expires_at)} 逾期，請民眾洽承辦人員重新通知領件。",
            f"The pickup code expired on {_taipei_day(claims.expires_at)}; ask the case"
            " officer for a new notice.",
            {"expires_at": utc_text(claims.expires_at), "case_number": claims.case_number},
        )
    if claims.office != office:
        zh, en = (name(claims.office) for name in names)
        raise PickupRefused(
            WRONG_OFFICE,
            f"此條碼限於「{zh}」領件，請民眾前往該所領取。",
            f"This code is for pickup at {en}, not here.",
            {"office": claims.office, "case_number": claims.case_number},
        )
