"""APDU exchange with the T=0/T=1 transport details a card application must handle itself.

pcsc-lite passes T=0 status words through unchanged, so a card that answers ``61xx`` ("xx more
bytes are waiting") or ``6Cxx`` ("wrong Le, the right one is xx") would look like a failure to
naive code. :func:`exchange` hides both, so card modules (nhi, moica) only see the final answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Sends one command APDU and returns the raw response (data followed by SW1 SW2).
Transmit = Callable[[bytes], bytes]

#: A card that keeps answering 61xx forever must not hang the reader thread.
MAX_CHAINED_RESPONSES = 64


class ApduError(IOError):
    """The card's answer did not make sense at the transport level (too short, endless chain)."""


@dataclass(frozen=True)
class Response:
    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == 0x9000

    @property
    def sw_hex(self) -> str:
        return f"{self.sw:04X}"


def _split(raw: bytes) -> Response:
    if len(raw) < 2:
        raise ApduError("response shorter than a status word")
    return Response(bytes(raw[:-2]), (raw[-2] << 8) | raw[-1])


def with_le(apdu: bytes, le: int) -> bytes:
    """Returns a short APDU with its Le byte set (replaced when present, appended otherwise).

    Only short APDUs are used by the cards read here: header (4), then Lc + data, then Le.
    """
    header, body = apdu[:4], apdu[4:]
    if len(body) == 0:
        return header + bytes([le & 0xFF])
    if len(body) == 1:  # case 2: only Le
        return header + bytes([le & 0xFF])
    lc = body[0]
    data = body[1 : 1 + lc]
    return header + bytes([lc]) + data + bytes([le & 0xFF])


def exchange(transmit: Transmit, apdu: bytes) -> Response:
    """Sends ``apdu`` and returns the card's complete answer.

    ``6Cxx`` → the same command is resent once with Le = xx (ISO 7816-3 §12.2.3).
    ``61xx`` → GET RESPONSE (00 C0 00 00 xx) is sent until the card stops announcing data; the
    pieces are concatenated.
    """
    resp = _split(transmit(apdu))
    if resp.sw >> 8 == 0x6C:
        resp = _split(transmit(with_le(apdu, resp.sw & 0xFF)))
    data = resp.data
    rounds = 0
    while resp.sw >> 8 == 0x61:
        rounds += 1
        if rounds > MAX_CHAINED_RESPONSES:
            raise ApduError("card keeps announcing more data")
        get = bytes([0x00, 0xC0, 0x00, 0x00, resp.sw & 0xFF])
        resp = _split(transmit(get))
        if resp.sw >> 8 == 0x6C:
            resp = _split(transmit(with_le(get, resp.sw & 0xFF)))
        data += resp.data
    return Response(data, resp.sw)


def select_aid(aid: bytes, le: int | None = None) -> bytes:
    """SELECT by DF name (AID), first or only occurrence."""
    out = bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid
    return out if le is None else out + bytes([le])
