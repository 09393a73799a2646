"""What every typed payload shares: reading, checking and writing back a payload dict.

``Cls.from_payload(p)`` checks every value the way every office and the county must accept it
(the field rules live here, once; ``domain.event_values`` runs them) and ``Cls.read(p)`` takes a
payload that was already checked (a stored or ingested event) without checking it again.
``to_payload()`` gives back exactly the dict it was made from, because the hash chain
(``domain.chain``) hashes payload dicts: a key the class does not name, and a named optional
key written as ``null``, are kept in ``extra`` as they came, so absent and ``null`` stay apart.

A named field is required (missing: its rule reports it), optional (``None`` when absent), or
optional with a default the readers assume when absent (``phone`` is ``""``): for those an
explicit ``null`` is refused like any other bad value, as it always was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Self

from eservice_desktop.domain import values as v
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.json_walk import FIELD_KEY_MAX
from eservice_desktop.domain.payloads import one_walk
from eservice_desktop.domain.text_values import TEXT_MAX, bad_char

Rule = Callable[[Any], Any]


def as_dict(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DomainError("value.type", f"{name} 格式錯誤", f"{name} must be an object", name)
    return value


def as_list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise DomainError("value.type", f"{name} 格式錯誤", f"{name} must be a list", name)
    return value


class TextRule:
    """A text field's rule (``values.check_text`` with the field's name and limits), its limits
    readable: of a payload that passed ``values.check_json``, whose every string holds no
    character a multi-line text refuses, :meth:`Fields._build` checks only what is left (the
    type, the lengths, no tab or newline in a one-line field) and calls the rule for any string
    in doubt, so a refusal is the rule's own."""

    __slots__ = ("max_len", "min_len", "multiline", "name")

    def __init__(self, name: str, max_len: int, min_len: int, multiline: bool) -> None:
        self.name, self.max_len, self.min_len, self.multiline = name, max_len, min_len, multiline

    def __call__(self, x: Any) -> str:
        return v.check_text(
            x, self.name, max_len=self.max_len, min_len=self.min_len, multiline=self.multiline
        )


def text_rule(name: str, max_len: int, min_len: int = 0, *, multiline: bool = False) -> Rule:
    return TextRule(name, max_len, min_len, multiline)


def req(rule: Rule | None = None, *, after_json: Rule | None = None) -> Any:
    """A key every payload of the type carries. ``after_json``: the rule's lighter form for a
    payload that passed ``values.check_json`` (the same refusals; default: the rule)."""
    return field(metadata={"rule": rule, "kind": "required", "after_json": after_json})


def opt(rule: Rule | None = None, *, after_json: Rule | None = None) -> Any:
    """A key that may be absent or ``null`` (both ``None`` here; ``null`` is kept in extra)."""
    return field(
        default=None, metadata={"rule": rule, "kind": "optional", "after_json": after_json}
    )


def dflt(rule: Rule, *, after_json: Rule | None = None) -> Any:
    """A key that may be absent (the readers assume a default) but never ``null``."""
    return field(
        default=None, metadata={"rule": rule, "kind": "defaulted", "after_json": after_json}
    )


@dataclass(frozen=True)
class _Spec:
    name: str
    rule: Rule | None
    kind: str
    nested: type[Fields] | None
    #: The rule for a payload that passed ``values.check_json`` (``after_json``, else the rule).
    light: Rule | None = None
    #: A text rule's limits (max length, min length, multi-line), else None: see TextRule.
    text: tuple[int, int, bool] | None = None


def _text_passes(value: Any, text: tuple[int, int, bool]) -> bool:
    """A value of a text field that passed ``values.check_json`` passes every text rule check
    check_json has not made (text, its length limits, no tab or newline in a one-line field)."""
    return (
        type(value) is str
        and len(value) <= text[0]
        and (text[2] or ("\n" not in value and "\t" not in value))
        and (not text[1] or len(value.strip()) >= text[1])
    )


def _spec(f: Any, nested: type[Fields] | None) -> _Spec:
    rule, light = f.metadata["rule"], f.metadata.get("after_json")
    text = (rule.max_len, rule.min_len, rule.multiline) if isinstance(rule, TextRule) else None
    return _Spec(f.name, rule, f.metadata["kind"], nested, light or rule, text)


@dataclass(frozen=True, kw_only=True)
class Fields:
    """The reading and writing every payload (and nested object of one) shares."""

    #: Keys this class does not name, and named optional keys written as null, as they came.
    extra: Mapping[str, Any] = field(default_factory=dict)

    _specs: ClassVar[tuple[_Spec, ...]] = ()
    #: Every named field as None, the required ones, the nested ones (for :meth:`read`).
    _absent: ClassVar[Mapping[str, None]] = {}
    _required: ClassVar[tuple[str, ...]] = ()
    _nested: ClassVar[tuple[tuple[str, type[Fields]], ...]] = ()
    #: Nested objects: field name -> the class of its value.
    _NESTED: ClassVar[Mapping[str, type[Fields]]] = {}
    #: Named field -> (text limits, nested class, light rule, required): see :meth:`_quick`.
    _by_name: ClassVar[Mapping[str, _Spec]] = {}
    #: Every field name is a key the JSON rules take and every text limit is within theirs
    #: (so :meth:`quick_json` need not search them): true of every class, checked anyway.
    _json_plain_names: ClassVar[bool] = False
    #: Named field -> (text limits, nested class, light rule, 1 if required, kind): the
    #: :class:`_Spec` as ``payloads/one_walk.py`` reads it, a tuple (cheaper than attributes).
    _walk_table: ClassVar[Mapping[str, tuple[Any, ...]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._specs = ()  # filled on first use: the dataclass decorator runs after this hook

    @classmethod
    def _field_specs(cls) -> tuple[_Spec, ...]:
        if not cls._specs:
            named = [f for f in fields(cls) if f.name != "extra"]
            own = [f for f in named if f.name not in _COMMON]
            specs = tuple(
                _spec(f, cls._NESTED.get(f.name))
                for f in (*own, *(f for f in named if f.name in _COMMON))
            )
            cls._absent = dict.fromkeys(f.name for f in named)
            cls._required = tuple(s.name for s in specs if s.kind == "required")
            cls._nested = tuple((s.name, s.nested) for s in specs if s.nested is not None)
            for _name, nested in cls._nested:
                nested._field_specs()  # before this class's: :meth:`_quick` builds them too
            cls._by_name = {s.name: s for s in specs}
            cls._walk_table = {
                s.name: (s.text, s.nested, s.light, int(s.kind == "required"), s.kind)
                for s in specs
            }
            cls._json_plain_names = all(
                len(s.name) <= FIELD_KEY_MAX
                and bad_char(s.name) is None
                and (s.text is None or s.text[0] <= TEXT_MAX)
                and (s.nested is None or s.nested._json_plain_names)
                for s in specs
            )
            # last: a thread that sees the specs set finds the tables above set too
            cls._specs = specs
        return cls._specs

    @classmethod
    def from_payload(cls, p: Mapping[str, Any], *, json_checked: bool = False) -> Self:
        """The typed payload of ``p``; raises DomainError for the first value no office takes.
        ``json_checked``: ``p`` passed ``values.check_json``, every rule of it (the same
        refusals, with less searched again: see :class:`TextRule`)."""
        return cls._build(p, json_checked)

    @classmethod
    def read(cls, p: Mapping[str, Any]) -> Self:
        """The typed payload of an already checked ``p`` (no value is checked again; the same
        object :meth:`from_payload` gives, built on the fold's fast path); a required key
        missing raises KeyError."""
        cls._field_specs()
        kw: dict[str, Any] = dict(cls._absent)
        extra: dict[str, Any] = {}
        for key, value in p.items():
            if key in kw and (value is not None or key in cls._required):
                kw[key] = value
            else:
                extra[key] = value  # not named, or named and written as null
        for name in cls._required:
            if name not in p:
                raise KeyError(name)
        for name, nested in cls._nested:
            if kw[name] is not None:
                kw[name] = nested.read(kw[name])
        typed = object.__new__(cls)  # the values are the payload's own: no __init__ needed
        typed.__dict__.update(kw, extra=extra)
        return typed

    @classmethod
    def _build(cls, p: Mapping[str, Any], json_checked: bool = False) -> Self:
        """Checks and builds (see :meth:`from_payload`). Every event passes here (pulled, pushed,
        seeded), so the object is made as :meth:`read` makes it: the dataclass ``__init__`` of a
        frozen class sets each field through ``object.__setattr__``, which cost as much as the
        checks; every field is set here (absent ones None), so the object is the same."""
        if json_checked and type(p) is dict:
            typed = cls._quick(p) if cls._specs else None
            if typed is not None:
                return typed
        kw: dict[str, Any] = dict(cls._absent) if cls._specs else cls._absent_after_specs()
        extra: dict[str, Any] = {}
        for spec in cls._specs:
            name = spec.name
            value: Any = p.get(name)
            if value is None:
                if spec.kind != "required":
                    if name in p:
                        extra[name] = None  # written as null: kept apart from absent
                        if spec.kind == "defaulted" and spec.rule is not None:
                            spec.rule(None)  # refuses the null
                    continue
                if name not in p:
                    if spec.rule is not None:
                        spec.rule(None)  # names the missing key the way its rule does
                    raise KeyError(name)
            text = spec.text if json_checked else None
            if text is not None and _text_passes(value, text):
                pass  # all the text rule checks that check_json has not
            elif spec.rule is not None:
                value = (spec.light if json_checked else spec.rule)(value)  # type: ignore[misc]
            kw[name] = value if spec.nested is None else spec.nested._build(value, json_checked)
        if not p.keys() <= cls._absent.keys():
            extra.update((k, x) for k, x in p.items() if k not in cls._absent)
        typed = object.__new__(cls)
        typed.__dict__.update(kw, extra=extra)
        return typed

    @classmethod
    def _quick(cls, p: dict[str, Any]) -> Self | None:
        """:meth:`_build` of a payload that passed ``values.check_json``, walked by its own
        keys (most named fields of a payload are absent): the object ``_build`` makes when
        every value passes, else None, and ``_build`` walks the fields in their order to find
        the first refusal (a ``null`` the rules refuse, a text in doubt, a rule that refuses, a
        required key missing), so every refusal is still the one of the first field that has one."""
        table = cls._walk_table
        kw: dict[str, Any] = dict(cls._absent)
        extra: dict[str, Any] = {}
        nulls: list[str] = []
        required = 0
        try:
            for name, value in p.items():
                entry = table.get(name)
                if entry is None:
                    extra[name] = value
                    continue
                if value is None:
                    if entry[4] != "optional":
                        return None
                    nulls.append(name)  # kept in extra, as _build keeps it
                    continue
                text = entry[0]
                if text is not None:  # _text_passes, inline
                    if (
                        type(value) is not str
                        or len(value) > text[0]
                        or (not text[2] and ("\n" in value or "\t" in value))
                        or (text[1] and len(value.strip()) < text[1])
                    ):
                        return None
                    kw[name] = value
                elif entry[1] is not None:
                    typed = entry[1]._quick(value) if type(value) is dict else None
                    if typed is None:
                        return None
                    kw[name] = typed
                else:
                    kw[name] = value if entry[2] is None else entry[2](value)
                required += entry[3]
        except Exception:  # _build finds the first refusal and raises it
            return None
        return one_walk.made(cls, kw, extra, nulls) if required == len(cls._required) else None

    @classmethod
    def quick_json(cls, p: Any) -> Self | None:
        """``from_payload(p)`` for a payload not yet checked by ``values.check_json``, in one walk
        for both (the object both make when ``p`` passes every rule of both), else None: not
        sure, and the caller runs ``check_json`` then :meth:`from_payload`, which raise the
        refusal they always raised (the walk refuses nothing itself). See ``one_walk``."""
        if type(p) is not dict or not cls._field_specs() or not cls._json_plain_names:
            return None
        typed: Self | None = one_walk.quick_json(cls, p)
        return typed

    @classmethod
    def _absent_after_specs(cls) -> dict[str, Any]:
        cls._field_specs()
        return dict(cls._absent)

    def to_payload(self) -> dict[str, Any]:
        """Exactly the payload this was made from (a new dict)."""
        out: dict[str, Any] = {}
        for spec in self._field_specs():
            value = getattr(self, spec.name)
            if value is not None:
                out[spec.name] = value.to_payload() if spec.nested is not None else value
        out.update(self.extra)
        return out


def _reason_rule(name: str) -> Rule:
    return text_rule(name, v.REASON_MAX, multiline=True)


#: Fields every event type may carry; checked after the type's own.
_COMMON = ("reason", "supplement_reason")


@dataclass(frozen=True, kw_only=True)
class EventPayload(Fields):
    """The payload of one event type (``TYPE``)."""

    TYPE: ClassVar[str] = ""

    reason: str | None = opt(text_rule("reason", v.REASON_MAX, multiline=True))
    #: Not written any more; still checked wherever a payload carries it.
    supplement_reason: str | None = opt(
        text_rule("supplement_reason", v.REASON_MAX, multiline=True)
    )
