"""The catalogue carries English for everything the English window shows of it: service names,
field labels and choices, fee units, required documents; a list of the wrong length is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.storage import resources

HAN = "\u4e00-\u9fff"


def _raw() -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        resources.read_json("catalogue", "services.json"),
        resources.read_json("catalogue", "offices.json"),
    )


def _is_english(text: str) -> bool:
    return bool(text.strip()) and not any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_everything_shown_has_english() -> None:
    cat = Catalogue.from_dict(*_raw())
    for svc in cat.services_for("household") + cat.services_for("land"):
        assert _is_english(svc.name_en), svc.code
        assert len(svc.required_documents_en) == len(svc.required_documents)
        assert all(_is_english(d) for d in svc.required_documents_en), svc.code
        for item in svc.fee_items:
            assert _is_english(item.unit_en) and item.unit_label("en") == item.unit_en
            assert item.unit_label("zh_TW") == item.unit
        for spec in svc.fields:
            assert _is_english(spec.label_en), (svc.code, spec.key)
            assert len(spec.choices_en) == len(spec.choices)
            for zh, en in zip(spec.choices, spec.choices_en, strict=True):
                assert _is_english(en), (svc.code, spec.key, zh)
                assert spec.choice_label(zh, "en") == en
                assert spec.choice_label(zh, "zh_TW") == zh


@pytest.mark.parametrize("key", ["choices_en", "required_documents_en"])
def test_an_english_list_of_another_length_is_refused(key: str) -> None:
    services, offices = _raw()
    data = copy.deepcopy(services)
    svc = data["services"][0]  # HR-HOUSEHOLD-BOOK: a choice field and four documents
    target = svc["fields"][1] if key == "choices_en" else svc
    target[key] = target[key][:-1]
    with pytest.raises(DomainError) as e:
        Catalogue.from_dict(data, offices)
    assert key in (e.value.field or "") or key in e.value.message_en


def test_a_missing_english_unit_is_refused() -> None:
    services, offices = _raw()
    data = copy.deepcopy(services)
    del data["services"][0]["fee_items"][0]["unit_en"]
    with pytest.raises(DomainError):
        Catalogue.from_dict(data, offices)
