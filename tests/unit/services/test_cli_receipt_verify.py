"""``receipt verify`` as a third party uses it: a bank, an employer or another office holding
the citizen's receipt types its number and code, and learns whether the receipt still stands
(void, refunded), in the user's language. Driven in-process (``main([...])``)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD
from cli_refusal_support import Run, cli_runner, office_with_accounts
from test_cli_counter_money import paid_case

from eservice_desktop.config import Settings
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.services.core import App

APPROVED = ("--approver", SUPERVISOR, "--approver-password-stdin")


@pytest.fixture
def run(
    make_app: Callable[[Settings], App],
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    return cli_runner(office_with_accounts(make_app, settings), capsys, monkeypatch)


def _refund(run: Run, receipt: str, amount: int) -> None:
    code, _, err = run("payment", "refund", receipt, "--amount", str(amount), "--reason", "溢收",
                       *APPROVED, stdin=SUPERVISOR_PASSWORD + "\n")  # fmt: skip
    assert code == 0, err


def test_a_refunded_receipt_says_so_and_one_refunded_in_full_never_reads_valid(
    run: Run,
) -> None:
    """A receipt whose whole fee went back read 驗證碼正確 alone: proof of a payment there
    no longer was."""
    number, receipt = paid_case(run)
    code = run("payment", "list", number)[1][0]["verification_code"]
    verify = ("receipt", "verify", receipt, code)
    _refund(run, receipt, 10)
    assert run(*verify, json_out=False)[1].startswith("驗證碼正確；此收據 30 元中已退費 10 元\n")
    assert run(*verify, json_out=False, lang="en")[1].startswith(
        "valid; NT$10 of its NT$30 has been refunded\n"
    )
    _refund(run, receipt, 20)
    rc, text, _ = run(*verify, json_out=False)
    assert rc == 0 and text.startswith("驗證碼正確，但此收據已全額退費（已退 30 元）\n")
    rc, text, _ = run(*verify, json_out=False, lang="en")
    assert text.startswith("Authentic code, but the receipt was REFUNDED in full (NT$30)\n")
    rc, data, _ = run(*verify)  # the JSON keeps its shape
    assert (data["valid"], data["status"], data["refunded"]) == (True, "valid", 30)


def test_the_answer_says_what_the_code_binds_and_never_who_paid(run: Run) -> None:
    """A receipt of 30 元 altered on the paper to 3,000 kept its number and code, and verify
    said 驗證碼正確 alone: the altered paper passed. The answer now says the amount, the day
    and the case the code binds, to hold against the paper, and names no one."""
    number, receipt = paid_case(run)
    paid = run("payment", "list", number)[1][0]
    day = datetime.fromisoformat(paid["issued_at"]).astimezone(TAIPEI).date()
    y, m, d = to_roc(day)
    verify = ("receipt", "verify", receipt.lower(), paid["verification_code"])
    rc, text, _ = run(*verify, json_out=False)
    assert rc == 0 and text == (
        f"驗證碼正確\n收據 {receipt}：中華民國 {y} 年 {m} 月 {d} 日開立，金額 30 元，案號 "
        f"{number}（請與收據上所載核對，不符者為經變造之收據）\n"
    )
    rc, text, _ = run(*verify, json_out=False, lang="en")
    assert text == (
        f"valid\nReceipt {receipt}: issued {day.isoformat()} (ROC {y}/{m:02d}/{d:02d}), "
        f"NT$30, case {number} (check these against the paper: a receipt that says otherwise "
        "was altered)\n"
    )
    rc, data, _ = run(*verify)
    assert data == {
        "receipt_number": receipt.lower(),
        "valid": True,
        "status": "valid",
        "refunded": 0,
        "amount": 30,
        "issued_on": day.isoformat(),
        "case_number": number,
    }
    for shown in (text, str(data)):  # a code is no right to the payer's data
        assert "王小明" not in shown and "A123456789" not in shown
    rc, text, _ = run("receipt", "verify", receipt, "AAAA-AAAA-AA", json_out=False)
    assert (rc, text) == (3, "驗證碼不符\n")  # a wrong code learns nothing of the receipt


def test_a_code_typed_with_a_digit_for_the_letter_it_looks_like_still_verifies(
    run: Run,
) -> None:
    """A code is base32 (A-Z, 2-7), so a 0, 1 or 8 in a typed code is the O, I or B read off
    the paper: KH4K-RFXO-LZ typed KH4K-RFX0-LZ said 驗證碼不符, exit 3, a forgery."""
    for _ in range(40):  # a receipt whose code holds an O, an I or a B (two in three do)
        number, receipt = paid_case(run)
        code = run("payment", "list", number)[1][0]["verification_code"]
        if set(code) & set("OIB"):
            break
    else:
        pytest.fail("no code drew an O, an I or a B")
    typed = code.translate(str.maketrans("OIB", "018"))
    rc, data, _ = run("receipt", "verify", receipt, typed)
    assert (rc, data["valid"]) == (0, True), (code, typed)
    rc, data, _ = run("receipt", "verify", receipt, typed.lower())
    assert (rc, data["valid"]) == (0, True), (code, typed)
    wrong = ("A" if code[0] != "A" else "C") + typed[1:]  # still one letter off: not valid
    assert run("receipt", "verify", receipt, wrong)[:2] == (
        3,
        {"receipt_number": receipt, "valid": False},
    )


def _scanned(pdf: Path, tmp_path: Path) -> str:
    """The receipt's QR code as a scanner reads it off the printed page."""
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "p")], check=True)
    [page] = sorted(tmp_path.glob("p*.png"))
    found = zxingcpp.read_barcodes(Image.open(page))
    return next(r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode)


def test_the_receipts_qr_code_scanned_verifies_and_an_altered_one_does_not(
    run: Run, tmp_path: Path
) -> None:
    """The paper says 掃描 QR 碼…即可查驗真偽, and receipt verify took the number and the code
    only: a scan was refused for want of a code. It now verifies, its amount and day too."""
    number, receipt = paid_case(run)
    out = tmp_path / "r.pdf"
    assert run("receipt", "pdf", number, "--out", str(out))[0] == 0
    scan = _scanned(out, tmp_path)
    assert scan.startswith(f"ESR1|{receipt}|30|")
    rc, text, _ = run("receipt", "verify", scan, json_out=False)
    assert rc == 0 and text.startswith(f"驗證碼正確\n收據 {receipt}：")
    rc, data, _ = run("receipt", "verify", scan)
    assert (rc, data["receipt_number"], data["valid"], data["amount"]) == (0, receipt, True, 30)
    _, _, day, code = scan.split("|")[1:]
    for altered in (f"ESR1|{receipt}|3000|{day}|{code}", f"ESR1|{receipt}|30|1140101|{code}"):
        rc, data, _ = run("receipt", "verify", altered)
        assert (rc, data) == (3, {"receipt_number": receipt, "valid": False}), altered
    rc, data, err = run("receipt", "verify", receipt)  # no code, and no QR: say what is missing
    assert (rc, data["error"]) == (2, "receipt.code_required")
    assert err == "請輸入收據上的驗證碼，或掃描收據上的 QR 碼\n"


def test_a_receipt_number_typed_with_letters_for_its_digits_is_found(run: Run) -> None:
    """The receipt's font draws 0 and O, 1 and I alike: a number typed HO1-O1-115-ROOOOO1 off
    the paper was 查無此收據號碼, a receipt the office never issued."""
    number, receipt = paid_case(run)
    code = run("payment", "list", number)[1][0]["verification_code"]
    office, device, year, seq = receipt.split("-")
    typed = "-".join((office[0] + office[1:].replace("0", "O"), device.replace("0", "O"),
                      year.replace("1", "I"), seq.replace("0", "O")))  # fmt: skip
    assert typed != receipt and "O" in typed
    rc, data, _ = run("receipt", "verify", typed.lower(), code)
    assert (rc, data["valid"], data["case_number"]) == (0, True, number), data
    rc, rows, _ = run("payment", "list", typed)
    assert rc == 0 and [r["receipt_number"] for r in rows] == [receipt]
