"""The base of every wire schema (county_link/protocol.py and the modules it gathers): extra
fields refused, U+0000 refused anywhere in a body; and the patterns of office codes, device
names and chain hashes the schemas share.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

CODE = r"^[A-Z][0-9]{2}$"
DEVICE = r"^[0-9A-Za-z]{1,8}$"
HASH = r"^[0-9a-f]{64}$"


#: ``\u0000`` as JSON writes U+0000: preceded by an even number of backslashes (an odd number
#: is an escaped backslash followed by the text "u0000").
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def no_nul(value: Any) -> None:
    """PostgreSQL text cannot hold U+0000 (found by fuzzing): refused at the door, anywhere
    in a body, so no store ever sees it. A document is checked as its JSON text (one C-speed
    pass instead of a walk in Python)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("the NUL character is not allowed")
    elif isinstance(value, dict | list | tuple):
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):  # not plain JSON: walk it
            for item in value.items() if isinstance(value, dict) else value:
                if isinstance(value, dict):
                    no_nul(item[0])
                    no_nul(item[1])
                else:
                    no_nul(item)
            return
        if _JSON_NUL.search(text):
            raise ValueError("the NUL character is not allowed")


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
