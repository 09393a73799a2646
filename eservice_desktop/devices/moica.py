"""The MOICA citizen certificate card (自然人憑證) through PKCS#11, as it is really used.

The vendor module (HiCOSPKCS11.dll / libHiCOSPKCS11.so, path configured by IT) exposes the card
as a token: the certificates are readable without the PIN, the signing key only after C_Login.
Tests use SoftHSM2, a real PKCS#11 token.

PIN handling rules (appendix 25 and common sense at a counter):
- the PIN is typed by the holder, passed straight to C_Login, and never stored, logged, echoed
  or retried automatically: one wrong PIN is reported back, with the tries left, and the holder
  decides whether to type again;
- tries left come from the token flags (PKCS#11 has no counter: COUNT_LOW, FINAL_TRY and LOCKED
  are what the card tells), and are shown *before* asking;
- a locked card gets guidance on where to unblock it, not another attempt.

A card (or reader, or vendor module) that never answers must not keep its caller: each request
runs on a thread of its own and is waited for :data:`ANSWER_S` at most (:func:`_answered`). The
caller (the window's I/O pool, its database writer for the signature, a command) gets
``card.no_answer`` and goes on; while that thread is still stuck, a new request is refused at
once (``card.still_busy``) instead of starting another: Python cannot stop a thread, and each
try piled one more up, until the pool's three threads held printing and the network too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from cryptography import x509

log = logging.getLogger("eservice.card")
T = TypeVar("T")

#: MOICA cards lock after 3 wrong PINs.
MAX_TRIES = 3

#: How long one request (the token and its certificate; the PIN's sign-in and the signature)
#: may take: a real card and reader answer in a few seconds.
ANSWER_S = 20.0

BLOCKED_GUIDANCE_ZH = (
    "此自然人憑證的 PIN 碼已鎖卡。請持身分證至戶政事務所臨櫃辦理解鎖，"
    "或使用內政部憑證管理中心網站（moica.nat.gov.tw）的「線上解鎖」功能（需讀卡機與身分證）。"
)
BLOCKED_GUIDANCE_EN = (
    "This citizen certificate card's PIN is locked. Unblock it at any household registration "
    "office with your ID card, or online at moica.nat.gov.tw (card reader and ID card needed)."
)


class CardError(Exception):
    """A MOICA card problem the clerk can act on; ``code`` is stable for the UI."""

    def __init__(self, code: str, message: str, tries: PinTries | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.tries = tries


@dataclass(frozen=True)
class PinTries:
    """What the token says about PIN attempts; ``left`` is None when the card does not say."""

    state: str  # full | low | final | locked
    left: int | None

    @classmethod
    def from_flags(cls, flags: int) -> PinTries:
        from pkcs11 import TokenFlag

        if flags & TokenFlag.USER_PIN_LOCKED:
            return cls("locked", 0)
        if flags & TokenFlag.USER_PIN_FINAL_TRY:
            return cls("final", 1)
        if flags & TokenFlag.USER_PIN_COUNT_LOW:
            return cls("low", None)
        return cls("full", MAX_TRIES)

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "left": self.left}


@dataclass(frozen=True)
class TokenStatus:
    label: str
    serial: str
    manufacturer: str
    model: str
    tries: PinTries
    certificate: x509.Certificate | None

    def to_json(self) -> dict[str, Any]:
        cert = self.certificate
        return {
            "label": self.label,
            "serial": self.serial,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "pin_tries": self.tries.to_json(),
            "certificate": None
            if cert is None
            else {
                "subject": cert.subject.rfc4514_string(),
                "issuer": cert.issuer.rfc4514_string(),
                "serial": f"{cert.serial_number:X}",
                "not_before": cert.not_valid_before_utc.isoformat(),
                "not_after": cert.not_valid_after_utc.isoformat(),
            },
        }


_LIBS: dict[str, Any] = {}
_LIB_LOCK = threading.Lock()


def _lib(module: str) -> Any:
    """PKCS#11 modules may be initialised once per process: keep one handle per path."""
    if not module:
        raise CardError("pkcs11.not_configured", "no PKCS#11 module configured")
    import pkcs11

    with _LIB_LOCK:
        lib = _LIBS.get(module)
        if lib is None:
            try:
                lib = pkcs11.lib(module)
            except (RuntimeError, OSError) as e:
                raise CardError("pkcs11.load", f"cannot load PKCS#11 module: {e}") from e
            _LIBS[module] = lib
        return lib


def _token(module: str, label: str = "") -> Any:
    """The token whose label matches (IT may pin it), else the only token that holds a
    signing certificate."""
    lib = _lib(module)
    tokens = [slot.get_token() for slot in lib.get_slots(token_present=True)]
    tokens = [t for t in tokens if t.flags & _flag("TOKEN_INITIALIZED")]
    if label:
        tokens = [t for t in tokens if t.label.strip() == label]
    if not tokens:
        raise CardError("card.absent", "no citizen certificate card found")
    if len(tokens) > 1:
        raise CardError("card.many", "more than one card present; remove the others")
    return tokens[0]


def _flag(name: str) -> int:
    from pkcs11 import TokenFlag

    return int(getattr(TokenFlag, name))


def _signing_certificate(session: Any) -> tuple[x509.Certificate | None, bytes | None]:
    from pkcs11 import Attribute, ObjectClass

    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        cert = x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE]))
        try:
            ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
            if not ku.digital_signature:
                continue
        except x509.ExtensionNotFound:
            pass
        return cert, bytes(obj[Attribute.ID])
    # No certificate with a signing key usage: hand back the first one so that the validator
    # reports the wrong key usage instead of "no certificate".
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        return x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE])), bytes(obj[Attribute.ID])
    return None, None


#: What a PKCS#11 module answers when the card left the reader while it was being used.
_REMOVED_ERRORS = (
    "TokenNotPresent",
    "DeviceRemoved",
    "SessionHandleInvalid",
    "SessionClosed",
    "SlotIDInvalid",
    "TokenNotRecognised",
)


def _device_error(e: Exception) -> CardError:
    """A PKCS#11 failure no step expected: the card pulled out halfway (C_Login, reading the
    certificate, signing) or a card that stopped answering."""
    if type(e).__name__ in _REMOVED_ERRORS:
        return CardError("card.absent", "the card was removed")
    return CardError("card.failed", f"card error: {type(e).__name__}")


class _Lane:
    """The one thread at a time that talks to the card (:func:`_answered`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = False

    def call(self, fn: Callable[[], T], timeout: float) -> T:
        with self._lock:
            if self._busy:
                raise CardError("card.still_busy", "the card has not answered an earlier request")
            self._busy = True
        done = threading.Event()
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = fn()
            except BaseException as e:  # handed to the caller
                box["error"] = e
            finally:
                with self._lock:
                    self._busy = False
                done.set()

        threading.Thread(target=run, name="moica-card", daemon=True).start()
        if not done.wait(timeout):
            log.warning("the citizen certificate card did not answer in %.0f s", timeout)
            raise CardError("card.no_answer", f"no answer from the card in {timeout:.0f} s")
        if "error" in box:
            raise box["error"]
        return cast(T, box["value"])


_LANE = _Lane()


def _answered(fn: Callable[[], T], timeout: float | None) -> T:
    """``fn`` (a PKCS#11 conversation) on the card's thread, waited for ``timeout`` seconds
    (:data:`ANSWER_S`); a PKCS#11 failure as :class:`CardError`."""
    from pkcs11 import exceptions as px

    def talk() -> T:
        try:
            return fn()
        except px.PKCS11Error as e:
            raise _device_error(e) from e

    return _LANE.call(talk, ANSWER_S if timeout is None else timeout)


def status(module: str, label: str = "", *, timeout: float | None = None) -> TokenStatus:
    """Reads what is readable without the PIN: token info, PIN tries, the signing certificate."""
    return _answered(lambda: _status(module, label), timeout)


def _status(module: str, label: str) -> TokenStatus:
    token = _token(module, label)
    with token.open() as session:
        cert, _ = _signing_certificate(session)
    return TokenStatus(
        label=token.label.strip(),
        serial=str(token.serial.decode() if isinstance(token.serial, bytes) else token.serial),
        manufacturer=str(token.manufacturer_id).strip(),
        model=str(token.model).strip(),
        tries=PinTries.from_flags(int(token.flags)),
        certificate=cert,
    )


def sign(
    module: str, label: str, pin: str, data: bytes, *, timeout: float | None = None
) -> tuple[bytes, x509.Certificate]:
    """Logs in with ``pin`` once and signs ``data`` (SHA-256 with RSA PKCS#1 v1.5).

    Raises :class:`CardError` with ``pin.wrong`` (and the tries now left), ``pin.locked``,
    ``card.absent`` (also when the card is pulled out halfway), ``card.no_key``,
    ``card.failed``, ``card.no_answer`` or ``card.still_busy``. Never retries.
    """
    return _answered(lambda: _sign(module, label, pin, data), timeout)


def _sign(module: str, label: str, pin: str, data: bytes) -> tuple[bytes, x509.Certificate]:
    import pkcs11
    from pkcs11 import Attribute, Mechanism, ObjectClass
    from pkcs11 import exceptions as px

    token = _token(module, label)
    before = PinTries.from_flags(int(token.flags))
    if before.state == "locked":
        raise CardError("pin.locked", BLOCKED_GUIDANCE_EN, before)
    try:
        session = token.open(user_pin=pin)
    except px.PinIncorrect as e:
        after = PinTries.from_flags(int(_token(module, label).flags))
        if after.state == "full":
            # The token keeps no visible count (SoftHSM, some modules): one fewer than before.
            after = PinTries("low", MAX_TRIES - 1)
        raise CardError("pin.wrong", "wrong PIN", after) from e
    except px.PinLocked as e:
        raise CardError("pin.locked", BLOCKED_GUIDANCE_EN, PinTries("locked", 0)) from e
    except (px.PinLenRange, px.PinInvalid) as e:
        raise CardError("pin.format", "PIN has the wrong length or characters", before) from e
    except px.TokenNotPresent as e:
        raise CardError("card.absent", "the card was removed") from e
    with session:
        cert, key_id = _signing_certificate(session)
        if cert is None:
            raise CardError("card.no_certificate", "no certificate on the card")
        keys = list(
            session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: key_id})
        )
        if not keys:
            raise CardError("card.no_key", "no signing key matches the certificate")
        try:
            signature = keys[0].sign(data, mechanism=Mechanism.SHA256_RSA_PKCS)
        except pkcs11.exceptions.PKCS11Error as e:
            if type(e).__name__ in _REMOVED_ERRORS:  # pulled out while it was signing
                raise _device_error(e) from e
            raise CardError("card.sign_failed", f"signing failed: {type(e).__name__}") from e
    return bytes(signature), cert
