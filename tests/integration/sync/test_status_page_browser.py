"""The citizen's status page in a real headless browser (Debian's chromium + chromedriver via
selenium): the form at phone width, a wrong ID refused, the stages of a web case as they change
(submitted, accepted at the office, paid at the kiosk), the pickup office."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, sync_now
from test_channels_loop import APPLICATION

from eservice_desktop.county import channels
from eservice_desktop.county.store import make_engine
from eservice_desktop.services import cases
from eservice_desktop.services.core import App

webdriver = pytest.importorskip("selenium.webdriver")
pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="chromium and chromium-driver (tools/apt-packages.txt [test])",
)


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844"):
        opts.add_argument(arg)
    opts.add_argument("--disable-dev-shm-usage")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or ""), options=opts)
    driver.set_page_load_timeout(15)
    try:
        yield driver
    finally:
        driver.quit()


def _gone(element: object) -> bool:
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()  # type: ignore[attr-defined]
    except WebDriverException:
        return True
    return False


def _query(driver: object, base: str, number: str, last4: str) -> dict[str, str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/status")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "case_number").send_keys(number)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "id_last4").send_keys(last4)  # type: ignore[attr-defined]
    form_page = driver.find_element(By.TAG_NAME, "html")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "query").click()  # type: ignore[attr-defined]
    # the answer is a new page: wait until the form's page is gone (chromedriver reports a node
    # of the old document either as stale or as "does not belong to the document")
    WebDriverWait(driver, 10).until(lambda _d: _gone(form_page))  # type: ignore[arg-type]
    WebDriverWait(driver, 10).until(  # type: ignore[arg-type]
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    items = driver.find_elements(By.CSS_SELECTOR, "#stages li")  # type: ignore[attr-defined]
    return {li.get_attribute("data-stage"): li.get_attribute("data-state") for li in items}


def test_status_page_on_a_phone_shows_stages_as_they_change(
    office: Callable[..., App], sqlite_county: CountyServer, browser: object
) -> None:
    from selenium.webdriver.common.by import By

    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    engine = make_engine(sqlite_county.db_url)
    with Session(engine) as s, s.begin():
        web = channels.create_channel(s, "web-portal", "web", datetime.now(UTC))
        kiosk = channels.create_channel(s, "kiosk-ibon", "kiosk", datetime.now(UTC))
    engine.dispose()
    base = sqlite_county.url
    with httpx.Client(base_url=base, timeout=10) as http:
        r = http.post(
            "/v1/channel/applications",
            json=APPLICATION,
            headers={"Authorization": f"Bearer {web}"},
        )
        number = r.json()["case_number"]
        d = browser
        assert _query(d, base, number, "0000") == {}
        assert "查無此案件" in d.find_element(By.ID, "message").text  # type: ignore[attr-defined]
        assert _query(d, base, number, "6789") == {
            "received": "current",
            "payment": "current",
            "supplement": "not_needed",
            "closed": "pending",
        }
        # readable on a phone: the viewport meta is honoured (no horizontal scroll at 390 px)
        # and the text is large
        width = d.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        inner = d.execute_script("return window.innerWidth")  # type: ignore[attr-defined]
        assert width <= inner
        size = d.execute_script(  # type: ignore[attr-defined]
            "return parseFloat(getComputedStyle(document.querySelector('#stages li')).fontSize)"
        )
        assert size >= 18
        # the query went in the form's body: a kiosk's next user finds neither the case number
        # nor the ID's characters in the address bar or the history (a GET form put both there)
        address = d.current_url  # type: ignore[attr-defined]
        assert address == f"{base}/status" and "6789" not in address, address
        page = d.page_source  # type: ignore[attr-defined]
        assert "王小明" not in page and "A123456789" not in page and "0912345678" not in page
        assert "桃園" in d.find_element(By.ID, "pickup").text  # type: ignore[attr-defined]

        sync_now(h02)
        cases.accept_case(h02, number)
        sync_now(h02)
        assert _query(d, base, number, "6789")["received"] == "done"
        http.post(
            "/v1/channel/payments",
            json={"case_number": number, "amount": 15, "transaction_id": "IBON-9"},
            headers={"Authorization": f"Bearer {kiosk}"},
        )
        stages = _query(d, base, number, "6789")
        assert (stages["payment"], stages["closed"]) == ("done", "pending")
        sync_now(h02)
        cases.close_case(h02, number)
        sync_now(h02)
        assert _query(d, base, number, "6789")["closed"] == "done"
        line = d.find_element(By.ID, "pickup_line").text  # type: ignore[attr-defined]
        assert "可領件" in line and "中壢" in line


def test_an_over_long_paste_is_cut_to_the_fields_length_and_answered_as_a_page(
    sqlite_county: CountyServer, browser: object
) -> None:
    """The form posts its fields, and a body is bounded by the server (64 KiB): the case
    number's field takes 40 characters, so a paste of any length still gets the page."""
    from selenium.webdriver.common.by import By

    d = browser
    d.get(f"{sqlite_county.url}/status")  # type: ignore[attr-defined]
    field = d.find_element(By.ID, "case_number")  # type: ignore[attr-defined]
    field.send_keys("H" * 100)
    assert len(field.get_attribute("value")) == 40
    d.find_element(By.ID, "id_last4").send_keys("6789")  # type: ignore[attr-defined]
    d.find_element(By.ID, "query").click()  # type: ignore[attr-defined]
    from selenium.webdriver.support.ui import WebDriverWait

    found = WebDriverWait(d, 10).until(  # type: ignore[arg-type]
        lambda drv: drv.find_elements(By.ID, "message")
    )
    assert "案號格式不符" in found[0].text  # what was pasted is no case number
