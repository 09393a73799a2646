"""How a failed request of the county link is named (errors.py words each name for the clerk):
a deadline that cut the county off, a failure requests wraps in a ConnectionError of another
meaning, a TLS handshake that failed for the certificate, the line or the port."""

from __future__ import annotations

import ssl

import requests

from eservice_desktop.county_link.errors import ConfigError, Offline, SyncError

#: What an Offline says when a deadline cut the county off (errors.py words them for the clerk).
SLOW = "the county answered too slowly"
ROUND_OVER = "the sync round ran out of time"


def offline_name(e: requests.RequestException) -> str:
    """The transport failure as errors.py names it: requests' exception name, but for the
    failures requests wraps in a ConnectionError of another meaning: a host name DNS does not
    resolve (``NameResolution``), and an answer that stopped coming after its headers
    (``ReadTimeout``; requests raises ConnectionError while it reads a body). Both read
    "connection refused or network down" to the clerk, which sent IT to the wrong place."""
    from urllib3.exceptions import NameResolutionError, ReadTimeoutError

    if isinstance(e, requests.ConnectionError) and not isinstance(e, requests.Timeout):
        cause = e.args[0] if e.args else None
        if isinstance(cause, ReadTimeoutError):
            return "ReadTimeout"
        if isinstance(getattr(cause, "reason", None), NameResolutionError):
            return "NameResolution"
    return type(e).__name__


def _causes(e: BaseException) -> list[BaseException]:
    """``e`` and what it wraps: requests' and urllib3's wrappers keep the ssl module's error
    in their ``args`` and ``reason``, Python's in ``__cause__`` / ``__context__``."""
    found: list[BaseException] = []
    todo: list[object] = [e]
    while todo:
        x = todo.pop()
        if not isinstance(x, BaseException) or any(x is f for f in found):
            continue
        found.append(x)
        todo += [getattr(x, "reason", None), x.__cause__, x.__context__, *x.args]
    return found


def tls_failure(e: requests.exceptions.SSLError) -> SyncError:
    """What a failed TLS handshake was: the county's certificate refused (a setting for IT:
    ConfigError), the line dropped or reset during the handshake (Offline, retried as any
    dropped line: said as a certificate refused, it waited a minute and asked for IT after a
    flap of the network), or no TLS at the other end (plain http on that port: ConfigError
    naming the URL, not the certificate); anything else (a CA file that holds no
    certificate) stays the certificate's."""
    causes = _causes(e)
    if not any(isinstance(c, ssl.SSLCertVerificationError) for c in causes):
        dropped = (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionError, TimeoutError)
        if any(isinstance(c, dropped) for c in causes):
            return Offline("TLSCut")
        if any(getattr(c, "reason", None) == "WRONG_VERSION_NUMBER" for c in causes):
            return ConfigError(f"TLS handshake failed: {type(e).__name__}")
    return ConfigError(f"TLS verification failed: {type(e).__name__}")
