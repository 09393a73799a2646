"""The MMS pickup code: a compact signed token and its short spoken fallback.

Why this shape:

- **Binary, fixed layout, 105 bytes.** Every field has a fixed width, so a truncated or padded
  payload is refused before anything else is looked at, and the QR stays small (version 7 at
  error correction M), readable from a phone at half brightness.
- **Base32 text (RFC 4648, A-Z 2-7, no padding).** It is all QR *alphanumeric* characters (5.5
  bits a character instead of 8), case-insensitive, has no space or shifted punctuation, so a
  keyboard-wedge scanner types it the same on any layout and it can be passed as one CLI word.
- **Ed25519 over a domain-separated message** (``ESVC-PICKUP`` + the 41 claim bytes), so a
  county signature made for something else can never be replayed as a pickup code.
- **The domain stays pure.** It knows the layout, the claims and (``pickup_verify``) the order
  of the checks; the
  signature primitive is handed in as a callable by an adapter
  (``county_link/pickup_crypto.py``, since the county's public keys arrive by sync).
  Nothing here reads a clock: ``now`` is passed in.

Layout (big-endian)::

    0      version (1)
    1..4   key id: first 4 bytes of SHA-256 of the raw 32-byte Ed25519 public key
    5..20  case id (UUID, 16 bytes)
    21..28 case number: office letter, office digits, device, ROC year (2), sequence (3)
    29..30 pickup office: letter, digits
    31..32 pickup number 0..9999 (shown as 4 digits)
    33..36 issued at, Unix seconds (UTC)
    37..40 expires at, Unix seconds (UTC)
    41..104 Ed25519 signature

The short fallback (``0427-K7M3``) is the pickup number plus 4 Crockford base32 characters
derived from a hash of the whole signed token: they cannot be computed without the token, and the
desk checks them against the token the county delivered with the case (``READY_FOR_PICKUP``
payload ``token``), then verifies that token in full.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from eservice_desktop.domain.case_number import CaseNumber, parse_case_number
from eservice_desktop.domain.errors import DomainError

VERSION = 1
SIGNING_CONTEXT = b"ESVC-PICKUP"
SHORT_CONTEXT = b"ESVC-PICKUP-SHORT"
CLAIMS_LEN = 41
SIGNATURE_LEN = 64
TOKEN_LEN = CLAIMS_LEN + SIGNATURE_LEN
#: Longer input is refused unread: a scanner burst or a pasted payload is never this long.
MAX_TEXT_LEN = 400
_CLAIMS = struct.Struct(">B4s16s2sB2s3s2sHII")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SPOKEN = str.maketrans("OIL", "011")
#: Dashes a short code may arrive with (copied from a phone, typed through an IME), read as "-".
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc_", "-"))
#: Shorter text is a short code typed by hand, not a scanned code (168 characters).
SHORT_TYPED_MAX = 24
#: ASCII digits (NFKC has folded full width): ``\d`` took Arabic-Indic ``١٢٣٤`` as a number.
_SHORT_RE = re.compile(r"^([0-9]{4})-?([0-9A-Z]{4})$")

#: Refusal reasons (stable codes shown by the CLI and branched on by the desk).
MALFORMED = "malformed"
INVALID_SIGNATURE = "invalid_signature"
UNKNOWN_KEY = "unknown_key"
RETIRED_KEY = "retired_key"
DEMO_KEY = "demo_key"
EXPIRED = "expired"
WRONG_OFFICE = "wrong_office"
#: ``via`` of a handover to the holder of the applicant's ID card (no code: 持身分證領件).
VIA_ID_CARD = "id_card"

#: (raw public key, message, signature) -> signature is valid. Must not raise.
Verifier = Callable[[bytes, bytes, bytes], bool]
#: message -> 64-byte signature (county side / demo only).
Signer = Callable[[bytes], bytes]


class PickupRefused(DomainError):
    """A code the desk must not honour; ``reason`` is the short stable code (``expired``)."""

    def __init__(
        self, reason: str, message_zh: str, message_en: str, details: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"pickup.{reason}", message_zh, message_en)
        self.reason = reason
        self.details = details or {}


@dataclass(frozen=True)
class PickupClaims:
    """What the county vouches for. Invariant: times are aware UTC, whole seconds."""

    kid: str
    case_id: str
    case_number: str
    office: str
    pickup_number: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class CountyKey:
    """One county signing key as the desk knows it (from the key document, via sync)."""

    kid: str
    public_key: bytes
    not_before: datetime
    not_after: datetime | None = None
    retired_at: datetime | None = None
    demo: bool = False

    @property
    def end(self) -> datetime | None:
        """After this moment codes signed by the key are refused (rotation or compromise)."""
        ends = [t for t in (self.not_after, self.retired_at) if t is not None]
        return min(ends) if ends else None


def key_id(public_key: bytes) -> str:
    """The key id is derived from the key, so a key document cannot pair a kid with another key."""
    return hashlib.sha256(public_key).digest()[:4].hex()


def _malformed(zh_detail: str, en_detail: str) -> PickupRefused:
    return PickupRefused(
        MALFORMED,
        f"條碼無法辨識或已毀損（{zh_detail}），請民眾重新開啟簡訊條碼，或改念出領件號碼。",
        f"The code is unreadable or damaged ({en_detail}); ask for the MMS again or the short"
        " code.",
    )


def _pack_office(code: str) -> bytes:
    if not re.fullmatch(r"[A-Z]\d{2}", code):
        raise DomainError("pickup.office_code", "機關代碼格式錯誤", f"Bad office code {code!r}")
    return code[0].encode("ascii") + bytes([int(code[1:])])


def _unpack_office(raw: bytes) -> str:
    letter, digits = chr(raw[0]), raw[1]
    if not ("A" <= letter <= "Z") or digits > 99:
        raise _malformed("機關代碼", "office code")
    return f"{letter}{digits:02d}"


def _seconds(t: datetime) -> int:
    if t.tzinfo is None:
        raise ValueError("token times must be timezone-aware")
    value = int(t.timestamp())
    if not 0 <= value < 2**32:
        raise DomainError("pickup.time_range", "時間超出範圍", "Time out of range")
    return value


def claims_bytes(claims: PickupClaims) -> bytes:
    """The signed part of the token (without the signing context)."""
    number = parse_case_number(claims.case_number)
    if not re.fullmatch(r"\d{1,4}", claims.pickup_number):
        raise DomainError(
            "pickup.number_format", "領件號碼須為 1 至 4 位數字", "Pickup number: 1-4 digits"
        )
    if len(claims.kid) != 8:
        raise DomainError("pickup.kid_format", "金鑰代碼格式錯誤", "Key id must be 8 hex digits")
    return _CLAIMS.pack(
        VERSION,
        bytes.fromhex(claims.kid),
        uuid.UUID(claims.case_id).bytes,
        _pack_office(number.office),
        int(number.device),
        number.roc_year.to_bytes(2, "big"),
        number.sequence.to_bytes(3, "big"),
        _pack_office(claims.office),
        int(claims.pickup_number),
        _seconds(claims.issued_at),
        _seconds(claims.expires_at),
    )


def encode_token(claims: PickupClaims, sign: Signer) -> str:
    """Signs and renders a token as base32 text (county side and demo issuing)."""
    body = claims_bytes(claims)
    signature = sign(SIGNING_CONTEXT + body)
    if len(signature) != SIGNATURE_LEN:
        raise ValueError("an Ed25519 signature is 64 bytes")
    return base64.b32encode(body + signature).decode("ascii").rstrip("=")


def token_bytes(text: str) -> bytes:
    """Text to the 105 raw bytes, or ``malformed``. Accepts lower case, stray whitespace and
    full-width characters (pasted through a Chinese IME left in full-width mode), as the short
    code does."""
    if len(text) > MAX_TEXT_LEN:
        raise _malformed("資料過長", "too long")
    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if not compact or not re.fullmatch(r"[A-Z2-7]+", compact):
        raise _malformed("含有無效字元", "invalid characters")
    try:
        raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except (binascii.Error, ValueError):
        raise _malformed("編碼錯誤", "bad encoding") from None
    if len(raw) != TOKEN_LEN:
        raise _malformed("長度不符", f"length {len(raw)} instead of {TOKEN_LEN}")
    if raw[0] != VERSION:
        raise _malformed("版本不支援", f"unsupported version {raw[0]}")
    return raw


def parse_claims(raw: bytes) -> PickupClaims:
    """Reads the claims of a well-sized token. Unverified: call only to route or after verify."""
    try:
        (
            _v,
            kid,
            case_id,
            c_office,
            c_device,
            c_year,
            c_seq,
            p_office,
            p_number,
            issued,
            expires,
        ) = _CLAIMS.unpack(raw[:CLAIMS_LEN])
    except struct.error:
        raise _malformed("長度不符", "short claims") from None
    year, seq = int.from_bytes(c_year, "big"), int.from_bytes(c_seq, "big")
    if c_device > 99 or p_number > 9999:
        raise _malformed("欄位超出範圍", "field out of range")
    try:
        number = CaseNumber(_unpack_office(c_office), f"{c_device:02d}", year, seq)
    except DomainError:
        raise _malformed("案號", "case number") from None
    return PickupClaims(
        kid=kid.hex(),
        case_id=str(uuid.UUID(bytes=case_id)),
        case_number=str(number),
        office=_unpack_office(p_office),
        pickup_number=f"{p_number:04d}",
        issued_at=datetime.fromtimestamp(issued, UTC),
        expires_at=datetime.fromtimestamp(expires, UTC),
    )


def short_code(token_text: str) -> str:
    """The spoken fallback: pickup number + 4 check characters only the token's holder knows."""
    raw = token_bytes(token_text)
    claims = parse_claims(raw)
    digest = int.from_bytes(hashlib.sha256(SHORT_CONTEXT + raw).digest()[:3], "big") >> 4
    check = "".join(_CROCKFORD[(digest >> shift) & 31] for shift in (15, 10, 5, 0))
    return f"{claims.pickup_number}-{check}"


def id_card_digest(case_id: str) -> str:
    """``pickup_consumed``'s key of an ID-card handover of a case that has no code."""
    return hashlib.sha256(b"ESVC-PICKUP-ID-CARD" + case_id.encode()).hexdigest()


def parse_short_code(text: str) -> tuple[str, str] | None:
    """``(pickup number, normalised short code)`` when ``text`` looks like a short code.

    Crockford's reading rules apply, so a clerk typing what they hear (O for 0, I or L for 1)
    still matches; full-width characters (a Chinese IME left in full-width mode) are folded."""
    value = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    value = value.translate(_SPOKEN).translate(_DASHES)
    m = _SHORT_RE.fullmatch(value)
    if m is None:
        return None
    return m.group(1), f"{m.group(1)}-{m.group(2)}"


def short_code_malformed(text: str) -> PickupRefused | None:
    """The refusal of a short code typed with a character too many or too few (``malformed``,
    said as a short code: not "the code is damaged, ask for the MMS"), or None for text that
    is not a short code attempt (a scanned code, or a valid short code's shape)."""
    if len(text) > SHORT_TYPED_MAX or parse_short_code(text) is not None:
        return None
    if not "".join(unicodedata.normalize("NFKC", text).split()):
        return None
    return PickupRefused(
        MALFORMED,
        "領件號碼應為 4 位數字、連字號與 4 個英數字（例如 0427-K7M3），請再核對民眾簡訊上的號碼。",
        "A short code is 4 digits, a dash and 4 letters or digits (like 0427-K7M3); check it"
        " against the citizen's message.",
    )


def utc_text(t: datetime) -> str:
    """A time as the refusals' details and the key document write it."""
    return t.astimezone(UTC).isoformat()


def parse_time(value: object, name: str) -> datetime | None:
    """ISO 8601 aware time from a key document, None for null; anything else is refused."""
    if value is None:
        return None
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        raise DomainError(
            "pickup_keys.time", f"金鑰文件時間格式錯誤：{name}", f"Bad time in key document: {name}"
        ) from None
    if t.tzinfo is None:
        raise DomainError(
            "pickup_keys.time", f"金鑰文件時間缺少時區：{name}", f"Time without zone: {name}"
        )
    try:
        return t.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first representable UTC time
        raise DomainError(
            "pickup_keys.time", f"金鑰文件時間超出範圍：{name}", f"Time out of range: {name}"
        ) from None


KEY_DOCUMENT_FORMAT = "eservice-pickup-keys/1"


def parse_key_document(doc: Mapping[str, object]) -> list[CountyKey]:
    """Validates the county's key document (see docs/pickup.md); raises DomainError on any flaw.

    The whole document is refused when one entry is bad: a half-imported key set could leave a
    desk trusting less (or more) than the county meant."""
    if not isinstance(doc, Mapping) or doc.get("format") != KEY_DOCUMENT_FORMAT:
        raise DomainError(
            "pickup_keys.format",
            "金鑰文件格式不符",
            f"Not a key document (format must be {KEY_DOCUMENT_FORMAT})",
        )
    entries = doc.get("keys")
    if not isinstance(entries, list):
        raise DomainError("pickup_keys.format", "金鑰文件缺少 keys", "Key document has no keys")
    out: list[CountyKey] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise DomainError("pickup_keys.entry", f"第 {i + 1} 把金鑰格式錯誤", f"Key {i}: bad")
        if entry.get("alg") != "Ed25519":
            raise DomainError(
                "pickup_keys.alg", f"第 {i + 1} 把金鑰演算法不支援", f"Key {i}: alg must be Ed25519"
            )
        try:
            public = base64.b64decode(str(entry.get("public_key", "")), validate=True)
        except (binascii.Error, ValueError):
            public = b""
        if len(public) != 32:
            raise DomainError(
                "pickup_keys.public_key", f"第 {i + 1} 把金鑰內容錯誤", f"Key {i}: bad public key"
            )
        kid = str(entry.get("kid", ""))
        if kid != key_id(public):
            raise DomainError(
                "pickup_keys.kid",
                f"第 {i + 1} 把金鑰代碼與金鑰不符",
                f"Key {i}: kid {kid!r} does not match the key",
            )
        demo = entry.get("demo", False)
        if not isinstance(demo, bool):  # "false" is a string, and bool("false") is True
            raise DomainError(
                "pickup_keys.entry",
                f"第 {i + 1} 把金鑰的 demo 須為 true 或 false",
                f"Key {i}: demo must be true or false",
            )
        not_before = parse_time(entry.get("not_before"), "not_before")
        if not_before is None:
            raise DomainError(
                "pickup_keys.time", "金鑰缺少生效時間", f"Key {i}: not_before is required"
            )
        out.append(
            CountyKey(
                kid=kid,
                public_key=public,
                not_before=not_before,
                not_after=parse_time(entry.get("not_after"), "not_after"),
                retired_at=parse_time(entry.get("retired_at"), "retired_at"),
                demo=demo,
            )
        )
    return out


def key_entry(key: CountyKey) -> dict[str, object]:
    """One key as it appears in the key document (county side and demo)."""
    return {
        "kid": key.kid,
        "alg": "Ed25519",
        "public_key": base64.b64encode(key.public_key).decode("ascii"),
        "not_before": utc_text(key.not_before),
        "not_after": utc_text(key.not_after) if key.not_after else None,
        "retired_at": utc_text(key.retired_at) if key.retired_at else None,
        "demo": key.demo,
    }
