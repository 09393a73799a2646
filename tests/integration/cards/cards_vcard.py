"""Virtual smart cards for the real PC/SC stack (pcscd + vsmartcard-vpcd), no hardware.

vpcd listens on 127.0.0.1:35963 (reader "Virtual PCD 00 00") and :35964 ("... 00 01"). A card is
a TCP client of that port: each message is a 2-byte big-endian length then the payload; a
1-byte payload is a control code (0 power off, 1 power on, 2 reset, 4 send the ATR), anything
else is an APDU to answer. Connecting is "insert", closing the socket is "remove".

Debian's vicc is broken (see docs/testing-notes.md), and a card written here is fully under the
tests' control: garbage answers, T=0 quirks, a card pulled in the middle of a read.
Used by tests/integration/cards, tests/gui/test_identity_* and benchmarks/bench_cards.py.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable

VPCD_HOST = "127.0.0.1"
PORTS = (35963, 35964)
READER_NAMES = ("Virtual PCD 00 00", "Virtual PCD 00 01")

NHI_AID = bytes.fromhex("D15800000100000000000000000011" + "00")
NHI_READ = bytes.fromhex("00CA11000200 00".replace(" ", ""))
OK = b"\x90\x00"
RECORD_LENGTH = 57
NOT_FOUND = b"\x6a\x82"
INS_NOT_SUPPORTED = b"\x6d\x00"

# ATR of a T=0/T=1 capable card (historical bytes do not matter to the application).
ATR_T0 = bytes.fromhex("3B02 1450".replace(" ", ""))
ATR_T1 = bytes.fromhex("3B8080 0101".replace(" ", ""))

#: Returned by a handler to make the card vanish before answering (pulled mid-read).
PULL = object()

Handler = Callable[[bytes], "bytes | object"]


def nhi_record(
    name_bytes: bytes,
    *,
    card_number: str = "000012345678",
    national_id: str = "A123456789",
    birth_roc: str = "0750312",
    sex: str = "M",
    issued_roc: str = "1100101",
) -> bytes:
    """The 57-byte record the NHI card returns to READ: card number (12), name (Big5, 20, NUL or
    space padded), ID (10), birth (ROC YYYMMDD, 7), sex (1), issue date (7)."""
    name = name_bytes.ljust(20, b"\x00")[:20]
    out = (
        card_number.encode("ascii")
        + name
        + national_id.encode("ascii")
        + birth_roc.encode("ascii")
        + sex.encode("ascii")
        + issued_roc.encode("ascii")
    )
    assert len(out) == 57
    return out


def nhi_handler(
    record: bytes, *, pull_on_read: bool = False, garbage: bool = False, aid15_only: bool = False
) -> Handler:
    """An NHI card: SELECT by the 16-byte AID (or the 15-byte form), then READ returns ``record``.
    ``aid15_only`` makes a card that knows its application only by the 15-byte AID."""
    selected = {"ok": False}

    def handle(apdu: bytes) -> bytes | object:
        if apdu[:4] == bytes.fromhex("00A40400"):
            aid = apdu[5 : 5 + apdu[4]]
            if aid == NHI_AID[:15] or (aid == NHI_AID and not aid15_only):
                selected["ok"] = True
                return OK
            return NOT_FOUND
        if apdu[:4] == NHI_READ[:4] and selected["ok"]:
            if pull_on_read:
                return PULL
            if garbage:
                return b"\x01\x02\x03garbage" + OK
            return record + OK
        return INS_NOT_SUPPORTED

    return handle


def t0_nhi_handler(record: bytes) -> Handler:
    """An NHI card behind T=0 habits: READ with the wrong Le answers 6Cxx (resend with Le = xx),
    then 61xx (data waiting, fetch it with GET RESPONSE); a GET RESPONSE with the wrong Le
    answers 6Cxx too."""
    inner = nhi_handler(record)
    pending = {"data": b""}

    def handle(apdu: bytes) -> bytes | object:
        if apdu[:4] == bytes.fromhex("00C00000"):
            data = pending["data"]
            le = apdu[4] if len(apdu) > 4 else 0
            if le != len(data):
                return bytes([0x6C, len(data)])
            pending["data"] = b""
            return data + OK
        if apdu[:4] == NHI_READ[:4] and apdu[-1] != RECORD_LENGTH:
            return bytes([0x6C, RECORD_LENGTH])
        out = inner(apdu)
        if isinstance(out, bytes) and len(out) > 2 and out[-2:] == OK:
            pending["data"] = out[:-2]
            return bytes([0x61, len(out) - 2])
        return out

    return handle


def unrelated_handler() -> Handler:
    """A YubiKey-like token: knows nothing of the NHI application."""

    def handle(apdu: bytes) -> bytes:
        if apdu[:2] == b"\x00\xa4":
            return NOT_FOUND
        return INS_NOT_SUPPORTED

    return handle


class VirtualCard:
    """One card in one virtual reader. ``insert()`` connects to vpcd, ``remove()`` disconnects."""

    def __init__(self, handler: Handler, port: int = PORTS[0], atr: bytes = ATR_T1) -> None:
        self.handler = handler
        self.port = port
        self.atr = atr
        self.apdus: list[bytes] = []
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def inserted(self) -> bool:
        return self._sock is not None

    def insert(self, timeout: float = 5.0) -> VirtualCard:
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((VPCD_HOST, self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()
        return self

    def remove(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> VirtualCard:
        return self.insert()

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def _recv_exact(self, sock: socket.socket, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            try:
                # vpcd writes the length and the payload separately; without quick ACKs,
                # Nagle on its side and delayed ACKs on ours add ~40 ms to every APDU.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                chunk = sock.recv(n - len(buf))
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return buf

    def _send(self, sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self, sock: socket.socket) -> None:
        while True:
            head = self._recv_exact(sock, 2)
            if head is None:
                break
            (length,) = struct.unpack(">H", head)
            payload = self._recv_exact(sock, length)
            if payload is None:
                break
            try:
                if length == 1:
                    if payload[0] == 4:
                        self._send(sock, self.atr)
                    continue
                self.apdus.append(payload)
                answer = self.handler(payload)
                if answer is PULL:
                    with self._lock:
                        mine = self._sock is sock
                        if mine:
                            self._sock = None
                    sock.close()
                    break
                assert isinstance(answer, bytes)
                self._send(sock, answer)
            except OSError:
                break


def wait_for(predicate: Callable[[], object], timeout: float = 5.0) -> object:
    """Polls until ``predicate`` returns something truthy (pcscd notices cards in ~0.2-0.4 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def wait_readers_empty(timeout: float = 10.0) -> None:
    """Until pcscd reports no card in either virtual reader: it notices a removal on its next
    poll (~0.4 s), later on a loaded machine, and a test that follows must not see the card
    of the one before (a fixed pause was sometimes too short)."""
    from eservice_desktop.devices import pcsc
    from eservice_desktop.devices.apdu import ApduError

    def empty() -> bool:
        try:
            statuses = pcsc.snapshot(read_cards=False)
        except ApduError:
            return True  # no PC/SC service: no reader holds a card (the next test says so)
        return all(
            status.state in (pcsc.ReaderState.NO_CARD, pcsc.ReaderState.NO_READER)
            for status in statuses
            if status.reader in READER_NAMES
        )

    try:
        wait_for(empty, timeout)
    except AssertionError:
        raise AssertionError(f"a card is still in a virtual reader after {timeout} s") from None
