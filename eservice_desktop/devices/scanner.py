"""Barcode scanners as offices have them: keyboard wedge, serial port, or a camera picture.

**Keyboard wedge.** A USB scanner in keyboard mode "types" the code: a burst of keystrokes a few
milliseconds apart, ending with Enter (the configurable suffix), optionally starting with a
prefix. :class:`WedgeDecoder` is the pure rule, fed (character, time) pairs:

- every keystroke is *held* (not delivered) while it could still be part of a burst;
- a gap longer than ``max_interkey_ms`` ends a burst: the held keystrokes are *released* to
  whatever widget has focus, in order, so a human (≥ 60 ms between keys even when fast) types
  normally, only ~30 ms later. Gaps are measured with the time the platform stamped on each key
  event (when the key was pressed), not when the UI thread got round to it: keystrokes that
  queued up while the UI thread was busy must not look like a burst;
- a burst that ends with the suffix, starts with the prefix and has at least ``min_length``
  characters is a *scan*: its text is returned and none of its keystrokes ever reach a widget.
  Enter and Tab end a scan too, whatever the suffix: scanners ship sending either, and a Tab
  scanner's code typed into the focused field (the focus then moved on) left the previous
  citizen's case on screen as if it were the new one;
- an Enter or Tab within ``max_interkey_ms`` after a scan is the rest of the scanner's
  terminator (CR LF, CR Tab) and is *dropped*: passed on, it reached 確認交付 once the check
  had put the focus there, handing the documents over without the clerk's key.

Characters are taken from the key *code*, not from the text the keyboard layout or an input
method attached (a Zhuyin layout reports ㄅ for the "1" key), because a scanner presses keys, it
does not compose Chinese. The pickup code alphabet (A-Z, 2-7) needs no punctuation, so no
layout-dependent character is involved.

**Serial.** :class:`SerialScanner` reads lines from a COM/tty port (pyserial) on its own thread.

**Picture.** :func:`decode_image` reads QR codes from a photo or webcam frame with zxing-cpp.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("eservice.devices.scanner")

HOLD = "hold"
RELEASE = "release"
SCAN = "scan"
PASS = "pass"
DROP = "drop"

#: Keys that end a scan whatever the configured suffix (key codes as ``key_char`` gives them:
#: Enter, keypad Enter and a line feed are all "\r").
END_KEYS = ("\r", "\t")


@dataclass(frozen=True)
class WedgeRules:
    prefix: str = ""
    suffix: str = "\r"
    max_interkey_ms: float = 30.0
    #: Shorter bursts are never scans (the pickup code is 168 characters, a short code 9).
    min_length: int = 6


@dataclass
class Decision:
    """What to do with the keystroke just fed (and with the ones held before it).

    ``release`` lists how many held keystrokes (oldest first) must be delivered now, before the
    current one is handled as ``action`` says."""

    action: str
    release: int = 0
    text: str = ""


@dataclass
class WedgeDecoder:
    rules: WedgeRules = field(default_factory=WedgeRules)
    _held: list[str] = field(default_factory=list)
    _last: float = 0.0
    #: Press time of the key that ended the last scan (None: no scan yet).
    _scanned_at: float | None = None

    @property
    def holding(self) -> int:
        return len(self._held)

    def _gap_ended(self, now_ms: float) -> bool:
        # A negative gap means the clock source changed (synthetic vs. platform event times).
        gap = now_ms - self._last
        return gap < 0 or gap > self.rules.max_interkey_ms

    def expire(self, now_ms: float) -> int:
        """Called by a timer: how many held keystrokes to release because the burst stopped."""
        if self._held and self._gap_ended(now_ms):
            return self.flush()
        return 0

    def flush(self) -> int:
        """Gives up the current burst: the count of held keystrokes to release."""
        n = len(self._held)
        self._held.clear()
        return n

    def _ends_scan(self, ch: str) -> bool:
        return ch in END_KEYS or (len(self.rules.suffix) == 1 and ch == self.rules.suffix)

    def _end_of(self, buf: str) -> str:
        """The terminator ``buf`` ends with (the configured suffix, Enter or Tab), or ""."""
        if self.rules.suffix and buf.endswith(self.rules.suffix):
            return self.rules.suffix
        return buf[-1] if buf[-1] in END_KEYS else ""

    def ends_scan(self, ch: str, now_ms: float) -> str | None:
        """What :meth:`feed` would take ``ch`` for, asked before it is fed: the text of the
        scan it ends, "" for the rest of a scan's terminator (CR LF), None for anything else.
        A key that ends a scan must reach the catcher before a shortcut of the same key."""
        if not ch or (self._held and self._gap_ended(now_ms)):
            return None
        if not self._held:
            if not self._ends_scan(ch) or self._scanned_at is None:
                return None
            return "" if 0 <= now_ms - self._scanned_at <= self.rules.max_interkey_ms else None
        buf = "".join(self._held) + ch
        end = self._end_of(buf)
        body = buf[len(self.rules.prefix) : len(buf) - len(end)]
        if not end or len(body) < self.rules.min_length:
            return None
        return body.strip() if buf.startswith(self.rules.prefix) else None

    def feed(self, ch: str, now_ms: float) -> Decision:
        """``ch`` is one character from the key code, or "" for a key that is not a character
        (arrows, F-keys): such a key ends any burst and passes."""
        rules = self.rules
        release = 0
        if self._held and self._gap_ended(now_ms):
            release = len(self._held)
            self._held.clear()
        if not ch:
            release += len(self._held)
            self._held.clear()
            return Decision(PASS, release)
        if not self._held and self._ends_scan(ch):
            if self._scanned_at is not None and 0 <= now_ms - self._scanned_at <= (
                rules.max_interkey_ms
            ):
                self._scanned_at = now_ms  # CR LF: the scanner's terminator, not the clerk
                return Decision(DROP, release)
            return Decision(PASS, release)  # a lone Enter or Tab cannot end a scan
        self._held.append(ch)
        self._last = now_ms
        buf = "".join(self._held)
        if rules.prefix and not (buf.startswith(rules.prefix) or rules.prefix.startswith(buf)):
            release += len(self._held) - 1
            self._held.clear()
            return Decision(PASS, release)
        end = self._end_of(buf)
        if end:
            body = buf[len(rules.prefix) : len(buf) - len(end)]
            if len(body) >= rules.min_length and buf.startswith(rules.prefix):
                self._held.clear()
                self._scanned_at = now_ms
                return Decision(SCAN, release, body.strip())
            # Too short to be a scan: everything typed so far is human.
            release += len(self._held) - 1
            self._held.clear()
            return Decision(PASS, release)
        return Decision(HOLD, release)


class SerialScanner:
    """Reads scans from a serial port on a daemon thread; ``on_scan`` gets each text line.

    The port is reopened after an error (a USB-serial scanner unplugged and plugged back).
    ``listening`` is set while the port is open: opening it discards what was received before
    (pyserial flushes the input), so a scan counts from then on."""

    def __init__(
        self,
        port: str,
        on_scan: Callable[[str], None],
        baud: int = 9600,
        on_error: Callable[[str], None] | None = None,
        retry_s: float = 2.0,
    ) -> None:
        self.port = port
        self.baud = baud
        self.on_scan = on_scan
        self.on_error = on_error
        self.retry_s = retry_s
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        import serial

        while not self._stop.is_set():
            try:
                with serial.Serial(self.port, self.baud, timeout=0.2) as port:
                    self.listening.set()
                    try:
                        self._read(port)
                    finally:
                        self.listening.clear()
            except (serial.SerialException, OSError) as e:
                log.warning("serial scanner %s: %s", self.port, type(e).__name__)
                if self.on_error is not None:
                    self.on_error(str(e))
                self._stop.wait(self.retry_s)

    def _read(self, port: Any) -> None:
        buf = bytearray()
        while not self._stop.is_set():
            chunk = port.read(256)
            if not chunk:
                continue
            buf.extend(chunk)
            while True:
                cut = min((i for i in (buf.find(b"\r"), buf.find(b"\n")) if i >= 0), default=-1)
                if cut < 0:
                    break
                line = bytes(buf[:cut]).decode("ascii", "replace").strip()
                del buf[: cut + 1]
                if line:
                    self.on_scan(line)
            if len(buf) > 4096:  # no terminator: noise, not a scanner
                buf.clear()


def decode_image(source: str | Path | bytes | Any) -> list[str]:
    """Texts of the QR codes in a picture (file path, encoded bytes, or a PIL image)."""
    import io

    import zxingcpp
    from PIL import Image

    if isinstance(source, bytes):
        image = Image.open(io.BytesIO(source))
    elif isinstance(source, str | Path):
        image = Image.open(source)
    else:
        image = source
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    return [r.text for r in results if r.valid]
