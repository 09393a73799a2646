"""The county's address as IT types it at ``setup --county-url`` and ``sync enrol --server``,
against a real county on loopback: each mistype is said as what to change, exit 2, nothing
written and the enrolment code left unused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sync_helpers import CountyServer

from eservice_desktop.cli.main import main
from eservice_desktop.county.store import DeviceRow


def _run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    """The command run in this process: its status and what it said on stderr."""
    capsys.readouterr()
    status = main(["--data-dir", str(data), *args])
    return status, capsys.readouterr().err


def _county_url(data: Path) -> str | None:
    """The county URL settings.json holds (None: none written)."""
    return json.loads((data / "settings.json").read_text(encoding="utf-8")).get("county_url")


@pytest.fixture
def counter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "counter"
    assert _run(capsys, data, "setup", "--office", "H01")[0] == 0
    return data


def test_a_county_url_with_v1_is_refused_naming_the_root(
    sqlite_county: CountyServer, counter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The protocol shows its routes under /v1: ``--server https://county/v1`` reached
    /v1/v1/enrol and read 縣府伺服器拒絕此要求（HTTP 404：縣府伺服器查無此項）, naming nothing
    to correct."""
    county, code = sqlite_county, sqlite_county.enrol_code("H01")
    status, said = _run(
        capsys, counter, "sync", "enrol", "--server", county.url + "/v1", "--code", code
    )
    assert status == 2, said
    assert f"不含 /v1：請改用 {county.url}" in said
    status, said = _run(
        capsys,
        counter,
        "--lang",
        "en",
        "sync",
        "enrol",
        "--server",
        county.url + "/v1/",
        "--code",
        code,
    )
    assert status == 2 and f"the server's root, without /v1: use {county.url}" in said, said
    assert county.count(DeviceRow) == 0  # the county was not asked: the code is unused
    before = _county_url(counter)
    status, said = _run(capsys, counter, "setup", "--county-url", county.url + "/V1/health")
    assert status == 2 and f"請改用 {county.url}" in said, said
    assert _county_url(counter) == before
    assert _run(capsys, counter, "sync", "enrol", "--server", county.url, "--code", code)[0] == 0


def test_spaces_around_a_pasted_url_are_dropped_and_one_inside_is_named(
    sqlite_county: CountyServer, counter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A URL copied from an e-mail with a space around it was refused as 縣府網址格式錯誤 /
    "malformed", the space never named: now taken without it; a space inside is named."""
    county, code = sqlite_county, sqlite_county.enrol_code("H01")
    inside = county.url.replace("127.0.0.1", "127.0.0. 1")
    status, said = _run(capsys, counter, "sync", "enrol", "--server", inside, "--code", code)
    assert status == 2 and "含有空白字元" in said, said
    status, said = _run(capsys, counter, "--lang", "en", "setup", "--county-url", inside)
    assert status == 2 and "contains a space" in said, said
    status, said = _run(
        capsys, counter, "sync", "enrol", "--server", f" {county.url}\t", "--code", code
    )
    assert status == 0, said
    assert _county_url(counter) == county.url and county.count(DeviceRow) == 1


@pytest.mark.parametrize(
    ("typed", "zh", "en"),
    [
        ("http://127.0.0.1:0", "1 到 65535", "from 1 to 65535"),
        ("http://127.0.0.1:65536", "1 到 65535", "from 1 to 65535"),
        (
            "http://it:s3cret@127.0.0.1:8765",
            "不可含帳號或密碼",
            "must not carry a user name or password",
        ),
        ("http://127.0.0.1:8765/?office=H01", "不可含 ? 或 #", "nothing from a ? or a #"),
        ("http://127.0.0.1:8765#top", "不可含 ? 或 #", "nothing from a ? or a #"),
        ("http://127.0.0.1:８７６５", "（半形）", "in ASCII digits"),
        ("http://::1:8765", "以方括號括起", "goes in square brackets"),
        ("http:\\\\127.0.0.1:8765", "不是反斜線", "not backslashes"),
    ],
)
def test_a_mistyped_county_url_says_what_to_change(
    counter: Path, capsys: pytest.CaptureFixture[str], typed: str, zh: str, en: str
) -> None:
    """A port of 0 or 65536 (or typed in full-width digits), an IPv6 address without its
    brackets, backslashes for slashes read only 格式錯誤 / "malformed"; ``user:password@`` was
    written, its password kept in settings.json, and every round then sent it in the
    credential's place (refused as not enrolled); a query string was written and had every
    route appended to it, each request then reaching the server's root."""
    before = _county_url(counter)
    status, said = _run(capsys, counter, "setup", "--county-url", typed)
    assert status == 2 and zh in said and "請洽資訊人員" not in said, said
    status, said = _run(capsys, counter, "--lang", "en", "setup", "--county-url", typed)
    assert status == 2 and en in said and "call IT" not in said, said  # IT is typing it
    assert "s3cret" not in said
    assert _county_url(counter) == before
