"""Search over the names of the household registers: rare characters past the BMP (Ext-B..H,
造字 of plane 15), variation selectors (IVS), and a name typed in another normal form."""

from __future__ import annotations

import unicodedata

import pytest
from factories import FIELDS

from eservice_desktop.domain import values
from eservice_desktop.services import cases, pickup_checks
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage import search


def _take(app: App, pid: str, name: str) -> str:
    return intake(app, IntakeRequest("HR-TRANSCRIPT", pid, name, fields=FIELDS)).case_number


@pytest.mark.parametrize("sort_at_most", [search.SORT_AT_MOST, 0])
def test_the_surname_finds_a_name_whose_next_character_is_past_the_bmp(
    app: App, sort_at_most: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # both plans of a prefix: read through its index and sorted, or the key index walked
    monkeypatch.setattr(search, "SORT_AT_MOST", sort_at_most)
    wang = _take(app, "A123456789", "王𡘙明")  # Ext-B
    ge = _take(app, "F131104093", "葛\U000e0100雲")  # an IVS after the surname
    lin = _take(app, "A100001026", "林\U000f0001")  # 造字, plane 15
    chen = _take(app, "A100001035", "陳小明")
    for typed, number in (("王", wang), ("葛", ge), ("林", lin), ("陳", chen)):
        assert [r.case_number for r in cases.search(app, typed)] == [number], typed
        assert cases.search_count(app, typed) == 1, typed


NGUYEN = "Nguyễn Thị Hồng"  # composed: as a Vietnamese keyboard types it


def test_a_name_pasted_decomposed_is_stored_composed_and_found_either_way(app: App) -> None:
    pasted = unicodedata.normalize("NFD", NGUYEN)  # from a macOS document or a web form
    assert pasted != NGUYEN
    number = _take(app, "A123456789", pasted)
    assert cases.show_case(app, number).applicant_name == NGUYEN
    for typed in (NGUYEN, pasted, "Nguyễn", unicodedata.normalize("NFD", "Hồng"), "Thị"):
        assert [r.case_number for r in cases.search(app, typed)] == [number], typed
        assert cases.search_count(app, typed) == 1, typed


def test_compatibility_ideographs_stay_as_the_register_writes_them(app: App) -> None:
    name = "\uf9a8恩\U0002f81a"  # NFC would make them 令 and 冬
    number = _take(app, "A123456789", name + "e\u0301")
    assert cases.show_case(app, number).applicant_name == name + "é"


def test_a_name_stored_decomposed_by_an_older_build_is_found(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(values, "composed", lambda text: text)  # names kept as they came
    number = _take(app, "A123456789", unicodedata.normalize("NFD", NGUYEN))
    monkeypatch.undo()
    for typed in (NGUYEN, "Nguyễn", "Hồng"):
        assert [r.case_number for r in cases.search(app, typed)] == [number], typed
        assert cases.search_count(app, typed) == 1, typed


def test_the_collectors_name_is_composed_too() -> None:
    typed = {"name": unicodedata.normalize("NFD", NGUYEN), "id": "A123456789"}
    assert pickup_checks.validate_collector(typed)["name"] == NGUYEN


def test_a_name_is_found_as_the_certificate_or_the_keyboard_writes_it(app: App) -> None:
    nguyen = _take(app, "A123456789", NGUYEN)
    wide = _take(app, "F131104093", "ＡＢＣ Lin")  # an IME left in full-width mode
    dong = _take(app, "A100001026", "\U0002f81a美")  # 冬 as the compatibility ideograph
    ge = _take(app, "A100001035", "葛\U000e0100雲")  # an IVS the keyboard cannot type
    pasuya = _take(app, "A100001044", "Pasuya．Poiconx")
    for typed, number in (
        ("NGUYEN THI HONG", nguyen),  # as the resident certificate prints it
        ("nguyen", nguyen),
        ("Hong", nguyen),
        ("Thi", nguyen),
        ("ABC", wide),
        ("abc lin", wide),
        ("冬美", dong),
        ("葛雲", ge),
        ("Pasuya.Poiconx", pasuya),
    ):
        assert _numbers(cases.search(app, typed)) == [number], typed
        assert cases.search_count(app, typed) == 1, typed
    # the names are kept as written
    assert cases.show_case(app, dong).applicant_name == "\U0002f81a美"
    assert cases.show_case(app, ge).applicant_name == "葛\U000e0100雲"


def _numbers(rows: list[cases.QueueRow]) -> list[str]:
    return [r.case_number for r in rows]
