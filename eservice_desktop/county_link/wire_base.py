"""The base of every wire schema (county_link/protocol.py and the modules it gathers): extra
fields refused, U+0000 refused anywhere in a body; the patterns of office codes, device
names and chain hashes the schemas share; and the one form of a time on the wire.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)

CODE = r"^[A-Z][0-9]{2}$"
DEVICE = r"^[0-9A-Za-z]{1,8}$"
HASH = r"^[0-9a-f]{64}$"
#: A counter as office and device, ``H01-01`` (an access record made under another one).
RECORDED_AS = r"^[A-Z][0-9]{2}-[0-9A-Za-z]{1,8}$"


#: ``\u0000`` as JSON writes U+0000: preceded by an even number of backslashes (an odd number
#: is an escaped backslash followed by the text "u0000").
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def no_nul(value: Any) -> None:
    """PostgreSQL text cannot hold U+0000 (found by fuzzing): refused at the door, anywhere
    in a body, so no store ever sees it. A document is checked as its JSON text (one C-speed
    pass instead of a walk in Python), which also refuses NaN and infinities: pydantic reads
    them in a JSON answer (``NaN``, ``1e999``), and a county's reference change holding one
    was stored at the office as JSON no other reader takes."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("the NUL character is not allowed")
    elif isinstance(value, dict | list | tuple):
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except ValueError as e:
            if str(e).startswith("Out of range float"):
                raise ValueError("numbers must be finite (no NaN or Infinity)") from None
            raise
        except TypeError:  # not plain JSON: walk it
            for item in value.items() if isinstance(value, dict) else value:
                if isinstance(value, dict):
                    no_nul(item[0])
                    no_nul(item[1])
                else:
                    no_nul(item)
            return
        if _JSON_NUL.search(text):
            raise ValueError("the NUL character is not allowed")


#: The start of a time as the wire writes it (ISO-8601: date, ``T``, hours and minutes).
_ISO_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


def iso_text(value: Any) -> Any:
    """A time on the wire is ISO-8601 text (or a datetime, built in Python by this side):
    pydantic's lax mode read a number, or text of digits (``1773108000``), as seconds since
    1970, so an event ``"at": 1773108000`` was taken as a time no counter wrote."""
    if isinstance(value, datetime) or (type(value) is str and _ISO_TIME.match(value)):
        return value
    raise ValueError("a time must be ISO-8601 text with its UTC offset (2026-03-10T10:00:00+08:00)")


def with_offset(value: datetime) -> datetime:
    """A time without its UTC offset names no instant (the office's and the county's clocks
    read it in different zones): refused."""
    if value.utcoffset() is None:
        raise ValueError("a time must carry its UTC offset (+08:00, Z)")
    return value


#: A time on the wire: ISO-8601 text with its offset, never a number (docs/protocol.md).
WireTime = Annotated[datetime, BeforeValidator(iso_text), AfterValidator(with_offset)]


#: The largest seq, cursor or version either end takes: a signed 64-bit integer, what SQLite
#: and PostgreSQL store (a larger one pulled and stored raised OverflowError at the office).
MAX_SEQ = 2**63 - 1
#: The most events (or access records) one push may carry; larger outboxes go in batches.
MAX_PUSH_BATCH = 1000


def within_seq(value: str) -> str:
    if int(value) > MAX_SEQ:
        raise ValueError(f"a cursor is at most {MAX_SEQ}")
    return value


#: A position in a feed on the wire (a change's ``seq``, ``remaining``): a JSON integer.
WireSeq = Annotated[StrictInt, Field(ge=0, le=MAX_SEQ)]
#: A cursor or version as the county writes it: the decimal seq (no sign, no leading zero,
#: at most MAX_SEQ). The office stores it and sends it back as ``since``: one the county
#: would refuse there stopped every later pull.
WireCursor = Annotated[str, Field(pattern=r"^(0|[1-9][0-9]{0,18})$"), AfterValidator(within_seq)]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: True where the fields' own validators already refuse U+0000 everywhere (patterns,
    #: ``values.check_text``/``check_json``): the walk below would only repeat them.
    _nul_checked: ClassVar[bool] = False

    @model_validator(mode="after")
    def _refuse_nul(self) -> Any:
        if self._nul_checked:
            return self
        for value in self.__dict__.values():
            if type(value) is str:
                if "\x00" in value:
                    raise ValueError("the NUL character is not allowed")
            elif value is not None and not isinstance(value, BaseModel):
                no_nul(value)
        return self
