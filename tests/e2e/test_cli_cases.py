"""The counter's core through the real command line: intake, show, search, deadlines, demo."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import add_supervisor
from db_support import connect_db

from eservice_desktop import __version__

HR = [
    "--service",
    "HR-TRANSCRIPT",
    "--field",
    "registered_address=桃園市桃園區中正路1號",
    "--field",
    "transcript_kind=現戶",
    "--field",
    "record_detail=省略記事",
]


def case_count(data_dir: Path) -> int:
    with connect_db(data_dir) as conn:
        return int(conn.execute("select count(*) from cases").fetchone()[0])


def test_version(cli_process) -> None:  # type: ignore[no-untyped-def]
    r = cli_process("--version", data_dir=None)
    assert r.code == 0 and r.out.strip() == f"eservice-desktop {__version__}"


def test_intake_show_search_round_trip(cli, cli_process) -> None:  # type: ignore[no-untyped-def]
    add_supervisor(cli)
    # a real process: the approver's password read from its standard input
    r = cli_process(
        "case",
        "intake",
        *HR,
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
        "--phone",
        "0912-345-678",
        "--copies",
        "2",
        "--received",
        "2026-03-06T18:30:00+08:00",
        # exempt, so no payment wait pauses the clock (see test_fee_at_intake_... below)
        "--fee-exempt",
        "--fee-reason",
        "低收入戶免徵（規費法第12條）",
        "--approver",
        "super01",
        "--approver-password-stdin",
        "--json",
        stdin="super-secret-1\n",
    )
    assert r.code == 0, r.err
    case = r.json
    # Friday after hours: counting starts Monday 03-09, a 1-day limit is due that day.
    assert case["due"] == "2026-03-09" and case["copies"] == 2 and case["phone"] == "0912345678"
    assert (case["fees_due"], case["balance"]) == (0, 0)
    shown = cli("case", "show", case["case_number"].replace("-", ""), "--json").json
    assert shown["case_number"] == case["case_number"] and shown["applicant_name"] == "王小明"
    assert shown["received_at"].startswith("2026-03-06T10:30:00") and shown["due"] == "2026-03-09"
    # the text form shows times in Taipei with the ROC year, as the counter does; JSON keeps ISO
    text = cli("case", "show", case["case_number"]).out.splitlines()
    assert "received_at: 115/03/06 18:30" in text and "due: 115/03/09" in text
    assert "supplement_reason: —" in text
    found = cli("case", "search", "小明", "--json").json
    assert found["total"] == 1 and found["offset"] == 0 and found["limit"] == 50
    assert [c["case_number"] for c in found["cases"]] == [case["case_number"]]
    assert found["cases"][0]["applicant_id_masked"] == "A12345****"
    # the number as read off the slip: ROC year and sequence, the office in front or not
    for slip in ("-".join(case["case_number"].split("-")[2:4]), "H01115000001"):
        assert cli("case", "show", slip, "--json").json["case_number"] == case["case_number"]
        found = cli("case", "search", slip, "--json").json
        assert [c["case_number"] for c in found["cases"]] == [case["case_number"]], slip


def test_search_pages_with_total_and_refuses_bad_pages(cli) -> None:  # type: ignore[no-untyped-def]
    taken = []
    for pid, name in (("A123456789", "王小明"), ("F131104093", "陳小明"), ("B120000008", "林小明")):
        r = cli("case", "intake", *HR, "--applicant-id", pid, "--applicant-name", name, "--json")
        assert r.code == 0, r.err
        taken.append(r.json["case_number"])
    newest_first = taken[::-1]
    page = cli("case", "search", "小明", "--limit", "2", "--json").json
    assert page["total"] == 3 and [c["case_number"] for c in page["cases"]] == newest_first[:2]
    rest = cli("case", "search", "小明", "--limit", "2", "--offset", "2", "--json").json
    assert rest["total"] == 3 and [c["case_number"] for c in rest["cases"]] == newest_first[2:]
    human = cli("case", "search", "小明", "--limit", "2")
    assert human.code == 0 and human.out.strip().splitlines()[-1] == "第 1–2 筆／共 3 件"
    # nothing found, or a page past the last case, is said so (it read 「第 0–0 筆／共 0 件」)
    assert cli("case", "search", "沒這個人").out.strip() == "沒有符合的案件"
    past = cli("--lang", "en", "case", "search", "小明", "--offset", "5")
    assert past.out.strip() == "3 in all; none from number 6 on"
    for bad in (
        ["--limit", "0"],
        ["--limit", "-5"],
        ["--limit", "100000"],
        ["--offset", "-1"],
        ["--offset", "99999999999999999999"],
        ["--limit", "ten"],
    ):
        r = cli("case", "search", "小明", *bad, "--json")
        assert r.code == 2, bad
        assert r.json["ok"] is False and r.json["error"].startswith("page."), bad
        assert len(r.err.strip().splitlines()) == 1 and r.out.count("\n") == 1, bad
    english = cli("--lang", "en", "case", "search", "小明", "--limit", "0")
    assert english.code == 2 and "between 1 and 1000" in english.err


def test_fee_at_intake_and_nothing_closes_unpaid(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--applicant-id", "A123456789", "--applicant-name", "王小明", "--copies", "2")
    number = cli("case", "intake", *HR, *args, "--json").json["case_number"]
    shown = cli("case", "show", number, "--json").json
    assert (shown["fees_due"], shown["paid"], shown["balance"]) == (30, 0, 30)
    assert shown["status"] == "payment_due"
    assert [e["type"] for e in shown["events"]] == ["case.received", "case.fee_assessed"]
    r = cli("case", "close", number, "--json")
    assert r.code == 2
    assert r.json["ok"] is False and r.json["error"] == "fees_due" and r.json["amount"] == 30
    assert "30" in r.json["message"] and "payment record" in r.json["message"]
    assert "30" in r.err  # one line on stderr, zh-TW by default
    en = cli("case", "close", number, "--lang", "en")
    assert en.code == 2 and "NT$30" in en.err and "payment record" in en.err
    assert cli("case", "show", number, "--json").json["status"] == "payment_due"
    paid = cli("payment", "record", number, "--method", "cash", "--amount", "30", "--json")
    assert paid.code == 0 and paid.json["balance"] == 0
    closed = cli("case", "close", number, "--json")
    assert closed.code == 0 and closed.json["status"] == "closed"


def test_copies_change_reassesses(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--applicant-id", "A123456789", "--applicant-name", "王小明")
    number = cli("case", "intake", *HR, *args, "--json").json["case_number"]
    r = cli("payment", "assess", number, "--copies", "3", "--json")
    assert r.code == 0 and (r.json["copies"], r.json["fees_due"], r.json["balance"]) == (3, 45, 45)
    shown = cli("case", "show", number, "--json").json
    assert (shown["copies"], shown["balance"]) == (3, 45)


def test_bad_id_exits_2_with_one_line_and_stores_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    ok = cli("case", "intake", *HR, "--applicant-id", "A123456789", "--applicant-name", "王小明")
    assert ok.code == 0
    r = cli("case", "intake", *HR, "--applicant-id", "A123456788", "--applicant-name", "王小明")
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1 and "檢查碼" in r.err
    assert case_count(cli.data_dir) == 1


def test_unknown_service_and_missing_field(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "case",
        "intake",
        "--service",
        "NOPE",
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
    )
    assert r.code == 2 and "NOPE" in r.err
    r = cli(
        "case",
        "intake",
        "--service",
        "HR-TRANSCRIPT",
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
        "--lang",
        "en",
    )
    assert r.code == 2 and "registered_address" in r.err
    r = cli("case", "intake", "--service", "HR-TRANSCRIPT", "--applicant-id", "A123456789")
    assert r.code == 2  # argparse: missing --applicant-name
    assert not (cli.data_dir / "eservice.sqlite3").exists() or case_count(cli.data_dir) == 0


def test_unknown_case_number_is_exit_2(cli_process) -> None:  # type: ignore[no-untyped-def]
    r = cli_process("case", "show", "H01-01-115-000001-3", "--json")
    assert r.code == 2 and "查無此案件" in r.err


def test_deadline_command_with_pause_and_holiday(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("deadline", "--received", "2026-03-06T10:00:00+08:00", "--working-days", "3", "--json")
    assert r.code == 0 and r.json["due"] == "2026-03-10"
    r = cli(
        "deadline",
        "--received",
        "2026-03-06T10:00:00+08:00",
        "--working-days",
        "3",
        "--pause",
        "2026-03-09T09:00:00+08:00/2026-03-10T10:00:00+08:00",
        "--json",
    )
    assert r.json["due"] == "2026-03-11"
    # Received on the last working day before Lunar New Year 2026 (02-13); 02-14..02-22 off.
    r = cli("deadline", "--received", "2026-02-13T16:00:00+08:00", "--working-days", "2", "--json")
    assert r.json["due"] == "2026-02-23"


def test_calendar_import_changes_deadlines(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "2026.csv"
    lines = ["西元日期,星期,是否放假,備註", "20260309,一,2,颱風停班"]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("calendar", "import", str(csv), "--json")
    assert r.code == 0 and r.json["days"] == 1
    r = cli("deadline", "--received", "2026-03-06T10:00:00+08:00", "--working-days", "3", "--json")
    assert r.json["due"] == "2026-03-11"
    bad = tmp_path / "bad.csv"
    bad.write_text("西元日期,星期,是否放假,備註\n2026-13-01,一,9,\n", encoding="utf-8")
    r = cli("calendar", "import", str(bad))
    assert r.code == 2 and "2" in r.err


def test_demo_seed_adds_twice(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("demo", "seed", "--cases", "30", "--seed", "1", "--json")
    assert first.code == 0, first.err
    assert first.json["total_cases"] == 30
    second = cli("demo", "seed", "--cases", "30", "--seed", "1", "--json").json
    assert second["total_cases"] == 60 and second["added"] == 30
    assert len(first.json["by_status"]) >= 3


def test_catalog_list(cli) -> None:  # type: ignore[no-untyped-def]
    data = cli("catalog", "list", "--json").json
    codes = {s["code"] for s in data}
    assert "HR-TRANSCRIPT" in codes and "LR-LAND-TRANSCRIPT" in codes
    sample = next(s for s in data if s["code"] == "HR-TRANSCRIPT")
    assert isinstance(sample["time_limit_working_days"], int)
    assert all(isinstance(f["unit_price"], int) for f in sample["fee_items"])


def test_db_current_and_upgrade_honour_data_dir(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("db", "current", "--json")
    assert r.json["exists"] is False and r.json["current"] is None
    r = cli("db", "upgrade", "--json")
    assert r.code == 0 and r.json["after"] == r.json["head"]
    assert (cli.data_dir / "eservice.sqlite3").exists()
    r = cli("db", "current", "--json")
    assert r.json["up_to_date"] is True
    other = tmp_path / "env-dir"
    r = cli("db", "upgrade", "--json", data_dir=None, env={"ESERVICE_DATA_DIR": str(other)})
    assert r.code == 0 and (other / "eservice.sqlite3").exists()


def test_no_personal_data_in_logs(cli) -> None:  # type: ignore[no-untyped-def]
    cli(
        "case",
        "intake",
        *HR,
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
        "--phone",
        "0912345678",
        "-v",
    )
    logs = "".join(p.read_text(encoding="utf-8") for p in (cli.data_dir / "logs").glob("*.log"))
    assert "A123456789" not in logs and "0912345678" not in logs and "王小明" not in logs


def test_a_full_disk_under_standard_output_is_one_line_and_exit_2(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    """``case show --json > /dev/full``: the JSON cannot be written, nor can the JSON refusal;
    the clerk still gets the one-line refusal on stderr, exit 2, and no traceback."""
    name = ("--applicant-id", "A123456789", "--applicant-name", "王小明")
    made = cli("case", "intake", *HR, *name, "--json")
    number = made.json["case_number"]
    full = tmp_path / "full"
    try:
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("no permission to make a device node here")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
    env["ESERVICE_DEMO"] = "1"
    argv = [sys.executable, "-m", "eservice_desktop", "--data-dir", str(cli.data_dir)]
    for json_out in (["--json"], []):
        with open(full, "wb") as out:
            p = subprocess.run(
                [*argv, "case", "show", number, *json_out],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                timeout=120,
            )
        assert p.returncode == 2, p.stderr
        assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert "磁碟空間已滿" in p.stderr and "王小明" not in p.stderr


def test_intake_records_the_documents_presented(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "case",
        "intake",
        *HR,
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
        "--document",
        "印章或簽名",
        "--document",
        "申請人國民身分證正本",
        "--json",
    )
    assert r.code == 0, r.err
    shown = cli("case", "show", r.json["case_number"], "--json").json
    assert shown["documents_presented"] == ["申請人國民身分證正本", "印章或簽名"]
    assert len(shown["documents_required"]) == 4
    bad = cli(
        "case",
        "intake",
        *HR,
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
        "--document",
        "護照",
    )
    assert bad.code == 2 and "護照" in bad.err
    assert case_count(cli.data_dir) == 1


def test_case_accept_is_for_web_and_kiosk_cases_only(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--applicant-id", "A123456789", "--applicant-name", "王小明")
    number = cli("case", "intake", *HR, *args, "--json").json["case_number"]
    shown = cli("case", "show", number, "--json").json
    assert (shown["channel"], shown["awaiting_acceptance"], shown["accepted_at"]) == (
        "counter",
        False,
        None,
    )
    r = cli("case", "accept", number, "--json")
    assert r.code == 2
    assert r.json["ok"] is False and r.json["error"] == "case.not_online"
    assert "臨櫃" in r.err
