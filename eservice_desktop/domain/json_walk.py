"""The one-pass test of a JSON document (``values.check_json``'s quick path): its limits, its
walk and the search of all its text at once. A typed payload's own walk (``payloads/one_walk``)
uses the same pieces, so a payload is walked once for both the JSON rules and its fields'.
"""

from __future__ import annotations

import math
from typing import Any, Final

from eservice_desktop.domain.text_values import TEXT_MAX, bad_char

#: A key of a JSON object in a payload (also a ``fields`` key's limit).
FIELD_KEY_MAX: Final = 40
#: Integers anywhere in a payload (what every JSON reader keeps exactly).
JSON_INT_MAX: Final = 2**53 - 1
JSON_DEPTH_MAX: Final = 8
JSON_ITEMS_MAX: Final = 2000


def plainly_valid(value: Any, exact_ints: bool) -> bool:
    """True when ``values.check_json``'s full walk would accept ``value`` (same walk, same limits);
    False means "not sure" (a subclass of a JSON type, a limit or character in question): the
    caller walks again to find the first bad value."""
    if type(value) is not dict and type(value) is not list:
        return _plainly_valid_scalar(value, exact_ints)
    texts: list[str] = []
    keys: list[str] = []
    return plain_walk(value, 0, 0, texts, keys, exact_ints) >= 0 and plain_texts(texts, keys)


def plain_texts(texts: list[str], keys: list[str]) -> bool:
    """No refused character in the texts and keys :func:`plain_walk` collected."""
    # a space joins them: it is allowed in both, so no refused character appears by joining
    return bad_char(" ".join(texts), multiline=True) is None and bad_char(" ".join(keys)) is None


def plain_walk(  # noqa: PLR0917 - the walk's state, passed on by a walk of a larger document
    root: Any, depth: int, count: int, texts: list[str], keys: list[str], exact_ints: bool = True
) -> int:
    """:func:`plainly_valid`'s walk of the container ``root`` at ``depth`` of its document,
    ``count`` items of it counted before (``root`` itself not among them): the count after
    ``root``'s values, or -1 when not sure. Its texts and keys are added to ``texts`` and
    ``keys``, for :func:`plain_texts` to search once for the whole document (a typed payload's
    own walk, ``payloads/one_walk``, hands the values it does not know here).

    Only containers go on the stack: a container's plain values (most of a payload) are
    checked, collected and counted in its own loop, and a non-empty container at the deepest
    level fails at once (its values would lie beyond it)."""
    stack: list[tuple[Any, int]] = [(root, depth)]
    pop, push, text = stack.pop, stack.append, texts.append
    while stack:
        item, depth = pop()
        count += 1 + len(item)  # the container and each of its values
        if count > JSON_ITEMS_MAX or depth > JSON_DEPTH_MAX or (item and depth == JSON_DEPTH_MAX):
            return -1
        if type(item) is dict:
            for k in item:
                if type(k) is not str or len(k) > FIELD_KEY_MAX:
                    return -1
            keys.extend(item)
            item = item.values()
        for x in item:
            kind = type(x)
            if kind is str:
                if len(x) > TEXT_MAX:
                    return -1
                text(x)
            elif kind is dict or kind is list:
                count -= 1  # counted when taken from the stack
                push((x, depth + 1))
            elif kind is int:
                if exact_ints and not -JSON_INT_MAX <= x <= JSON_INT_MAX:
                    return -1
            elif x is None or kind is bool:
                continue
            elif kind is not float or not math.isfinite(x):
                return -1
    return count


def _plainly_valid_scalar(value: Any, exact_ints: bool) -> bool:
    """:func:`plainly_valid` of a document that is one plain value."""
    kind = type(value)
    if kind is str:
        return len(value) <= TEXT_MAX and bad_char(value, multiline=True) is None
    if kind is int:
        return not exact_ints or -JSON_INT_MAX <= value <= JSON_INT_MAX
    if value is None or kind is bool:
        return True
    return kind is float and math.isfinite(value)


class JsonWalk:
    """What a typed payload's one walk (``payloads.base.Fields.quick_json``) carries through
    it: the items counted, and the texts and keys for one search, as :func:`plain_walk`
    keeps them."""

    __slots__ = ("count", "keys", "texts")

    def __init__(self) -> None:
        self.count = 0
        self.texts: list[str] = []
        self.keys: list[str] = []

    def plain(self, value: Any, depth: int) -> bool:
        """``value``, at ``depth`` and counted already, passes the JSON rules (texts kept)."""
        kind = type(value)
        if kind is str:
            self.texts.append(value)
            return len(value) <= TEXT_MAX
        if kind is int:
            return bool(-JSON_INT_MAX <= value <= JSON_INT_MAX)
        if value is None or kind is bool:
            return True
        if kind is dict or kind is list:
            self.count = plain_walk(value, depth, self.count - 1, self.texts, self.keys)
            return self.count >= 0
        return kind is float and math.isfinite(value)
