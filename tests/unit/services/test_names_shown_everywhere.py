"""Every name a print shows is refused with an emoji or a pictographic symbol, as an applicant's
is: a collector's (the pickup slip, the handover's record) and an operator's display name (the
receipt's 經收人, the closing's 核准主管), at the office and at the county."""

from __future__ import annotations

import pytest
from operator_support import PASSWORD

from eservice_desktop.county.operators import check_name as county_name
from eservice_desktop.county.service import BadRequest
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import operators, pickup
from eservice_desktop.services.core import App


def test_a_collector_s_name_with_an_emoji_is_refused_at_its_field() -> None:
    entry = {"name": "林代領😀", "id": "A123456789", "relation": "配偶"}
    with pytest.raises(DomainError) as refused:
        pickup.validate_collector(entry)
    assert refused.value.code == "value.symbol" and refused.value.field == "name"
    assert "代領人" in refused.value.message_zh and "U+1F600" in refused.value.message_zh
    assert pickup.validate_collector({**entry, "name": "林代領"})["name"] == "林代領"


def test_an_operator_s_display_name_with_a_symbol_is_refused(app: App) -> None:
    with pytest.raises(DomainError) as refused:
        operators.create_operator(app, "clerk08", "王★明", [Role.CLERK], PASSWORD)
    assert refused.value.code == "value.symbol"
    with pytest.raises(BadRequest):
        county_name("陳主管🙂")
    assert county_name("陳主管") == "陳主管"
