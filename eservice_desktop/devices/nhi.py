"""The national health insurance card (健保卡): its public, unauthenticated data file.

Two APDUs are public: SELECT the NHI application, then READ the 57-byte basic record. Nothing on
this path is signed or authenticated, so what it yields is "read from the NHI card", good for
filling a form and cross-checking the ID check digit, never proof of who is at the counter.

The name is 20 bytes of Big5. Real names use characters outside plain Big5 (cp950 adds the
ETEN extension, e.g. 碁 銹 裏; HKSCS and user-defined areas hold the rest). A name that neither
decodes is *flagged* for the clerk with its raw bytes; it is never shown as "?" or a guess that
looks like a normal name.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from eservice_desktop.devices.apdu import Response, Transmit, exchange, select_aid
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import validate_national_id, validate_resident_id
from eservice_desktop.domain.text_values import bad_char

NHI_AID = bytes.fromhex("D1580000010000000000000000001100")
NHI_AID_15 = NHI_AID[:15]
READ_BASIC = bytes.fromhex("00CA11000200" + "00")
RECORD_LENGTH = 57

_CARD_NO = re.compile(r"^\d{12}$")
_DATE7 = re.compile(r"^\d{7}$")


class NotNhiCard(Exception):
    """The card refused the NHI SELECT: some other card (bank card, YubiKey, MOICA)."""


class NhiFormatError(Exception):
    """The card accepted SELECT but its record is not an NHI record."""


@dataclass(frozen=True)
class NhiRecord:
    card_number: str
    name: str
    #: "" when the name decoded as Big5; "cp950" when it needed the cp950 extension;
    #: "undecodable" when it decoded as neither: the clerk must type the name from the ID card.
    name_flag: str
    name_raw_hex: str
    national_id: str
    id_checksum_ok: bool
    birth: date | None
    birth_roc: str
    sex: str
    issued: date | None
    issued_roc: str

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["birth"] = self.birth.isoformat() if self.birth else ""
        out["issued"] = self.issued.isoformat() if self.issued else ""
        return out

    def applicant(self) -> dict[str, str]:
        """The ``applicant_read`` payload the GUI broadcasts (GUI contract)."""
        return {
            "id": self.national_id,
            "name": self.name,
            "birth": self.birth.isoformat() if self.birth else "",
            "source": "nhi",
            "name_flag": self.name_flag,
        }


def decode_name(raw: bytes) -> tuple[str, str]:
    """Returns (name, flag). Padding (NUL or spaces) is stripped before decoding. Bytes that
    decode to a control character (a damaged card: Big5 passes 0x01..0x1F through as ASCII)
    are no name either: shown, 王 and a line break and a box stood in the panel unflagged, and
    the intake form was offered it."""
    trimmed = raw.split(b"\x00", 1)[0].rstrip(b" ")
    for codec, flag in (("big5", ""), ("cp950", "cp950")):
        try:
            name = trimmed.decode(codec).strip()
        except UnicodeDecodeError:
            continue
        return (name, flag) if bad_char(name) is None else ("", "undecodable")
    return "", "undecodable"


def roc_date(text: str) -> date | None:
    """``YYYMMDD`` in ROC years to a date; None when it is not a real date."""
    if not _DATE7.fullmatch(text):
        return None
    try:
        return date(int(text[:3]) + 1911, int(text[3:5]), int(text[5:7]))
    except ValueError:
        return None


def _id_ok(value: str) -> bool:
    for check in (validate_national_id, validate_resident_id):
        try:
            check(value)
            return True
        except DomainError:
            continue
    return False


def parse_record(data: bytes) -> NhiRecord:
    """Parses the basic record; raises :class:`NhiFormatError` for anything not shaped like it."""
    if len(data) < RECORD_LENGTH:
        raise NhiFormatError(f"record has {len(data)} bytes, expected {RECORD_LENGTH}")
    try:
        card_number = data[0:12].decode("ascii")
        national_id = data[32:42].decode("ascii").strip().upper()
        birth_roc = data[42:49].decode("ascii")
        sex = data[49:50].decode("ascii")
        issued_roc = data[50:57].decode("ascii")
    except UnicodeDecodeError as e:
        raise NhiFormatError("non-ASCII bytes in numeric fields") from e
    if not _CARD_NO.fullmatch(card_number):
        raise NhiFormatError("card number is not 12 digits")
    if not re.fullmatch(r"[A-Z][A-Z0-9]\d{8}", national_id):
        raise NhiFormatError("ID number field is not shaped like an ID")
    birth = roc_date(birth_roc)
    if birth is None:
        raise NhiFormatError("birth date is not a ROC date")
    name, flag = decode_name(data[12:32])
    return NhiRecord(
        card_number=card_number,
        name=name,
        name_flag=flag,
        name_raw_hex=data[12:32].split(b"\x00", 1)[0].hex().upper() if flag else "",
        national_id=national_id,
        id_checksum_ok=_id_ok(national_id),
        birth=birth,
        birth_roc=birth_roc,
        sex={"M": "M", "F": "F", "1": "M", "2": "F"}.get(sex, sex),
        issued=roc_date(issued_roc),
        issued_roc=issued_roc,
    )


def select(transmit: Transmit) -> None:
    """SELECT the NHI application; the 16-byte AID first, then the 15-byte form some cards use."""
    for aid, le in ((NHI_AID, None), (NHI_AID_15, 0x00)):
        resp: Response = exchange(transmit, select_aid(aid, le))
        if resp.ok:
            return
    raise NotNhiCard("card does not have the NHI application")


def read(transmit: Transmit) -> NhiRecord:
    select(transmit)
    resp = exchange(transmit, READ_BASIC)
    if not resp.ok:
        raise NhiFormatError(f"READ refused with SW {resp.sw_hex}")
    return parse_record(resp.data)
