"""Typed reads of the catalogue's JSON: one value of an object, checked, or a refusal.

Every reader takes the object, the key and ``where`` (``services[3].fee_items[0]``) and raises
``catalogue.invalid`` naming ``where.key`` and what was expected, so the catalogue's readers
(``catalogue_parse``) say only what a record is made of.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from eservice_desktop.domain.errors import DomainError

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def invalid(where: str, zh: str, en: str) -> DomainError:
    return DomainError(
        "catalogue.invalid",
        f"申辦項目目錄資料有誤（{where}）：{zh}",
        f"Catalogue: {where} {en}",
        where,
    )


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise invalid(where, "應為物件", "must be an object")
    return value


def get(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise invalid(f"{where}.{key}", "缺少此欄位", "is missing")
    return obj[key]


def text(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = get(obj, key, where)
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"{where}.{key}", "應為非空白字串", "must be a non-empty string")
    return value


def opt_text(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    if obj.get(key) is None:
        return None
    return text(obj, key, where)


def boolean(obj: Mapping[str, Any], key: str, where: str) -> bool:
    value = get(obj, key, where)
    if not isinstance(value, bool):
        raise invalid(f"{where}.{key}", "應為 true 或 false", "must be true or false")
    return value


def integer(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = get(obj, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{where}.{key}", "應為整數", "must be an integer")
    return value


def opt_integer(obj: Mapping[str, Any], key: str, where: str) -> int | None:
    if obj.get(key) is None:
        return None
    return integer(obj, key, where)


def price(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = integer(obj, key, where)
    if value < 0:
        raise DomainError(
            "catalogue.negative_price",
            f"規費金額不可為負數（{where}.{key}）：{value}",
            f"Catalogue: {where}.{key} is a negative price: {value}",
            f"{where}.{key}",
        )
    return value


def array(obj: Mapping[str, Any], key: str, where: str) -> Sequence[Any]:
    value = get(obj, key, where)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise invalid(f"{where}.{key}", "應為陣列", "must be a list")
    return value


def text_list(obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, value in enumerate(array(obj, key, where)):
        if not isinstance(value, str) or not value.strip():
            raise invalid(f"{where}.{key}[{i}]", "應為非空白字串", "must be a non-empty string")
        if value in out:
            raise invalid(f"{where}.{key}[{i}]", f"重複的值：{value}", f"repeats {value!r}")
        out.append(value)
    return tuple(out)


def parallel(obj: Mapping[str, Any], key: str, where: str, zh: tuple[str, ...]) -> tuple[str, ...]:
    """The English list that goes with a zh-TW list: one entry for each, in the same order."""
    en = text_list(obj, key, where)
    if len(en) != len(zh):
        raise invalid(
            f"{where}.{key}",
            f"英文項目數（{len(en)}）與中文（{len(zh)}）不符",
            f"has {len(en)} entries for {len(zh)} in zh-TW",
        )
    return en


def one_of(obj: Mapping[str, Any], key: str, where: str, allowed: frozenset[str]) -> str:
    value = text(obj, key, where)
    if value not in allowed:
        options = ", ".join(sorted(allowed))
        raise invalid(
            f"{where}.{key}",
            f"不明的值「{value}」（可用：{options}）",
            f"{value!r} not in {options}",
        )
    return value


def code(obj: Mapping[str, Any], where: str, pattern: re.Pattern[str]) -> str:
    value = text(obj, "code", where)
    if not pattern.fullmatch(value):
        raise invalid(f"{where}.code", f"代碼格式不符：{value}", f"has a malformed code {value!r}")
    return value


def hhmm(obj: Mapping[str, Any], key: str, where: str) -> time:
    value = text(obj, key, where)
    if not _HHMM.fullmatch(value):
        raise invalid(f"{where}.{key}", f"時間格式應為 HH:MM：{value}", f"{value!r} is not HH:MM")
    return time.fromisoformat(value)
