"""Search over the names of the household registers: rare characters past the BMP (Ext-B..H,
造字 of plane 15), variation selectors (IVS), and a name typed in another normal form."""

from __future__ import annotations

import pytest
from factories import FIELDS

from eservice_desktop.services import cases
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
