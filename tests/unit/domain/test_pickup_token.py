"""The pickup code: every kind of bad code is refused with its own reason, and nothing crashes."""

from __future__ import annotations

import base64
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eservice_desktop.county_link.pickup_crypto import verify_ed25519
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.pickup_verify import verify_token

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def check(
    text: str, county: County, *, now: datetime = NOW, office: str = "H01", demo: bool = False
) -> pt.PickupClaims:
    keys = {county.kid: county.county_key()}
    return verify_token(
        text,
        keys,
        verify_ed25519,
        now=now,
        office=office,
        office_name=lambda c: f"office {c}",
        accept_demo=demo,
    )


def reason(text: str, county: County, **kw: object) -> str:
    with pytest.raises(pt.PickupRefused) as info:
        check(text, county, **kw)  # type: ignore[arg-type]
    return info.value.reason


@pytest.fixture(scope="module")
def county() -> County:
    return County()


def test_valid_token_round_trips_its_claims(county: County) -> None:
    token = county.token()
    claims = check(token, county)
    assert claims.case_id == "7f0c2a58-3c1e-4d6a-9a43-1d2b3c4d5e6f"
    assert claims.office == "H01" and claims.pickup_number == "0427"
    assert claims.expires_at == datetime(2026, 4, 8, 2, 0, tzinfo=UTC)
    assert len(pt.token_bytes(token)) == 105 and len(token) == 168
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    # Scanners and clerks may hand it over in lower case or with line breaks.
    assert check(token.lower()[:80] + "\n" + token[80:], county) == claims


def test_forged_signature_is_refused(county: County) -> None:
    forger = County()
    forged = forger.token(kid=county.kid)  # claims county's key id, signed with another key
    assert reason(forged, county) == pt.INVALID_SIGNATURE


@pytest.mark.parametrize("offset", [5, 21, 29, 31, 36, 40, 60, 104])
def test_altered_byte_is_refused(county: County, offset: int) -> None:
    raw = bytearray(pt.token_bytes(county.token()))
    raw[offset] ^= 0x01
    text = base64.b32encode(bytes(raw)).decode().rstrip("=")
    assert reason(text, county) == pt.INVALID_SIGNATURE


def test_altered_key_id_is_unknown_key(county: County) -> None:
    raw = bytearray(pt.token_bytes(county.token()))
    raw[1] ^= 0xFF
    assert reason(base64.b32encode(bytes(raw)).decode(), county) == pt.UNKNOWN_KEY


def test_wrong_office_names_the_office(county: County) -> None:
    with pytest.raises(pt.PickupRefused) as info:
        check(county.token(office="H05"), county)
    assert info.value.reason == pt.WRONG_OFFICE
    assert "office H05" in info.value.message_zh


def test_expired_says_when(county: County) -> None:
    token = county.token(expires_at=NOW - timedelta(days=2))
    with pytest.raises(pt.PickupRefused) as info:
        check(token, county)
    assert info.value.reason == pt.EXPIRED
    assert "2026-03-08" in info.value.message_zh
    # One second before expiry it is still good.
    check(county.token(expires_at=NOW + timedelta(seconds=1)), county)


def test_unknown_key_id(county: County) -> None:
    assert reason(County().token(), county) == pt.UNKNOWN_KEY


def test_retired_key_refused_after_its_end_only() -> None:
    retiring = County(retired_at=NOW - timedelta(hours=1))
    token = retiring.token(issued_at=NOW - timedelta(days=2))
    assert reason(token, retiring) == pt.RETIRED_KEY
    still = County(not_after=NOW + timedelta(days=1))
    check(still.token(issued_at=NOW - timedelta(days=2)), still)
    assert (
        reason(still.token(issued_at=NOW - timedelta(days=2)), still, now=NOW + timedelta(days=2))
        == pt.RETIRED_KEY
    )


def test_token_claiming_issue_outside_key_lifetime_is_refused() -> None:
    county = County(not_after=NOW - timedelta(days=1))
    token = county.token(issued_at=NOW - timedelta(hours=1))
    assert reason(token, county) == pt.INVALID_SIGNATURE


def test_demo_key_refused_outside_demo_mode() -> None:
    county = County()
    keys = {
        county.kid: pt.CountyKey(
            county.kid, county.public, datetime(2020, 1, 1, tzinfo=UTC), demo=True
        )
    }
    token = county.token()
    with pytest.raises(pt.PickupRefused) as info:
        verify_token(token, keys, verify_ed25519, now=NOW, office="H01")
    assert info.value.reason == pt.DEMO_KEY
    verify_token(token, keys, verify_ed25519, now=NOW, office="H01", accept_demo=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "HELLO",
        "A" * 167,
        "not base32 at all: 中文",
        "http://example.com/?x=1",
    ],
)
def test_garbage_is_malformed(county: County, text: str) -> None:
    assert reason(text, county) == pt.MALFORMED


def test_truncated_payload_is_malformed(county: County) -> None:
    token = county.token()
    for cut in (1, 8, 50, 160, 167):
        assert reason(token[:cut], county) == pt.MALFORMED


def test_random_bytes_and_huge_payload_are_malformed(county: County) -> None:
    for _ in range(20):
        text = base64.b32encode(os.urandom(105)).decode().rstrip("=")
        # Random bytes: wrong version (255/256), else an unknown key id.
        assert reason(text, county) in (pt.MALFORMED, pt.UNKNOWN_KEY)
    assert reason(county.token() * 61, county) == pt.MALFORMED  # ~10 kB
    assert reason("A" * 10_240, county) == pt.MALFORMED
    assert reason(os.urandom(10_240).decode("latin-1"), county) == pt.MALFORMED


def test_other_version_is_malformed(county: County) -> None:
    raw = bytearray(pt.token_bytes(county.token()))
    raw[0] = 2
    assert reason(base64.b32encode(bytes(raw)).decode(), county) == pt.MALFORMED


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=600),
        st.binary(max_size=300).map(lambda b: base64.b32encode(b).decode().rstrip("=")),
    )
)
def test_fuzz_decoder_only_ever_refuses(text: str) -> None:
    county = _FUZZ_COUNTY
    try:
        check(text, county)
    except pt.PickupRefused as e:
        assert e.reason in {pt.MALFORMED, pt.UNKNOWN_KEY, pt.INVALID_SIGNATURE}
    else:  # pragma: no cover - would mean a forgery
        pytest.fail("random input verified")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 104), st.integers(1, 255))
def test_fuzz_any_single_byte_change_is_refused(offset: int, flip: int) -> None:
    raw = bytearray(pt.token_bytes(_FUZZ_TOKEN))
    raw[offset] ^= flip
    text = base64.b32encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(pt.PickupRefused):
        check(text, _FUZZ_COUNTY)


_FUZZ_COUNTY = County()
_FUZZ_TOKEN = _FUZZ_COUNTY.token()


def test_short_code_is_stable_and_readable(county: County) -> None:
    token = county.token()
    code = pt.short_code(token)
    assert code.startswith("0427-") and len(code) == 9
    assert pt.short_code(token) == code
    assert pt.short_code(county.token(issued_at=NOW)) != code  # another code, other check
    number, normal = pt.parse_short_code(code.lower().replace("-", " ")) or ("", "")
    assert (number, normal) == ("0427", code)
    assert pt.parse_short_code("04270") is None
    assert pt.parse_short_code(county.token()) is None
    # Crockford reading: O is 0, I and L are 1.
    assert pt.parse_short_code("O427-ABCD") == ("0427", "0427-ABCD")
    # full-width, as a Chinese IME left in full-width mode types it, with an ideographic space
    assert pt.parse_short_code("０４２７－ａｂｃｄ　") == ("0427", "0427-ABCD")
    # other dashes, as a phone or an IME may give them
    for dash in ("\u2013", "\u2014", "\u2010", "\u30fc", "_"):
        assert pt.parse_short_code(f"0427{dash}ABCD") == ("0427", "0427-ABCD")


def test_a_short_code_typed_one_character_off_is_said_as_a_short_code(county: County) -> None:
    for typed in ("0427-ABC", "0427-ABCDE", "427-ABCD", "0427"):
        refusal = pt.short_code_malformed(typed)
        assert refusal is not None and refusal.reason == pt.MALFORMED
        assert "0427-K7M3" in refusal.message_zh and "毀損" not in refusal.message_zh
    for not_short in ("0427-ABCD", county.token(), county.token()[:100], "", "   "):
        assert pt.short_code_malformed(not_short) is None


def test_a_short_code_in_another_script_s_digits_is_refused_as_a_short_code() -> None:
    # \d read Arabic-Indic digits: ١٢٣٤-ABCD was pickup number "١٢٣٤", then not found
    for typed in ("٠٤٢٧-ABCD", "०४२७-ABCD"):
        assert pt.parse_short_code(typed) is None
        refusal = pt.short_code_malformed(typed)
        assert refusal is not None and refusal.reason == pt.MALFORMED


def test_key_document_round_trip_and_rejections(county: County) -> None:
    doc = county.document()
    assert pt.parse_key_document(doc) == [county.county_key()]
    bad_kid = {**doc, "keys": [{**doc["keys"][0], "kid": "00000000"}]}
    with pytest.raises(DomainError, match="kid"):
        pt.parse_key_document(bad_kid)
    with pytest.raises(DomainError):
        pt.parse_key_document({**doc, "format": "other"})
    with pytest.raises(DomainError):
        pt.parse_key_document({**doc, "keys": [{**doc["keys"][0], "alg": "RSA"}]})
    # times past either end of what UTC can hold, and a demo flag that is not a boolean
    for bad in (
        {"not_before": "0001-01-01T00:00:00+14:00"},
        {"not_after": "9999-12-31T23:59:59-14:00"},
        {"retired_at": "0001-01-01T00:00:00+01:00"},
        {"demo": "false"},
        {"demo": 0},
    ):
        with pytest.raises(DomainError) as info:
            pt.parse_key_document({**doc, "keys": [{**doc["keys"][0], **bad}]})
        assert info.value.code.startswith("pickup_keys.")
    with pytest.raises(DomainError):
        pt.parse_key_document({**doc, "keys": [{**doc["keys"][0], "not_before": "2026-01-01"}]})
    with pytest.raises(DomainError):
        pt.parse_key_document({**doc, "keys": [{**doc["keys"][0], "public_key": "AAAA"}]})
    # a document that is not even an object (a county's feed or a file handed to import-keys):
    # refused like any flaw, never an AttributeError that ends a sync round
    for not_a_document in ([doc], "eservice-pickup-keys/1", None, 5):
        with pytest.raises(DomainError):
            pt.parse_key_document(not_a_document)  # type: ignore[arg-type]


def test_claims_refuse_bad_input(county: County) -> None:
    with pytest.raises(DomainError):
        county.token(pickup_number="12345")
    with pytest.raises(DomainError):
        county.token(office="TAOYUAN")


def test_a_code_pasted_in_full_width_characters_is_the_same_code(county: County) -> None:
    token = county.token()
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in token)  # A -> Ａ, 2 -> ２
    spaced = "\u3000".join(full_width[i : i + 40] for i in range(0, len(full_width), 40))
    assert check(spaced, county) == check(token, county)
    assert pt.token_bytes(spaced) == pt.token_bytes(token)  # one code, one digest: used once
    assert pt.short_code(spaced) == pt.short_code(token)


def test_the_english_message_says_the_taipei_day(county: County) -> None:
    """A key retired, or a code expiring, at 07:00 in Taipei (23:00 UTC the day before) was
    "retired on 2026-03-09" in English and 民國115年3月10日 in Chinese: one day, the office's."""
    early = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # 2026-03-10 07:00 in Taipei
    retiring = County(retired_at=early)
    with pytest.raises(pt.PickupRefused) as retired:
        check(retiring.token(issued_at=NOW - timedelta(days=2)), retiring)
    assert "retired on 2026-03-10;" in retired.value.message_en
    with pytest.raises(pt.PickupRefused) as expired:
        check(county.token(expires_at=early), county)
    assert "expired on 2026-03-10;" in expired.value.message_en
