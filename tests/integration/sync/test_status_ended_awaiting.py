"""A case rejected (or withdrawn) while a supplement was awaited: 逾期未補正，依規定駁回 is the
seed's own reason for it. The status query went on showing 補正 進行中 and 應補正事項 beside
駁回理由, so the citizen read that the documents could still be brought in, and the case
still be saved, after it had ended. Real county server on loopback, the office's events pushed
by sync, the JSON and the page read back."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import cases
from eservice_desktop.services.core import App


@pytest.mark.parametrize("end", ["reject", "cancel"])
def test_a_case_ended_while_a_supplement_was_awaited_asks_for_it_no_more(
    office: Callable[..., App], sqlite_county: CountyServer, end: str
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    cases.request_supplement(h01, number, "請補附戶口名簿影本")
    sync_now(h01)
    query = {"case_number": number, "id_last4": "6789"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        body = http.get("/v1/public/status", params=query).json()
        assert body["supplement_reason"] == "請補附戶口名簿影本"  # awaited: told what to bring
        if end == "reject":
            cases.reject_case(h01, number, "逾期未補正，依規定駁回")
        else:
            cases.cancel_case(h01, number, "民眾撤回申請")
        sync_now(h01)
        body = http.get("/v1/public/status", params=query).json()
        page = http.post("/status", data=query).text
    stages = {s["key"]: s["state"] for s in body["stages"]}
    assert body["status"] == ("rejected" if end == "reject" else "cancelled")
    assert stages["closed"] == "done" and stages["supplement"] != "current", stages
    assert body["supplement_reason"] == ""
    assert "應補正事項" not in page and "進行中" not in page
