"""Names Windows cannot hold as typed are refused for every export, on every platform, before
anything is written (domain/file_names.py): on Windows ``r.pdf:x`` wrote a hidden stream,
``r.pdf.`` overwrote ``r.pdf``, ``NUL.csv`` wrote nothing while the command said it had."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from factories import request

from eservice_desktop.cli.main import main
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.file_names import file_name_fault
from eservice_desktop.services import daily_closing, payments, report_views, supervisor_reports
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import intake

DAY = "2026-03-10"

BAD_NAMES = [
    ("report.xlsx:secret", "stream"),
    ("r.pdf.", "trailing"),
    ("r.pdf ", "trailing"),
    ("r.pdf. . ", "trailing"),
    ("CON", "device"),
    ("nul.csv", "device"),
    ("COM1.pdf", "device"),
    ("lpt9", "device"),
    ("Aux.tar.gz", "device"),
    ("r?.pdf", "stream"),
    ("r|x.csv", "stream"),
    ("r\x01.csv", "stream"),
]


@pytest.mark.parametrize(("name", "fault"), BAD_NAMES)
def test_names_windows_cannot_hold_are_found(name: str, fault: str) -> None:
    assert file_name_fault(PurePosixPath("/home/clerk") / name) == (fault, name)
    assert file_name_fault(PureWindowsPath("C:\\Users\\clerk") / name) == (fault, name)


@pytest.mark.parametrize(
    "name", ["report.pdf", "CONSOLE.pdf", "nul-list.csv", "COM10.pdf", "報表 115.csv", ".x.csv"]
)
def test_ordinary_names_pass(name: str) -> None:
    assert file_name_fault(PurePosixPath("/home/clerk") / name) is None
    # the drive is not a stream, the folders that exist are not asked about
    assert file_name_fault(PureWindowsPath("C:\\Users\\con.\\") / name) is None


def test_folders_still_to_be_made_are_checked() -> None:
    path = PureWindowsPath("C:\\exports\\NUL\\march.\\r.pdf")
    assert file_name_fault(path, 2) == ("trailing", "march.")
    assert file_name_fault(path, 3) == ("device", "NUL")
    assert file_name_fault(PureWindowsPath("C:\\exports\\NUL\\r.pdf"), 2) == ("device", "NUL")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    try:
        code = main([*args, "--json"])
    except SystemExit as e:
        code = int(e.code or 0)
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


def test_every_export_command_refuses_such_names(
    paid_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, number = paid_office
    desk = tmp_path / "desk"
    desk.mkdir()
    base = ("--data-dir", str(data))
    commands = [
        ("receipt", "pdf", number, "--out"),
        ("report", "closing", "--date", DAY, "--out"),
        ("report", "reconciliation", "--from", DAY, "--to", DAY, "--out"),
        ("pickup", "slip", number, "--out"),
        ("pickup", "render-mms", number, "--out"),
        ("report", "usage", "--from", DAY, "--to", DAY, "--xlsx"),
    ]
    for command in commands:
        for name in ("report.xlsx:secret", "r.pdf.", "NUL.csv", "new.\\r.pdf"):
            target = desk / name if "\\" not in name else desk / "new." / "r.pdf"
            code, out = _run(capsys, *base, *command, str(target))
            assert code == 2, (command, name, out)
            assert out["error"] == "file.bad_name" and out["field"] == "out", out
            assert "Windows" in out["message"]
    assert list(desk.iterdir()) == []  # no file, no part file, no folder made


def test_the_refusal_is_said_in_zh_tw_then_english(
    paid_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, number = paid_office
    args = ["--data-dir", str(data), "receipt", "pdf", number, "--out"]
    assert main([*args, str(tmp_path / "CON.pdf")]) == 2
    zh = capsys.readouterr().err
    assert "「CON.pdf」是 Windows 的保留裝置名稱" in zh and "請改用其他檔名" in zh
    assert main(["--lang", "en", *args, str(tmp_path / "r.pdf:x")]) == 2
    en = capsys.readouterr().err
    assert "'r.pdf:x' holds a colon" in en and "choose another name" in en
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("CON", "r.pdf", ".r"))]


def test_the_gui_s_saves_follow_the_same_rule(app: App, tmp_path: Path) -> None:
    """The reports page (report_views.export_report) and the payments page's closing
    (daily_closing.write_closing) save through the same check."""
    number = intake(app, request()).case_number
    payments.record_payment(app, number, "cash", 15)
    with pytest.raises(DomainError) as refused:
        daily_closing.write_closing(app, date(2026, 3, 10), tmp_path / "closing.pdf ")
    assert refused.value.code == "file.bad_name"
    report = supervisor_reports.compute(app, "usage", date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(DomainError) as refused:
        report_views.export_report(app, report, tmp_path / "usage.xlsx:hidden", "xlsx")
    assert refused.value.code == "file.bad_name"
    assert not [p for p in tmp_path.iterdir() if "closing" in p.name or "usage" in p.name]
