"""The pickup desk's code readers, as the faces use them: the keyboard-wedge rule, the serial
scanner and a picture's QR codes.

The readers themselves are adapters in :mod:`eservice_desktop.devices.scanner`; the GUI reaches
them through this module so that faces import services and domain only.
"""

from __future__ import annotations

from collections.abc import Callable

from eservice_desktop.config import Settings
from eservice_desktop.devices.scanner import (
    HOLD,
    SCAN,
    Decision,
    SerialScanner,
    WedgeDecoder,
    WedgeRules,
    decode_image,
)

__all__ = [
    "HOLD",
    "SCAN",
    "Decision",
    "SerialScanner",
    "WedgeDecoder",
    "WedgeRules",
    "decode_image",
    "open_serial",
    "wedge_rules",
]


def wedge_rules(settings: Settings) -> WedgeRules:
    """The burst rule of this desk's scanner (prefix, suffix, fastest human typing)."""
    return WedgeRules(
        prefix=settings.scanner_prefix,
        suffix=settings.scanner_suffix or "\r",
        max_interkey_ms=settings.scanner_max_interkey_ms,
    )


def open_serial(settings: Settings, on_scan: Callable[[str], None]) -> SerialScanner | None:
    """Starts reading the configured serial scanner (none configured: None); ``on_scan`` is
    called on the reader's thread with each code."""
    if not settings.scanner_serial_port:
        return None
    scanner = SerialScanner(settings.scanner_serial_port, on_scan, settings.scanner_serial_baud)
    scanner.start()
    return scanner
