"""A reprint names the 經收人 the first print named (services/receipt_clerk.py), read back from
the real PDF: the operator renamed since, or the first print made by a build that printed the
account alone, never changes what the 【重印】 paper says."""

from __future__ import annotations

import subprocess
from pathlib import Path

from operator_support import chose_own
from payments_tools import new_case

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import cases, operators, payments
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_payments import ReceiptRow


def _clerk_line(app: App, number: str, pdf: Path, reason: str = "") -> str:
    """The 經收人 the receipt's PDF prints (its text read back, laid out: the line's value)."""
    pdf.write_bytes(payments.receipt_pdf(app, number, "a6", reprint_reason=reason))
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.split("經收人", 1)[1].strip() for line in text.splitlines() if "經收人" in line]
    assert len(lines) == 1, text
    return lines[0]


def _paid_by_cash03(app: App) -> str:
    case_number = new_case(app)
    operators.create_operator(app, "cash03", "黃收費", [Role.CASHIER], "cash-secret-3")
    chose_own(app, "cash03")
    operators.login(app, "cash03", "cash-secret-3")
    return payments.record_payment(app, case_number, "cash", 30, tendered=30).receipt_number


def test_a_reprint_after_a_rename_names_the_first_prints_clerk(app: App, tmp_path: Path) -> None:
    """The cashier renamed (黃收費 → 黃大華) between the first print and a reprint: the
    reprint named 黃大華（cash03）, a 經收人 the citizen's original does not show."""
    admin = app.operator
    number = _paid_by_cash03(app)
    assert _clerk_line(app, number, tmp_path / "first.pdf") == "黃收費（cash03）"
    payments.confirm_printed(app, number)
    app.operator = admin
    operators.set_roles(app, "cash03", [Role.CASHIER], name="黃大華")
    again = _clerk_line(app, number, tmp_path / "reprint.pdf", reason="民眾遺失")
    assert again == "黃收費（cash03）"
    assert payments.receipt_data(app, number, "民眾遺失").reprint_count == 1


def test_a_reprint_of_a_receipt_first_printed_with_the_account_alone_says_so(
    app: App, tmp_path: Path
) -> None:
    """A build before the 經收人 named the operator printed ``cash03`` and recorded only the
    receipt's number: its reprint printed 黃收費（cash03）, another 經收人 than the original's."""
    number = _paid_by_cash03(app)
    with app.transaction() as s:  # the first print as that build recorded it
        case_id = s.get(ReceiptRow, number).case_id
        cases.record(app, s, case_id, ev.RECEIPT_ISSUED, {"receipt_number": number})
    assert _clerk_line(app, number, tmp_path / "reprint.pdf", reason="民眾遺失") == "cash03"
