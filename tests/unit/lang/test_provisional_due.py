"""A due date that reaches into a year without an imported working calendar is only a guess
from weekends: every face marks it provisional, and doctor asks for next year's calendar from
October on."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.deadline import is_provisional
from eservice_desktop.services import doctor

SHIPPED = {2025, 2026, 2027}  # resources/calendars/


def run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> object:
    code = main(["--data-dir", str(settings.data_dir), *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_is_provisional_when_a_counted_year_has_no_calendar() -> None:
    cal = WorkingCalendar({date(2027, 1, 4): False}, years={2027})
    assert not is_provisional(date(2027, 3, 1), date(2027, 3, 5), cal)
    assert is_provisional(date(2027, 12, 30), date(2028, 1, 3), cal)
    assert is_provisional(date(2026, 12, 30), date(2027, 1, 4), cal)  # the start year too
    assert not is_provisional(date(2027, 12, 30), None, cal)  # paused: no date to qualify


def test_cli_marks_a_due_date_in_an_uncovered_year(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A receipt cannot lie in the future, so the uncovered year is this one: an office whose
    # 2026 calendar is missing (shipped files without 2026.csv, nothing imported).
    from eservice_desktop.storage import resources

    Settings(data_dir=settings.data_dir, office_code="L01").save()  # land services: a land office
    shipped = resources.shipped_calendar_files()
    monkeypatch.setattr(
        resources, "shipped_calendar_files", lambda: [p for p in shipped if p.stem != "2026"]
    )
    intake = [
        "case",
        "intake",
        "--service",
        "LR-CORRECTION",
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
        "--field",
        "parcel=桃園段 0012-0000",
        "--field",
        "correction=地號誤繕",
        "--received",
    ]
    late = run(settings, capsys, *intake, "2026-11-27T10:00")
    assert isinstance(late, dict)
    assert late["due"].startswith("2026-12-") and late["provisional"] is True
    shown = run(settings, capsys, "case", "show", late["case_number"])
    assert isinstance(shown, dict) and shown["provisional"] is True

    early = run(settings, capsys, *intake, "2025-03-04T10:00")
    assert isinstance(early, dict) and early["provisional"] is False

    rows = run(settings, capsys, "case", "search", "王小明")
    assert isinstance(rows, dict)
    flags = {r["case_number"]: r["provisional"] for r in rows["cases"]}
    assert flags == {late["case_number"]: True, early["case_number"]: False}

    # `deadline` computes any date, the future included: 2028 is not shipped
    guess = run(
        settings, capsys, "deadline", "--received", "2027-12-30T10:00", "--working-days", "3"
    )
    assert isinstance(guess, dict)
    assert guess["due"].startswith("2028-01-") and guess["provisional"] is True
    known = run(
        settings, capsys, "deadline", "--received", "2027-03-02T10:00", "--working-days", "3"
    )
    assert known["provisional"] is False  # type: ignore[index]


def test_doctor_warns_from_october_when_next_years_calendar_is_missing(
    settings: Settings,
) -> None:
    assert doctor.calendar_years(settings) >= SHIPPED
    september = doctor.check_calendar(settings, datetime(2027, 9, 30, 8, 0, tzinfo=UTC))
    assert september.status == "ok"
    # 2027-09-30 16:00 UTC is already 1 October in Taipei.
    october = doctor.check_calendar(settings, datetime(2027, 9, 30, 16, 0, tzinfo=UTC))
    assert october.status == "warn"
    assert october.data["missing"] == [2028]
    assert "117" in october.detail_zh and "2028" in october.detail_en
    assert "calendar import" in october.fix_en
    # Next year imported: quiet again.
    covered = doctor.check_calendar(
        settings, datetime(2027, 11, 1, tzinfo=UTC), years=SHIPPED | {2028}
    )
    assert covered.status == "ok"
    # The current year itself missing is a warning whatever the month.
    assert doctor.check_calendar(settings, datetime(2029, 3, 1, tzinfo=UTC)).status == "warn"


def test_doctor_counts_an_imported_calendar(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "2028.csv"
    csv.write_text("西元日期,星期,是否放假,備註\n20280101,六,2,開國紀念日\n", encoding="utf-8")
    run(settings, capsys, "calendar", "import", str(csv))
    assert 2028 in doctor.calendar_years(settings)
    report = doctor.run_checks(
        settings, network=False, now=lambda: datetime(2027, 10, 5, tzinfo=UTC)
    )
    check = next(c for c in report.checks if c.key == "calendar")
    assert check.status == "ok"


def test_calendar_import_names_its_years_as_the_counter_writes_them(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """IT importing next year's calendar read 「匯入 2 天（[2028]）」: a Python list, and the
    Western year in the zh-TW line every other command writes with the ROC year."""
    csv = tmp_path / "2028.csv"
    csv.write_text(
        "西元日期,星期,是否放假,備註\n20271231,五,0,\n20280101,六,2,開國紀念日\n", encoding="utf-8"
    )
    assert main(["--data-dir", str(settings.data_dir), "calendar", "import", str(csv)]) == 0
    assert capsys.readouterr().out.strip() == "匯入 2 天（民國 116、117 年）"
    argv = ["--data-dir", str(settings.data_dir), "--lang", "en", "calendar", "import", str(csv)]
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == "imported 2 days (2027, 2028)"
