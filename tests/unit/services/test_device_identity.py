"""A database belongs to the counter whose events it records: opened as another counter
(``--device 02`` over counter 01's data directory, a settings file copied from another PC) it
took events under that number, and the county refuses every push that holds events of a device
other than the pushing one, so the counter's sync stopped for good."""

from __future__ import annotations

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services.core import open_app
from eservice_desktop.storage import repo

INTAKE = [
    "case",
    "intake",
    "--service",
    "HR-TRANSCRIPT",
    "--applicant-id",
    "A123456789",
    "--applicant-name",
    "王小明",
    "--field",
    "registered_address=桃園市桃園區中正路1號",
    "--field",
    "transcript_kind=現戶",
    "--field",
    "record_detail=省略記事",
]


def run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(settings.data_dir), *args])
    return code, capsys.readouterr().err


def chained(settings: Settings) -> list[tuple[str, str]]:
    app = open_app(settings)
    try:
        with app.reading() as s:
            return repo.chained_devices(s)
    finally:
        app.close()


def test_another_counter_number_cannot_write_into_this_counter_s_database(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(settings, capsys, *INTAKE)[0] == 0  # counter 01 (the settings fixture's)
    for lang, said in (
        ("zh_TW", "此資料庫屬於櫃檯 H01-01，不能以 H01-02 開啟"),
        ("en", "This database belongs to counter H01-01; it cannot be opened as H01-02"),
    ):
        code, err = run(settings, capsys, "--lang", lang, "--device", "02", *INTAKE)
        assert code == 2 and said in err and err.count("\n") == 1, err
    code, err = run(settings, capsys, "--office", "H02", *INTAKE)
    assert code == 2 and "H02-01" in err, err
    assert chained(settings) == [("H01", "01")]  # nothing recorded under another number
    assert run(settings, capsys, "--device", "01", *INTAKE)[0] == 0


def test_a_database_with_no_events_yet_takes_the_counter_that_writes_first(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """IT may renumber a counter before its first case; after that the number is the
    database's, and the settings file must say the same."""
    assert run(settings, capsys, "--device", "03", *INTAKE)[0] == 0
    code, err = run(settings, capsys, *INTAKE)
    assert code == 2 and "H01-03" in err and "H01-01" in err, err
