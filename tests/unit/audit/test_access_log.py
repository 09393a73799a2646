"""The access log (個資法 accountability): views, searches, prints and exports are recorded at the
service layer with the operator, read back per operator and per case, and chained."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import factories
import pytest
from factories import request
from operator_support import sign_in

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.services import access, cases, daily_closing, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import intake
from eservice_desktop.storage import db

TPE = ZoneInfo("Asia/Taipei")


def _cli(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    capsys.readouterr()
    code = main(["--data-dir", str(settings.data_dir), *args])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip().startswith("{") else out)


def _accesses(app: App, tmp_path: Path) -> dict[str, str]:
    first = intake(app, request())
    paid = payments.record_payment(app, first.case_number, "cash", 15)
    second = intake(app, request(applicant_name="林美玲", applicant_id="B123456780"))
    cases.show_case(app, first.case_number)
    cases.search_page(app, "林美")
    cases.search_page(app, "林美", offset=0, after=10**18)  # a next page: not a new search
    payments.receipt_pdf(app, paid.receipt_number)
    # yesterday's closing: an export all the same (today's would also take a backup)
    daily_closing.write_closing(app, date(2026, 3, 9), tmp_path / "closing.csv")
    return {"first": first.case_number, "second": second.case_number}


def test_views_searches_prints_and_exports_are_reported(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = _accesses(app, tmp_path)
    code, out = _cli(settings, capsys, "report", "access", "--operator", "tester", "--json")
    assert code == 0
    assert out["by_action"] == {
        "view": 1,
        "search": 1,
        "print": 1,
        "export": 1,
        "account": 0,
        "signin": 0,
    }
    actions = [(r["action"], r["case_number"], r["operator"]) for r in out["records"]]
    assert actions == [
        ("view", numbers["first"], "tester"),
        ("search", "", "tester"),
        ("print", numbers["first"], "tester"),
        ("export", "", "tester"),
    ]
    assert out["records"][1]["detail"].startswith("林美")  # who looked this person up

    code, out = _cli(settings, capsys, "report", "access", "--case", numbers["first"], "--json")
    assert code == 0 and [r["action"] for r in out["records"]] == ["view", "print"]
    code, out = _cli(settings, capsys, "report", "access", "--case", numbers["second"], "--json")
    assert out["count"] == 0
    code, out = _cli(settings, capsys, "report", "access", "--operator", "someone", "--json")
    assert out["error"] == "access.unknown_operator"  # not "0 records": no such account


def test_the_time_window_filters(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _accesses(app, tmp_path)
    now = app.now().astimezone(TPE)
    day = now.date().isoformat()
    code, out = _cli(
        settings, capsys, "report", "access", "--operator", "tester", "--from", day, "--json"
    )
    assert out["count"] == 4
    code, out = _cli(
        settings, capsys, "report", "access", "--operator", "tester", "--to", day, "--json"
    )
    assert out["count"] == 0
    code, out = _cli(settings, capsys, "report", "access", "--operator", "tester")
    assert code == 0 and "4 筆" in out


def test_a_supervisor_report_export_and_a_printed_closing_are_recorded(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The on-time report lists case numbers and the clerks holding them, and the closing
    names clerks and void reasons: exporting the one (CLI --csv, the reports page) and
    printing the other (the payment page) left no trace in the access log, while exporting
    the closing did."""
    from eservice_desktop.services import report_views, supervisor_reports

    report = supervisor_reports.compute(app, "on-time", date(2026, 3, 1), date(2026, 3, 10))
    report_views.export_report(app, report, tmp_path / "on-time.csv")
    daily_closing.closing_document(app, date(2026, 3, 10), None)
    daily_closing.closing_document(app, date(2026, 3, 9))
    code, out = _cli(settings, capsys, "report", "access", "--operator", "tester", "--json")
    assert code == 0
    assert [(r["action"], r["detail"]) for r in out["records"]] == [
        ("export", "on-time report 2026-03-01..2026-03-10 on-time.csv"),
        ("print", "closing report 2026-03-10 office"),
        ("print", "closing report 2026-03-09 counter 01"),
    ]


def test_a_report_past_its_limit_says_more_follow(
    app: App,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The report lists at most REPORT_LIMIT records, the oldest: it stopped there in silence,
    its count reading to an auditor as every record there was."""
    _accesses(app, tmp_path)  # four records of "tester"
    monkeypatch.setattr(access, "REPORT_LIMIT", 3)
    code, out = _cli(settings, capsys, "report", "access", "--operator", "tester", "--json")
    assert code == 0 and out["count"] == 3 and out["truncated"] is True
    assert [r["action"] for r in out["records"]] == ["view", "search", "print"]
    code, out = _cli(settings, capsys, "--lang", "en", "report", "access", "--operator", "tester")
    assert code == 0 and "Only the first 3 records" in out.splitlines()[-1], out
    monkeypatch.setattr(access, "REPORT_LIMIT", 4)
    code, out = _cli(settings, capsys, "report", "access", "--operator", "tester", "--json")
    assert out["count"] == 4 and out["truncated"] is False
    code, out = _cli(settings, capsys, "report", "access", "--operator", "tester")
    assert out.splitlines()[-1] == "共 4 筆", out


@pytest.mark.parametrize(
    "args",
    [
        ("--operator", "tester", "--from", "yesterday"),
        ("--operator", "tester", "--from", "2026-03-10", "--to", "2026-03-09"),
    ],
)
def test_bad_input_exits_2(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out = _cli(settings, capsys, "report", "access", *args, "--json")
    assert code == 2 and out["ok"] is False


def test_an_account_the_office_never_had_exits_2(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--operator clerk1`` (for clerk01) answered "0 records", read as "looked at nothing";
    an account of the office with no record in the period still answers 0."""
    code, out = _cli(settings, capsys, "report", "access", "--operator", "clerk1", "--json")
    assert code == 2 and out["error"] == "access.unknown_operator", out
    en = ["--data-dir", str(settings.data_dir), "--lang", "en"]
    assert main([*en, "report", "access", "--operator", "clerk1"]) == 2
    assert capsys.readouterr().err == "No operator account 'clerk1' here, nor in the access log\n"
    code, out = _cli(settings, capsys, "report", "access", "--operator", "demo01", "--json")
    assert code == 0 and out["count"] == 0  # the signed-in account, nothing recorded yet


def test_a_case_the_office_never_held_exits_2(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--case`` of a number this office never held (another office's, or mistyped with a
    valid check digit) answered "0 records", read as "nobody here looked at it"; a case of
    the office that nobody looked at in the period still answers 0."""
    other = str(CaseNumber("H02", "01", 115, 7))
    code, out = _cli(settings, capsys, "report", "access", "--case", other, "--json")
    assert code == 2 and out["error"] == "access.unknown_case", out
    held = factories.new_case(app)
    code, out = _cli(
        settings, capsys, "report", "access", "--case", held, "--from", "2099-01-01", "--json"
    )
    assert code == 0 and out["count"] == 0, out


def test_neither_operator_nor_case_exits_2(app: App, settings: Settings) -> None:
    data = ["--data-dir", str(settings.data_dir), "report", "access"]
    assert main(data) == 2  # nor --action
    with pytest.raises(SystemExit) as info:  # one of them, not both
        main([*data, "--operator", "a", "--case", "H01"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main([*data, "--action", "edit"])
    assert info.value.code == 2


def test_an_edited_access_record_breaks_its_chain(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = _accesses(app, tmp_path)
    code, out = _cli(settings, capsys, "audit", "verify", "--json")
    assert code == 0 and out["access_records"] == 4
    conn = db.raw_connect(settings)
    try:  # hide that the first case was printed
        conn.execute("UPDATE access_log SET case_number = '', case_id = '' WHERE action = 'print'")
        conn.commit()
    finally:
        conn.close()
    code, out = _cli(settings, capsys, "audit", "verify", "--json")
    assert code == 1
    assert out["broken"]["table"] == "access_log" and out["broken"]["what"] == "edited"
    assert numbers["first"] not in json.dumps(out)  # the edit took it away...
    # ...but the record is named
    with app.reading() as s:
        printed = [r for r in access.outbox(s, 10) if r.action == "print"]
    assert out["broken"]["access_id"] == printed[0].access_id


def test_a_broken_event_chain_still_counts_the_access_records(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The auditor reads the counts beside the break: access_records read 0 as soon as an
    event's link broke, as if nothing had ever been viewed, searched or printed."""
    _accesses(app, tmp_path)
    conn = db.raw_connect(settings)
    try:
        conn.execute("UPDATE events SET clerk = 'someone' WHERE seq = 1")
        conn.commit()
    finally:
        conn.close()
    code, out = _cli(settings, capsys, "audit", "verify", "--json")
    assert code == 1 and out["broken"]["what"] == "edited"
    assert out["access_records"] == 4


def test_a_deleted_access_record_is_said_as_a_record_not_an_event(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export's record deleted from the access log: audit verify and doctor said
    「雜湊鏈中斷：H01-01  …：存取紀錄：前一筆事件不見了」 (an event, and an empty case between two
    spaces), sending the auditor to look for a missing event."""
    _accesses(app, tmp_path)
    conn = db.raw_connect(settings)
    try:
        conn.execute("DELETE FROM access_log WHERE seq = (SELECT min(seq) FROM access_log)")
        conn.commit()
    finally:
        conn.close()
    for lang, said, wrong in (
        ("zh_TW", "存取紀錄：前一筆紀錄不見了（遭刪除）", "事件"),
        ("en", "access log: the record before it is missing (deleted)", "event"),
    ):
        capsys.readouterr()
        assert main(["--data-dir", str(settings.data_dir), "--lang", lang, "audit", "verify"]) == 1
        line = capsys.readouterr().out.strip()
        assert line.endswith(said), line
        assert wrong not in line.split("：" if lang == "zh_TW" else ": ", 1)[1], line
        assert "  " not in line, line


def test_the_operator_is_the_actor(app: App, make_app: Any, tmp_path: Path) -> None:
    other = sign_in(
        make_app(Settings(data_dir=tmp_path / "other", office_code="H01", device_id="02")),
        "clerk07",
    )
    view = intake(other, request())
    cases.show_case(other, view.case_number)
    rows = access.report(other, operator="clerk07")
    assert [(r.action, r.device, r.case_number) for r in rows] == [("view", "02", view.case_number)]
    assert rows[0].at == datetime.fromisoformat(rows[0].to_json()["at"])


def test_the_text_report_shows_taipei_times_with_the_roc_year(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The auditor's text listed ``2026-03-10 09:00:00``: Taipei, but the Gregorian year, where
    every other face of the counter (``case show``, the prints) shows ``115/03/10``."""
    _accesses(app, tmp_path)
    code, out = _cli(settings, capsys, "report", "access", "--operator", "tester", "--json")
    first = datetime.fromisoformat(out["records"][0]["at"]).astimezone(TPE)
    want = f"{first.year - 1911}/{first:%m/%d %H:%M:%S}"
    for lang in ("zh_TW", "en"):
        code, text = _cli(
            settings, capsys, "--lang", lang, "report", "access", "--operator", "tester"
        )
        assert code == 0 and text.splitlines()[0].startswith(want + "  "), text
        assert str(first.year) not in text.splitlines()[0].split("  ")[0], text


def test_an_exported_closing_names_its_counter_or_the_office(
    app: App,
    make_app: Any,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A printed closing was logged ``closing report DAY counter 01`` or ``... office``, an
    exported one only ``closing report DAY FILE``: the auditor could not tell which drawer's
    closing (names of clerks, void reasons) had left the office in a file."""
    day = date(2026, 3, 9)  # not today: today's closing would also take a backup
    other = make_app(Settings(data_dir=settings.data_dir, office_code="H01", device_id="02"))
    intake(app, request())  # the database is counter 01's (its first event)
    intake(other, request())  # counter 02's case, as a pull brings it: a counter it knows
    daily_closing.write_closing(app, day, tmp_path / "mine.csv")
    daily_closing.write_closing(app, day, tmp_path / "other.csv", "02")
    daily_closing.write_closing(app, day, tmp_path / "all.pdf", None)
    code, out = _cli(settings, capsys, "report", "access", "--action", "export", "--json")
    assert code == 0, out
    assert [r["detail"] for r in out["records"]] == [
        "closing report 2026-03-09 counter 01 mine.csv",
        "closing report 2026-03-09 counter 02 other.csv",
        "closing report 2026-03-09 office all.pdf",
    ]


def test_a_case_number_or_account_typed_another_way_finds_the_same_records(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--case`` without dashes, in lower case or full width, and ``--operator`` in capitals
    answered 0 records, exit 0: read by an auditor as "nobody looked at this case". Now they
    find what the printed form finds, and what is no case number is refused (exit 2)."""
    number = _accesses(app, tmp_path)["first"]
    code, want = _cli(settings, capsys, "report", "access", "--case", number, "--json")
    assert code == 0 and want["count"] == 2
    typed = [number.replace("-", ""), number.lower(), unicodedata.normalize("NFKC", number)]
    typed.append("".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in number))
    for text in typed:
        code, out = _cli(settings, capsys, "report", "access", "--case", text, "--json")
        assert code == 0 and out["records"] == want["records"], text
    code, out = _cli(settings, capsys, "report", "access", "--operator", "TESTER", "--json")
    assert code == 0 and out["count"] == 4
    for bad in ("xyz", number[:-1] + str((int(number[-1]) + 1) % 10)):
        capsys.readouterr()
        assert main(["--data-dir", str(settings.data_dir), "report", "access", "--case", bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1


def _delete_access(settings: Settings, where: str) -> None:
    conn = db.raw_connect(settings)
    try:
        conn.execute(f"DELETE FROM {where}")
        conn.commit()
    finally:
        conn.close()


def test_the_last_access_records_deleted_are_found_and_stay_found(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clerk's view of a citizen's case deleted from the end of the log: the log was checked
    from its first record to its last only, so what was left verified, and the next record (a
    sign-in) chained onto it: ``audit verify`` found the log intact and the view was gone."""
    numbers = _accesses(app, tmp_path)
    cases.show_case(app, numbers["second"])
    with app.reading() as s:
        viewed = access.outbox(s, 10)[-1]
    assert viewed.case_number == numbers["second"]
    _delete_access(settings, "access_log WHERE seq = (SELECT max(seq) FROM access_log)")
    code, out = _cli(settings, capsys, "audit", "verify", "--json")
    assert code == 1, out
    broken = out["broken"]
    assert (broken["table"], broken["what"], broken["tail"]) == ("access_log", "deleted", True)
    assert (broken["access_id"], broken["case_number"]) == (viewed.access_id, numbers["second"])
    code, line = _cli(settings, capsys, "--lang", "en", "audit", "verify")
    assert code == 1 and numbers["second"] in line
    assert line.strip().endswith("access log: the last record of the chain is missing (deleted)")
    # the next record links from the head, not from what was left: the gap stays
    cases.show_case(app, numbers["first"])
    code, out = _cli(settings, capsys, "audit", "verify", "--json")
    assert code == 1 and out["broken"]["what"] == "deleted", out
    with app.reading() as s:
        assert out["broken"]["access_id"] == access.outbox(s, 10)[-1].access_id


def test_the_access_log_head_deleted_is_found(
    app: App, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The head deleted along with the last record: records without their head."""
    _accesses(app, tmp_path)
    _delete_access(settings, "access_log WHERE seq = (SELECT max(seq) FROM access_log)")
    _delete_access(settings, "sync_state WHERE name = 'access_log_head'")
    code, out = _cli(settings, capsys, "audit", "verify", "--json")
    assert code == 1 and out["broken"]["tail"] is True, out
    with app.reading() as s:
        assert out["broken"]["access_id"] == access.outbox(s, 10)[-1].access_id
