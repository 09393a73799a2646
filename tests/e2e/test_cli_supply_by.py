"""``case supplement --by`` (補件期限, an ROC date) and ``--item`` through the real command line,
with the dates clerks mistype: past, 民國 0, 2/30, huge years, full-width digits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from test_cli_cases import HR

from eservice_desktop.domain.office_zone import TAIPEI


def _roc(d: date, digits: str = "0123456789") -> str:
    text = f"{d.year - 1911}/{d.month}/{d.day}"
    return text.translate(str.maketrans("0123456789", digits))


def _case(cli) -> str:  # type: ignore[no-untyped-def]
    args = ("--applicant-id", "A123456789", "--applicant-name", "王小明", "--json")
    return str(cli("case", "intake", *HR, *args).json["case_number"])


def test_hostile_days_are_refused_with_exit_2_and_nothing_stored(cli) -> None:  # type: ignore[no-untyped-def]
    number = _case(cli)
    today = datetime.now(UTC).astimezone(TAIPEI).date()
    for typed, code in (
        (_roc(today - timedelta(days=1)), "supply_by.past"),
        ("0/1/1", "date.before_roc"),
        ("民國0年12月8日", "date.before_roc"),
        ("115/2/30", "date.invalid"),
        ("999/12/31", "supply_by.too_far"),
        ("99999/1/1", "date.format"),
        ("2026-12-08", "date.format"),
        ("١١٥/١٢/٠٨", "date.format"),
    ):
        r = cli("case", "supplement", number, "--reason", "缺印章", "--by", typed, "--json")
        assert r.code == 2 and r.json["error"] == code, (typed, r.out)
        assert r.json["field"] == "supply_by", typed
    r = cli("--lang", "en", "case", "supplement", number, "--reason", "x", "--by", "0/1/1")
    assert r.code == 2 and "ROC year 1" in r.err
    assert cli("case", "show", number, "--json").json["status"] != "supplement_requested"


def test_a_full_width_day_and_the_documents_reach_the_case(cli) -> None:  # type: ignore[no-untyped-def]
    number = _case(cli)
    day = datetime.now(UTC).astimezone(TAIPEI).date() + timedelta(days=7)
    for _ in range(15):  # the first working day a week on (the calendar's days off skipped)
        typed = _roc(day, "０１２３４５６７８９")
        r = cli(
            "case", "supplement", number, "--reason", "缺印章", "--by", typed,
            "--item", "印章或簽名", "--json",
        )  # fmt: skip
        if r.code == 0 or r.json["error"] != "supply_by.day_off":
            break
        day += timedelta(days=1)
    assert r.code == 0, r.out
    assert r.json["supplement_by"] == day.isoformat()
    assert r.json["supplement_items"] == ["印章或簽名"]
    text = cli("case", "show", number).out
    assert f"supplement_by: {day.year - 1911}/{day.month:02d}/{day.day:02d}" in text
    assert "supply_by " in text and "items 印章或簽名" in text  # the history's event line


def test_a_document_not_of_the_case_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    number = _case(cli)
    r = cli("case", "supplement", number, "--reason", "缺件", "--item", "戶口名簿", "--json")
    assert r.code == 2 and r.json["error"] == "supply_items.unknown"
    assert "印章或簽名" in r.json["message"]
