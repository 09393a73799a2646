"""APDU transport rules: 61xx chaining with GET RESPONSE, 6Cxx resend with the right Le."""

from __future__ import annotations

import pytest

from eservice_desktop.devices.apdu import ApduError, exchange, select_aid, with_le


class Script:
    """A card that answers from a list and records what it was sent."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = [bytes.fromhex(a) for a in answers]
        self.sent: list[str] = []

    def __call__(self, apdu: bytes) -> bytes:
        self.sent.append(apdu.hex().upper())
        return self.answers.pop(0)


def test_plain_answer_passes_through() -> None:
    card = Script(["01029000"])
    resp = exchange(card, bytes.fromhex("00CA110002000000"))
    assert resp.data == b"\x01\x02" and resp.ok and resp.sw_hex == "9000"


def test_61xx_is_followed_by_get_response_and_concatenated() -> None:
    card = Script(["6103", "AABB6102", "CCDD9000"])
    resp = exchange(card, bytes.fromhex("00B0000000"))
    assert resp.data == bytes.fromhex("AABBCCDD") and resp.ok
    assert card.sent[1:] == ["00C0000003", "00C0000002"]


def test_6cxx_resends_with_the_given_length() -> None:
    card = Script(["6C39", "11" * 0x39 + "9000"])
    resp = exchange(card, bytes.fromhex("00CA1100020000" + "00"))
    assert len(resp.data) == 0x39
    assert card.sent[1] == "00CA110002000039"


def test_6cxx_on_get_response() -> None:
    card = Script(["6110", "6C05", "0102030405" + "9000"])
    resp = exchange(card, bytes.fromhex("00B0000000"))
    assert resp.data == bytes.fromhex("0102030405")
    assert card.sent[2] == "00C0000005"


def test_error_status_is_returned_not_raised() -> None:
    resp = exchange(Script(["6A82"]), select_aid(b"\xd1\x58"))
    assert not resp.ok and resp.sw_hex == "6A82"


def test_short_response_is_a_transport_error() -> None:
    with pytest.raises(ApduError):
        exchange(Script(["90"]), b"\x00\xa4\x04\x00")


def test_endless_chain_stops() -> None:
    card = Script(["6101"] * 100)
    with pytest.raises(ApduError):
        exchange(card, bytes.fromhex("00B0000000"))


@pytest.mark.parametrize(
    ("apdu", "expected"),
    [
        ("00B00000", "00B0000020"),  # case 1 → case 2
        ("00B0000000", "00B0000020"),  # case 2: Le replaced
        ("00A4040002D158", "00A4040002D15820"),  # case 3 → case 4
        ("00A4040002D15800", "00A4040002D15820"),  # case 4: Le replaced
    ],
)
def test_with_le(apdu: str, expected: str) -> None:
    assert with_le(bytes.fromhex(apdu), 0x20).hex().upper() == expected
