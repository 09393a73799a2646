"""``receipt verify`` as a third party uses it: a bank, an employer or another office holding
the citizen's receipt types its number and code, and learns whether the receipt still stands
(void, refunded), in the user's language. Driven in-process (``main([...])``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD
from cli_refusal_support import Run, cli_runner, office_with_accounts
from test_cli_counter_money import paid_case

from eservice_desktop.config import Settings
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
    assert run(*verify, json_out=False) == (0, "驗證碼正確；此收據 30 元中已退費 10 元\n", "")
    assert run(*verify, json_out=False, lang="en")[1] == (
        "valid; NT$10 of its NT$30 has been refunded\n"
    )
    _refund(run, receipt, 20)
    rc, text, _ = run(*verify, json_out=False)
    assert (rc, text) == (0, "驗證碼正確，但此收據已全額退費（已退 30 元）\n")
    rc, text, _ = run(*verify, json_out=False, lang="en")
    assert text == "Authentic code, but the receipt was REFUNDED in full (NT$30)\n"
    rc, data, _ = run(*verify)  # the JSON keeps its shape
    assert data == {"receipt_number": receipt, "valid": True, "status": "valid", "refunded": 30}
