"""Tamper evidence: a database file changed outside the program is found by ``audit verify``
and ``doctor``, naming the case and the event (issue 13: edit, delete, reorder a row)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from factories import request
from operator_support import sign_in_it

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.doctor import check_chain
from eservice_desktop.services.intake import intake
from eservice_desktop.storage import db


def _office(app: App) -> dict[str, str]:
    """Two cases: the first received, paid and closed, then the second received and paid, so
    the closing of the first sits in the middle of this device's chain."""
    first = intake(app, request())
    payments.record_payment(app, first.case_number, "cash", 15)
    cases.close_case(app, first.case_number)
    second = intake(app, request(applicant_name="林美玲", applicant_id="B123456780"))
    payments.record_payment(app, second.case_number, "cash", 15)
    return {"first": first.case_number, "second": second.case_number}


def _rows(settings: Settings) -> list[dict[str, Any]]:
    conn = db.raw_connect(settings)
    try:
        cur = conn.execute("SELECT seq, event_id, case_id, type, at FROM events ORDER BY seq")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        conn.close()


def _tamper(settings: Settings, *statements: tuple[str, tuple[Any, ...]]) -> None:
    conn = db.raw_connect(settings)
    try:
        for sql, params in statements:
            conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def _verify(settings: Settings, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["--data-dir", str(settings.data_dir), "audit", "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def _doctor_names(settings: Settings, case_number: str, event_id: str) -> None:
    check = check_chain(settings)
    assert check.status == "fail"
    assert case_number in check.detail_en and event_id in check.detail_en
    assert check.data["broken"]["event_id"] == event_id


def test_an_untouched_database_verifies(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _office(app)
    code, out = _verify(settings, capsys)
    intact = {"ok": True, "devices": 1, "events": 7, "access_records": 0, "receipts_checked": 2}
    assert (code, out) == (0, intact)
    assert check_chain(settings).status == "ok"


def test_an_edited_applicant_name_is_found(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = _office(app)
    received = next(r for r in _rows(settings) if r["type"] == "case.received")
    _tamper(
        settings,
        (
            "UPDATE events SET payload = json_set(payload, '$.applicant.name', '王大明')"
            " WHERE event_id = ?",
            (received["event_id"],),
        ),
    )
    code, out = _verify(settings, capsys)
    assert code == 1 and out["ok"] is False
    broken = out["broken"]
    assert broken["what"] == "edited"
    assert (broken["office"], broken["device"]) == ("H01", "01")
    assert broken["event_id"] == received["event_id"]
    assert broken["case_id"] == received["case_id"]
    assert broken["case_number"] == numbers["first"]
    _doctor_names(settings, numbers["first"], received["event_id"])


def test_a_deleted_closing_is_found(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = _office(app)
    rows = _rows(settings)
    closed = next(r for r in rows if r["type"] == "case.closed")
    after = rows[rows.index(closed) + 1]
    _tamper(settings, ("DELETE FROM events WHERE event_id = ?", (closed["event_id"],)))
    code, out = _verify(settings, capsys)
    assert code == 1
    broken = out["broken"]
    assert broken["what"] == "deleted"
    # the chain breaks at the event that followed the deleted one; the case that lost an
    # event is named from its stored projection
    assert broken["event_id"] == after["event_id"]
    assert broken["missing_from_case_id"] == closed["case_id"]
    assert broken["missing_from_case_number"] == numbers["first"]
    _doctor_names(settings, numbers["second"], after["event_id"])


def test_a_deleted_last_event_is_found(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = _office(app)
    last = _rows(settings)[-1]
    _tamper(settings, ("DELETE FROM events WHERE event_id = ?", (last["event_id"],)))
    code, out = _verify(settings, capsys)
    assert code == 1
    broken = out["broken"]
    assert (broken["what"], broken["tail"]) == ("deleted", True)
    assert broken["event_id"] == last["event_id"]
    assert broken["case_number"] == numbers["second"]


def test_swapped_rows_are_found(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = _office(app)
    rows = _rows(settings)
    a, b = rows[1], rows[2]  # the first case's fee assessment and payment
    # swap their places in the table and their times, so the order still looks natural
    _tamper(
        settings,
        ("UPDATE events SET seq = -1 WHERE seq = ?", (a["seq"],)),
        ("UPDATE events SET seq = ?, at = ? WHERE seq = ?", (a["seq"], a["at"], b["seq"])),
        ("UPDATE events SET seq = ?, at = ? WHERE seq = -1", (b["seq"], b["at"])),
    )
    code, out = _verify(settings, capsys)
    assert code == 1
    broken = out["broken"]
    assert broken["what"] == "reordered"
    assert broken["event_id"] == b["event_id"]
    assert broken["case_number"] == numbers["first"]
    _doctor_names(settings, numbers["first"], b["event_id"])


def test_bad_input_exits_2(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--data-dir", str(settings.data_dir), "audit", "verify", "--nonsense"])
    assert info.value.code == 2


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE events SET payload = 'not json' WHERE event_id = ?",
        "UPDATE events SET at = 'yesterday' WHERE event_id = ?",
    ],
    ids=["payload", "time"],
)
def test_a_row_edited_so_that_it_no_longer_reads_is_found(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str], edit: str
) -> None:
    """An edit that leaves no JSON payload (or no time) stopped `audit verify` and doctor with
    a traceback at the very edit they are there to find."""
    numbers = _office(app)
    received = next(r for r in _rows(settings) if r["type"] == "case.received")
    _tamper(settings, (edit, (received["event_id"],)))
    code, out = _verify(settings, capsys)
    assert code == 1 and out["ok"] is False
    broken = out["broken"]
    assert broken["what"] == "edited" and broken["event_id"] == received["event_id"]
    assert broken["case_number"] == numbers["first"]
    _doctor_names(settings, numbers["first"], received["event_id"])


def test_an_intact_database_says_its_receipts_were_checked(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """An intact answer said nothing of the receipts, so an auditor could not tell they had
    been checked at all: it now counts them, in the line and the JSON."""
    _office(app)
    code, out = _verify(settings, capsys)
    assert code == 0 and out["ok"] is True and out["receipts_checked"] == 2
    main(["--data-dir", str(settings.data_dir), "--lang", "en", "audit", "verify"])
    assert capsys.readouterr().out.rstrip().endswith("; 2 receipts agree with the events")
    main(["--data-dir", str(settings.data_dir), "audit", "verify"])
    assert "收據 2 張與事件相符" in capsys.readouterr().out


def test_a_receipt_amount_edited_in_the_table_is_found(
    app: App,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The closing reads ``receipts``: an amount changed there directly (the chain untouched)
    is named by its receipt number and both amounts, no person in the answer."""
    _office(app)
    _tamper(
        settings,
        ("UPDATE receipts SET amount = 1500 WHERE number LIKE ?", ("%R000001",)),
        ("DELETE FROM receipts WHERE number LIKE ?", ("%R000002",)),
    )
    code, out = _verify(settings, capsys)
    assert code == 1 and out["ok"] is False and "broken" not in out
    assert out["receipts_differ_count"] == 2
    edited, deleted = out["receipts_differ"]
    assert edited["number"].endswith("R000001") and edited["fields"] == ["amount"]
    assert (edited["amount_events"], edited["amount_stored"]) == (15, 1500)
    assert deleted["number"].endswith("R000002") and deleted["what"] == "missing"
    main(["--data-dir", str(settings.data_dir), "--lang", "en", "audit", "verify"])
    said = capsys.readouterr().out
    assert "R000001 (amount 15 in the events, 1500 stored)" in said
    assert "林美玲" not in said + json.dumps(out) and "B123456780" not in said
    assert check_chain(settings).status == "fail"
    # the remedy the message names: the table made again from the events, which verify then
    # finds in agreement (the closing reads 15 again)
    assert "audit rebuild-receipts" in said
    rebuild = ["--data-dir", str(settings.data_dir), "audit", "rebuild-receipts", "--json"]
    assert main(rebuild) == 2  # a database command: IT's, not the counter's
    sign_in_it(monkeypatch, settings.data_dir)
    capsys.readouterr()
    assert main(rebuild) == 0
    assert json.loads(capsys.readouterr().out) == {"receipts": 2}
    code, out = _verify(settings, capsys)
    assert code == 0 and out["ok"] is True and "receipts_differ" not in out
