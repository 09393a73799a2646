"""The reconciliation statement (appendix 22) lists the web and kiosk payments of its period
whether or not a counter issued the office's receipt for them: real county server on loopback,
a kiosk payment pulled by the office, the statement written as PDF and CSV and read back."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sync_helpers import CountyServer, enrol
from test_online_receipt_loop import _paid_at_kiosk

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases, reports, settlement
from eservice_desktop.services.core import App
from eservice_desktop.services.online_receipt import issue_online_receipt


def _statement_lines(office: App, day: object, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "statement.csv"
    reports.write_reconciliation(office, day, day, out)  # type: ignore[arg-type]
    text = out.read_bytes().decode("utf-8-sig")
    return [row for row in csv.DictReader(io.StringIO(text)) if row["編號"] != "合計"]


def test_a_kiosk_payment_without_the_office_s_receipt_is_on_the_statement(
    office: Callable[..., App], sqlite_county: CountyServer, tmp_path: Path
) -> None:
    """It was not: the statement read the office's receipts alone, and a kiosk or web payment
    has none until a clerk issues one on request, so the money the treasury deposited was
    missing from the office's statement. Listed with its 規費單號 empty; once a receipt is
    issued, the same line carries its number (never twice)."""
    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    number = _paid_at_kiosk(sqlite_county, h02, "IBON-0042")
    (paid,) = cases.load_case(h02, number).payments
    # the county's clock dates the payment (authorised_at), not the office's test clock
    day = datetime.fromisoformat(paid.authorised_at).astimezone(TAIPEI).date()

    (line,) = _statement_lines(h02, day, tmp_path)
    assert (line["交易電子案號"], line["付費工具"], line["應繳金額"]) == (
        "IBON-0042",
        "超商代收",
        "15",
    )
    assert (line["已入庫"], line["未入庫"], line["規費單號"]) == ("", "15", "")
    statement = reports.reconciliation(h02, day, day)
    assert statement.outstanding_total == 15
    pdf = tmp_path / "statement.pdf"
    reports.write_reconciliation(h02, day, day, pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "IBON-0042" in text and "超商代收" in text

    receipt = issue_online_receipt(h02, number, "IBON-0042")
    (line,) = _statement_lines(h02, day, tmp_path)
    assert (line["交易電子案號"], line["規費單號"]) == ("IBON-0042", receipt.receipt_number)
    service = reports.reconciliation(h02, day, day, "HR-TRANSCRIPT")
    assert [r.transaction_id for r in service.rows] == ["IBON-0042"]


HEAD = "編號,交易電子案號,授權時間,付費工具,入庫日期,應繳金額,已入庫,未入庫,機關核銷編號,規費單號"


def test_the_treasury_file_settles_a_kiosk_payment_without_a_receipt_at_the_office(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """The office's own `payment settle-import` reported such a line `unknown` ("no such
    online payment here"), of a payment of this office on its statement: it settles it, as
    the county's import does, and the statement shows it deposited; a second import changes
    nothing, a line of another amount is reported, not applied."""
    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    number = _paid_at_kiosk(sqlite_county, h02, "IBON-0077")
    (paid,) = cases.load_case(h02, number).payments
    day = datetime.fromisoformat(paid.authorised_at).astimezone(TAIPEI).date()
    when = f"{day:%Y/%m/%d}"
    good = f"{HEAD}\r\n1,IBON-0077,{when} 10:00:00,超商代收,{when},15,15,,AU08001000777,\r\n"
    result = settlement.import_settlement(h02, good.encode("utf-8"))
    assert (result["settled"], result["unknown"], result["not_applied"]) == (1, 0, [])
    (line,) = reports.reconciliation(h02, day, day).table()
    assert line[1] == "IBON-0077" and line[4:10] == [when, "15", "15", "", "AU08001000777", ""]
    assert settlement.import_settlement(h02, good.encode("utf-8"))["unchanged"] == 1
    other = good.replace(",15,15,,", ",20,20,,")
    (refused,) = settlement.import_settlement(h02, other.encode("utf-8"))["not_applied"]
    assert refused["status"] == "amount_mismatch" and refused["amount_expected"] == 15
