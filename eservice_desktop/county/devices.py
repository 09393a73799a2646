"""The county's devices: one-time enrolment codes, enrolment (a credential issued once, only its
hash stored), authentication and revocation, and the office and device numbers they accept.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import (
    CountyChainHeadRow,
    DeviceAuditRow,
    DeviceRow,
    EnrolCodeRow,
    FeedRow,
    aware,
    lock_feed,
)
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.domain.values import COUNTER_RE
from eservice_desktop.storage import resources

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_TTL = timedelta(days=7)
OFFICE_CODE = re.compile(r"[A-Z][0-9]{2}")


class AuthFailed(Exception):
    """401: no or unknown credential."""


class Forbidden(Exception):
    """403: known credential not allowed (revoked device, foreign office in a push)."""


class DeviceRevoked(Forbidden):
    """403 at enrolment: the code names a device the county revoked (a replacement code issued
    before a stolen PC's revocation). The code is left unused: a new PC of the office needs a
    plain code, and the answer says so instead of calling the code unknown, used or expired
    and sending IT back for a replacement code the county refuses for a revoked device."""

    def __init__(self, device_key: str, office: str) -> None:
        super().__init__(f"device {device_key} revoked")
        self.device_key, self.office = device_key, office


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


#: Device numbers: two digits (they are part of every case and receipt number); ``CTY`` and
#: anything else outside 01..99 is reserved for the county.
DEVICE_NUMBER = COUNTER_RE


class BadRequest(Exception):
    """Refused input of a county command (office not in the catalogue, bad device number)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message_zh, self.message_en = zh, en


def check_office_code(office: str) -> str:
    offices = known_offices()
    if not OFFICE_CODE.fullmatch(office or "") or (offices and office not in offices):
        raise BadRequest(
            f"查無此機關代碼：{office[:20]!r}", f"No such office in the catalogue: {office[:20]!r}"
        )
    return office


def check_device_number(device: str) -> str:
    if not DEVICE_NUMBER.fullmatch(device or ""):
        raise BadRequest(
            "設備編號須為 01 到 99 的兩位數字", "A device number is two digits, 01 to 99"
        )
    return device


def new_enrol_code(s: Session, office: str, now: datetime, device: str | None = None) -> str:
    """A one-time code for a new device of ``office``, or, with ``device``, one that replaces
    that device's credential (a new PC for the same counter)."""
    check_office_code(office)
    if device is not None:
        check_device_number(device)
        dev = s.get(DeviceRow, f"{office}-{device}")
        if dev is not None and dev.revoked_at is not None:
            # the way on for the stolen or lost PC's successor: it said "revoked" alone
            raise BadRequest(
                f"設備 {office}-{device} 已撤銷，不能換發；接替的電腦請以 enrol-code --office "
                f"{office}（不加 --device）核發新設備的登記碼，該機將取得新的櫃檯編號",
                f"Device {office}-{device} is revoked and takes no replacement code; for the PC "
                f"taking its place issue a code for a new device (enrol-code --office {office}, "
                "without --device): it takes a new counter number",
            )
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    s.add(
        EnrolCodeRow(
            code_hash=_hash(raw),
            office=office,
            device=device,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    )
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _free_number(s: Session, office: str, wanted: str) -> str:
    taken = set(s.scalars(select(DeviceRow.device).where(DeviceRow.office == office)))
    if DEVICE_NUMBER.fullmatch(wanted) and wanted not in taken:
        return wanted
    for n in range(1, 100):
        if f"{n:02d}" not in taken:
            return f"{n:02d}"
    raise Forbidden("no device number left in this office")


class WrongOffice(Exception):
    """The code was issued for another office than the one the device belongs to."""

    def __init__(self, code_office: str, device_office: str) -> None:
        super().__init__(f"code for {code_office}, device of {device_office}")
        self.code_office, self.device_office = code_office, device_office


def enrol(
    s: Session,
    code: str,
    device: str,
    label: str,
    now: datetime,
    *,
    office: str | None = None,
) -> tuple[DeviceRow, str]:
    """Consumes a one-time code and issues a credential (returned once).

    The device names its office: a code issued for another office is refused before anything
    is written (WrongOffice): the code stays usable and no device is created.

    A plain code enrols a new device: the asked number when it is free, else the next free one
    (the answer says which). A code county IT issued for a named device replaces that device's
    credential. Neither ever takes over another device, lifts a revocation or uses a reserved
    id; every issue is written to the device audit."""
    code_hash = _hash(normalise_code(code))
    row = s.get(EnrolCodeRow, code_hash, with_for_update=True)
    if row is None or row.used_at is not None or aware(row.expires_at) < now:
        raise Forbidden("enrolment code unknown, used or expired")
    if office is not None and office != row.office:
        raise WrongOffice(row.office, office)
    credential = secrets.token_urlsafe(32)
    if row.device is not None:
        key = f"{row.office}-{row.device}"
        dev = s.get(DeviceRow, key, with_for_update=True)
        if dev is not None and dev.revoked_at is not None:
            raise DeviceRevoked(key, row.office)
        action = "replaced" if dev is not None else "enrolled"
        number = row.device
    else:
        number = _free_number(s, row.office, device)
        key = f"{row.office}-{number}"
        dev, action = None, "enrolled"
    row.used_at, row.used_by = now, key
    if dev is None:
        dev = DeviceRow(
            device_key=key,
            office=row.office,
            device=number,
            enrolled_at=now,
            credential_hash=_hash(credential),
            label=label,
        )
        s.add(dev)
    else:
        dev.credential_hash, dev.enrolled_at, dev.label = _hash(credential), now, label
        # a new PC for the counter starts its own chain (or goes on from the events it
        # recovered): the next push is taken as the chain's new start
        head = s.get(CountyChainHeadRow, key)
        if head is not None:
            s.delete(head)
    s.add(
        DeviceAuditRow(device_key=key, action=action, at=now, code_ref=code_hash[:8], label=label)
    )
    return dev, credential


#: The device of a credential's hash (built once: every request of a device asks it).
_BY_CREDENTIAL = select(DeviceRow).where(DeviceRow.credential_hash == bindparam("hash"))


def authenticate(s: Session, credential: str | None) -> DeviceRow:
    if not credential:
        raise AuthFailed("missing credential")
    dev = s.scalar(_BY_CREDENTIAL, {"hash": _hash(credential)})
    if dev is None:
        raise AuthFailed("unknown credential")
    if dev.revoked_at is not None:
        raise Forbidden("device revoked")
    return dev


def revoke(s: Session, device_key: str, now: datetime) -> bool:
    """Revokes a device (False when there is none). A device already revoked is refused
    (BadRequest) and nothing is written: a second revocation moved the recorded time to its
    own, audited it again and sent the offices a second revocation bearing the later time."""
    dev = s.get(DeviceRow, device_key, with_for_update=True)
    if dev is None:
        return False
    if dev.revoked_at is not None:
        when = roc_minute(aware(dev.revoked_at))
        raise BadRequest(
            f"設備 {device_key} 已於 {when} 撤銷", f"Device {device_key} was revoked on {when}"
        )
    dev.revoked_at = now
    s.add(DeviceAuditRow(device_key=device_key, action="revoked", at=now))
    lock_feed(s)
    s.add(
        FeedRow(
            office=dev.office,
            kind="revocation",
            source=None,
            created_at=now,
            data={"kind": "device", "device_key": device_key, "at": now.isoformat()},
        )
    )
    return True


@cache
def known_offices() -> frozenset[str]:
    """The offices of the shipped catalogue (empty when it cannot be read: no check)."""
    try:
        data = resources.read_json("catalogue", "offices.json")
        return frozenset(str(o["code"]) for o in data["offices"])
    except (OSError, KeyError, TypeError, ValueError):
        return frozenset()
