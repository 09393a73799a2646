"""One walk of a payload for both the JSON rules (``values.check_json``) and its class's rules
(``Fields.from_payload``): ``Fields.quick_json``. It refuses nothing: it gives the typed payload
both walks would give, or None when not sure (a ``null`` that is refused, a text in doubt, a
rule that refuses, a limit in question), and the caller runs the two walks, which raise the
refusal they always raised. The JSON side is ``json_walk``'s, the class side ``Fields._quick``'s,
both inline (the walk every office ingest, pull and seed makes of every event).
"""

from __future__ import annotations

from typing import Any

from eservice_desktop.domain.json_walk import (
    FIELD_KEY_MAX,
    JSON_DEPTH_MAX,
    JSON_INT_MAX,
    JSON_ITEMS_MAX,
    JsonWalk,
    plain_texts,
)
from eservice_desktop.domain.text_values import TEXT_MAX


def quick_json(cls: Any, p: dict[str, Any]) -> Any:
    """The typed payload of ``p`` (a ``Fields`` class whose specs are made), or None."""
    walk = JsonWalk()
    typed = _walk(cls, p, walk, 0)
    if typed is None or walk.count > JSON_ITEMS_MAX:
        return None
    return typed if plain_texts(walk.texts, walk.keys) else None


def _walk(cls: Any, p: dict[str, Any], walk: JsonWalk, depth: int) -> Any:
    """``Fields._quick`` with ``plain_walk``'s checks of ``p``, a dict at ``depth`` (texts and
    keys left in ``walk``); ``_text_passes`` and ``JsonWalk.plain`` inline."""
    table, texts, inner = cls._walk_table, walk.texts, depth + 1
    kw: dict[str, Any] = dict(cls._absent)
    extra: dict[str, Any] = {}
    nulls: list[str] = []
    required, walk.count = 0, walk.count + 1 + len(p)
    if depth >= JSON_DEPTH_MAX:
        return None  # payloads nest far less: not sure
    try:
        for name, value in p.items():
            entry = table.get(name) if type(name) is str else None
            kind = type(value)
            if entry is None:
                if type(name) is not str or len(name) > FIELD_KEY_MAX:
                    return None
                walk.keys.append(name)
                extra[name] = value
            elif value is None:
                if entry[4] != "optional":
                    return None  # refused, or a required key's rule names it
                nulls.append(name)  # kept in extra, as _build keeps it
                continue
            elif entry[0] is not None:  # a text: (max, min, multi-line)
                mx, mn, multi = entry[0]
                if (
                    kind is not str
                    or len(value) > mx
                    or (not multi and ("\n" in value or "\t" in value))
                    or (mn and len(value.strip()) < mn)
                ):
                    return None
                texts.append(value)
                kw[name] = value
                required += entry[3]
                continue
            elif entry[1] is not None:  # a nested object
                typed = _walk(entry[1], value, walk, inner) if kind is dict else None
                if typed is None:
                    return None
                walk.count -= 1  # counted as one of p's values already
                kw[name] = typed
                required += entry[3]
                continue
            if kind is str:
                if len(value) > TEXT_MAX:
                    return None
                texts.append(value)
            elif kind is int:
                if not -JSON_INT_MAX <= value <= JSON_INT_MAX:
                    return None
            elif kind is not bool and not walk.plain(value, inner):
                return None
            if entry is not None:
                kw[name] = value if entry[2] is None else entry[2](value)
                required += entry[3]
    except Exception:  # from_payload finds the first refusal and raises it
        return None
    return made(cls, kw, extra, nulls) if required == len(cls._required) else None


def made(cls: Any, kw: dict[str, Any], extra: dict[str, Any], nulls: list[str]) -> Any:
    """The typed payload of the named values ``kw``, the unnamed ``extra`` and the named
    ``nulls`` (kept in extra), as ``Fields._build`` makes it."""
    if nulls:  # _build's order: the nulls in the fields' order, then the unnamed keys
        extra = {**{n: None for n in cls._by_name if n in nulls}, **extra}
    typed = object.__new__(cls)
    typed.__dict__.update(kw, extra=extra)
    return typed
