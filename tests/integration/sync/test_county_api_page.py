"""The API's page ``/docs`` on a county network without Internet access: FastAPI's Swagger UI
loaded its script and style from a public CDN, so the page stayed blank (and, online, ran a
third party's script on the county's own origin, beside the citizen's status page). Now the
server draws its OpenAPI document itself: offline, no script, nothing loaded from elsewhere."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sync_helpers import CountyServer

OPENAPI = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_the_page_lists_every_operation_and_loads_nothing_from_elsewhere(
    sqlite_county: CountyServer,
) -> None:
    r = requests.get(sqlite_county.url + "/docs", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "<script" not in page.lower()
    # no address of another site: every link is this server's own
    assert not re.search(r"""(?:src|href)\s*=\s*['"]?(?:https?:)?//""", page, re.I)
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "style-src 'sha256-" in csp
    assert "script-src" not in csp and "unsafe" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["cache-control"] == "no-store"
    doc = json.loads(OPENAPI.read_text(encoding="utf-8"))
    for path, ops in doc["paths"].items():
        for method in ops:
            assert f"<span class='m'>{method.upper()}</span>{path}</h3>" in page
    for schema in doc["components"]["schemas"]:
        assert f"<h3 id='{schema}'>" in page
    assert requests.get(sqlite_county.url + "/openapi.json", timeout=30).json() == doc
    assert requests.get(sqlite_county.url + "/redoc", timeout=30).status_code == 404


webdriver = pytest.importorskip("selenium.webdriver")


@pytest.fixture
def offline_browser() -> Iterator[object]:
    """Headless chromium for which no host but this machine's loopback exists (a county
    network without Internet access)."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("chromium and chromium-driver (tools/apt-packages.txt [test])")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = shutil.which("chromium") or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or ""), options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_page_is_read_in_a_browser_without_internet(
    sqlite_county: CountyServer, offline_browser: object
) -> None:
    from selenium.webdriver.common.by import By

    driver = offline_browser
    driver.get(sqlite_county.url + "/docs")  # type: ignore[attr-defined]
    text = driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    assert "POST/v1/events" in text.replace(" ", "").replace("\n", "")
    assert "PushRequest" in text and "/openapi.json" in text
    # the inline style applies (its hash is the one the policy names)
    badge = driver.find_element(By.CSS_SELECTOR, "h3 .m")  # type: ignore[attr-defined]
    assert badge.value_of_css_property("background-color") == "rgba(29, 79, 145, 1)"
    link = driver.find_element(By.LINK_TEXT, "PushRequest")  # type: ignore[attr-defined]
    assert link.get_attribute("href").endswith("/docs#PushRequest")
