"""The county's JSON reader for request bodies (county/edge.py): standard JSON only, so no
value JSON has not (``NaN``, ``Infinity``, ``1e400``), no lone surrogate and no key named
twice reaches a handler, a store or an answer.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any


class BadJSON(ValueError):
    pass


def _constant(name: str) -> Any:
    raise BadJSON(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJSON("number out of range")
    return value


#: A lone surrogate can only come from a ``\uD800``..``\uDFFF`` escape (the body is valid
#: UTF-8): a body without one needs no walk (a match may be an escaped backslash: then walk).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value: Any) -> None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if _SURROGATE.search(v):
                raise BadJSON("unpaired surrogate")
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object of the body, refused when it names a key twice: json keeps the last one, a
    log, a proxy or another reader may keep the first, so the county would check and store
    another value than the one they see. Only the dict is built and its size compared (some
    3 ms more for a push of 1,000 events: about 1 µs per object)."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise BadJSON("duplicate key")
    return value


_DECODER = json.JSONDecoder(
    parse_constant=_constant, parse_float=_finite, object_pairs_hook=_unique_keys
)


def strict_loads(body: bytes) -> Any:
    """Standard JSON only, each key once per object; raises BadJSON (a ValueError) otherwise."""
    try:
        text = body.decode("utf-8")
        value = _DECODER.decode(text)
    except BadJSON:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise BadJSON(str(e)[:100]) from e
    if _SURROGATE_ESCAPE.search(text):
        _no_surrogates(value)
    return value
