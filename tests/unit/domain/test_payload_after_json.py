"""The payload classes' lighter rules for a payload that passed ``values.check_json``
(``from_payload(..., json_checked=True)``, what ``event_values.check_payload`` runs) accept
and refuse exactly as their full rules do, with the same error."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain import values as v
from eservice_desktop.domain.errors import DomainError

DATA = Path(__file__).parents[2] / "data"

#: Characters around the edges of what the text rules refuse, blanks, tabs and newlines.
CHARS = st.sampled_from([*"\t\n\r \u3000aZ9-@.桃（）\x00\x7f\u202e\u2028\ufffe", "\U00020000"])
TEXTS = st.text(alphabet=CHARS, max_size=6) | st.text(alphabet=CHARS, min_size=8, max_size=70)
#: Lengths just around every limit a text rule of a payload names.
LIMITS = st.sampled_from([0, 1, 10, 11, 12, 13, 16, 17, 24, 25, 36, 37, 40, 41, 48, 49, 60, 61])
EDGE_TEXTS = st.builds(lambda n, c: c * n, LIMITS, st.sampled_from(["a", " ", "桃", "\n"]))
VALUES = st.one_of(
    TEXTS, EDGE_TEXTS, st.none(), st.integers(-2, 3), st.booleans(), st.lists(TEXTS, max_size=3)
)


def _names(cls: type[pl.Fields]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name != "extra"]


def _valid() -> dict[str, dict[str, Any]]:
    """A payload of each type that its class accepts (from those the unit suite wrote)."""
    out: dict[str, dict[str, Any]] = {}
    lines = (DATA / "payloads" / "written.jsonl").read_text(encoding="utf-8").splitlines()
    for d in map(json.loads, lines):
        try:
            pl.PAYLOADS[d["type"]].from_payload(d["payload"])
        except (DomainError, KeyError):
            continue
        out.setdefault(d["type"], d["payload"])
    return {**_MORE, **out}


#: Types the unit suite writes no accepted payload of.
_MORE: dict[str, dict[str, Any]] = {
    "case.applicant_corrected": {
        "name": "林峯",
        "fields": {"registered_address": "桃園市桃園區中正路11號"},
        "reason": "姓名誤植",
    },
    "case.payment_method_corrected": {
        "payment_id": "p-1",
        "receipt_number": "H01-01-115-R000001",
        "from_method": "card",
        "to_method": "cash",
        "amount": 15,
        "reason": "誤按刷卡",
    },
    "case.conflict_recorded": {"conflict_id": "c-1"},
    "case.conflict_resolved": {"conflict_id": "c-1", "reason": "已處理"},
    "case.lookup_done": {"kind": "household", "result_id": "r-1", "sha256": "a" * 64},
    "case.notice_resend_requested": {"stage": "ready"},
}


VALID = _valid()


@st.composite
def changed(draw: Any, cls: type[pl.Fields], base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with one to three keys (nested ones too) set to a drawn value or removed."""
    out = dict(base)
    for name in draw(st.lists(st.sampled_from([*_names(cls), "other"]), min_size=1, max_size=3)):
        nested = cls._NESTED.get(name)
        if draw(st.integers(0, 9)) == 0:
            out.pop(name, None)
        elif nested is not None and isinstance(out.get(name), dict):
            out[name] = draw(changed(nested, out[name]))
        elif name == "fields" and draw(st.booleans()):
            out[name] = draw(st.dictionaries(TEXTS | EDGE_TEXTS, VALUES, max_size=3))
        else:
            out[name] = draw(VALUES)
    return out


def _outcome(cls: type[pl.Fields], p: dict[str, Any], json_checked: bool) -> object:
    if json_checked:
        v.check_json(p)  # the light rules run only after it (the caller skips what it refuses)
    try:
        return ("ok", cls.from_payload(p, json_checked=json_checked))
    except DomainError as e:
        return ("refused", e.code, e.message_en, e.field)
    except KeyError as e:
        return ("missing", e.args)


def test_every_type_has_a_valid_example() -> None:
    assert set(VALID) == set(pl.PAYLOADS)


@given(
    st.sampled_from(sorted(VALID)).flatmap(
        lambda t: st.tuples(st.just(t), changed(pl.PAYLOADS[t], VALID[t]))
    )
)
@settings(max_examples=500)
def test_after_json_rules_decide_as_the_full_rules(case: tuple[str, dict[str, Any]]) -> None:
    type_, payload = case
    try:
        v.check_json(payload)
    except DomainError:
        return  # the light rules run only after check_json
    cls = pl.PAYLOADS[type_]
    assert _outcome(cls, payload, True) == _outcome(cls, payload, False)


@given(
    st.dictionaries(
        TEXTS | EDGE_TEXTS, VALUES | st.sampled_from(["a" * 500, "a" * 501]), max_size=3
    ),
    st.lists(TEXTS | EDGE_TEXTS, max_size=3),
)
@settings(max_examples=400)
def test_received_fields_and_consent_decide_as_their_full_rules(
    fields: dict[str, Any], consent: list[str]
) -> None:
    payload = {**VALID["case.received"], "fields": fields, "consent": consent}
    try:
        v.check_json(payload)
    except DomainError:
        return
    assert _outcome(pl.Received, payload, True) == _outcome(pl.Received, payload, False)


def _refused_by_json(payload: dict[str, Any]) -> bool:
    try:
        v.check_json(payload)
    except DomainError:
        return True
    return False


def _text_specs() -> list[tuple[str, str | None, str, Any]]:
    """(type, nested field or None, field, its TextRule) of every text field of every type."""
    out = []
    for type_, cls in sorted(pl.PAYLOADS.items()):
        cls._field_specs()
        for spec in cls._specs:
            nested = cls._NESTED.get(spec.name)
            if nested is not None:
                nested._field_specs()
                out += [(type_, spec.name, n.name, n.rule) for n in nested._specs if n.text]
            elif spec.text:
                out.append((type_, None, spec.name, spec.rule))
    return out


def _edges(rule: Any) -> list[str]:
    """Text at and around a rule's limits: lengths, blanks, a tab or newline inside."""
    n, m = rule.max_len, max(rule.min_len, 1)
    return [
        "a" * n,
        "a" * (n + 1),
        " " * m,
        "a" * max(m - 1, 0),
        "\u3000" + "a" * (m - 1),
        "a\tb"[: max(n, 3)],
        "a\nb"[: max(n, 3)],
        "\n",
        "桃" * min(n, 5),
    ]


def test_every_text_field_at_its_limits_decides_as_its_full_rule() -> None:
    specs = _text_specs()
    assert len(specs) > 30
    for type_, nested, name, rule in specs:
        for text in _edges(rule):
            payload = dict(VALID[type_])
            if nested is None:
                payload[name] = text
            else:
                payload[nested] = {**payload.get(nested, {}), name: text}
            cls = pl.PAYLOADS[type_]
            if not _refused_by_json(payload):
                assert _outcome(cls, payload, True) == _outcome(cls, payload, False), (name, text)


def test_fields_and_consent_at_their_limits_decide_as_their_full_rules() -> None:
    for fields, consent in [
        ({" ": "x"}, []),
        ({"k": "a" * 500}, []),
        ({"k": "a" * 501}, []),
        ({"k": "a\nb"}, []),
        ({"k\t": "x"}, []),
        ({}, ["a\tb"]),
        ({}, ["a\nb"]),
        ({}, [" "]),
        ({}, ["a" * 40]),
        ({}, ["a" * 41]),
        ({}, [1]),
        ([], []),
        ({}, {}),
    ]:
        payload = {**VALID["case.received"], "fields": fields, "consent": consent}
        if _refused_by_json(payload):
            continue
        assert _outcome(pl.Received, payload, True) == _outcome(pl.Received, payload, False)
