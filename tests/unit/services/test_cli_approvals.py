"""The command line's approvals: ``--approver ACCOUNT --approver-password-stdin`` on every
command with an exception; without it exit 2 ``auth.approval_required`` and nothing stored."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from approvals_support import CLERK, CLERK_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD
from cli_refusal_support import HR, office_with_accounts

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.services.core import App, system_clock
from eservice_desktop.services.sync.state import set_state


@pytest.fixture
def office(make_app: Callable[[Settings], App], settings: Settings) -> Settings:
    return office_with_accounts(make_app, settings)


def run(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = "",
) -> tuple[int, Any, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(settings.data_dir), *args, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def events(settings: Settings, capsys: Any, monkeypatch: Any, number: str) -> list[dict[str, Any]]:
    code, shown, _ = run(settings, capsys, monkeypatch, "case", "show", number)
    assert code == 0
    return list(shown["events"])


def test_cli_void_refund_assess_need_an_approver(
    office: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s, c, m = office, capsys, monkeypatch
    code, case, _ = run(s, c, m, "case", "intake", *HR, "--copies", "2")
    assert code == 0
    number = case["case_number"]
    code, paid, _ = run(s, c, m, "payment", "record", number, "--method", "cash", "--amount", "30")
    receipt = paid["receipt_number"]
    before = len(events(s, c, m, number))
    for args in (
        ("receipt", "void", receipt, "--reason", "金額誤收"),
        ("payment", "refund", receipt, "--amount", "10", "--reason", "溢收"),
        ("payment", "assess", number, "--reduction", "10", "--reason", "身心障礙者減半"),
    ):
        code, out, err = run(s, c, m, *args)
        assert code == 2 and out["ok"] is False and out["error"] == "auth.approval_required"
        assert "--approver" in err
        # the demo operator signed in is a supervisor too, but cannot approve their own request
        code, out, _ = run(
            s, c, m, *args, "--approver", "demo01", "--approver-password-stdin", stdin="x\n"
        )
        assert code == 2 and out["error"] == "auth.self_approval"
        code, out, _ = run(
            s,
            c,
            m,
            *args,
            "--approver",
            SUPERVISOR,
            "--approver-password-stdin",
            stdin="nope-nope\n",
        )
        assert code == 2 and out["error"] == "auth.bad_password"
        code, out, _ = run(
            s, c, m, *args, "--approver", CLERK, "--approver-password-stdin", stdin=CLERK_PASSWORD
        )
        assert code == 2 and out["error"] == "auth.forbidden"
    # the password never comes from the command line
    code, out, _ = run(
        s, c, m, "receipt", "void", receipt, "--reason", "x", "--approver", SUPERVISOR
    )
    assert code == 2 and out["error"] == "approval.password_required"
    assert len(events(s, c, m, number)) == before
    ok = ("--approver", SUPERVISOR, "--approver-password-stdin")
    pw = SUPERVISOR_PASSWORD + "\n"
    code, out, _ = run(
        s, c, m, "payment", "refund", receipt, "--amount", "10", "--reason", "溢收", *ok, stdin=pw
    )
    assert code == 0 and out["refunded"] == 10
    code, out, _ = run(s, c, m, "receipt", "void", receipt, "--reason", "金額誤收", *ok, stdin=pw)
    assert code == 2 and out["error"] == "receipt.refunded"  # refunded: never voided as well
    code, paid, _ = run(s, c, m, "payment", "record", number, "--method", "cash", "--amount", "10")
    second = paid["receipt_number"]
    code, out, _ = run(s, c, m, "receipt", "void", second, "--reason", "金額誤收", *ok, stdin=pw)
    assert code == 0 and out["status"] == "void"
    code, out, _ = run(
        s,
        c,
        m,
        "payment",
        "assess",
        number,
        "--reduction",
        "10",
        "--reason",
        "身心障礙者減半",
        *ok,
        stdin=pw,
    )
    assert code == 0 and out["fees_due"] == 20
    approvals = [e for e in events(s, c, m, number) if e["type"] == ev.APPROVAL_GRANTED]
    assert [a["payload"]["action"] for a in approvals] == ["refund", "void", "fee_reduction"]
    assert {(a["payload"]["requested_by"], a["payload"]["approved_by"]) for a in approvals} == {
        ("demo01", SUPERVISOR)
    }


def test_cli_close_with_a_balance_and_the_second_reprint(
    office: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    s, c, m = office, capsys, monkeypatch
    ok = ("--approver", SUPERVISOR, "--approver-password-stdin")
    pw = SUPERVISOR_PASSWORD + "\n"
    number = run(s, c, m, "case", "intake", *HR)[1]["case_number"]
    code, out, _ = run(s, c, m, "case", "close", number)
    assert code == 2 and out["error"] == "fees_due" and out["amount"] == 15
    code, out, _ = run(s, c, m, "case", "close", number, *ok, stdin=pw)
    assert code == 2 and out["error"] == "approval.reason_required"
    code, out, _ = run(s, c, m, "case", "close", number, "--reason", "民眾改日補繳", *ok, stdin=pw)
    assert code == 0 and out["status"] == "closed" and out["balance"] == 15
    run(s, c, m, "payment", "record", number, "--method", "cash", "--amount", "15")
    pdf = str(tmp_path / "r.pdf")
    for _ in range(2):  # the first print and the first reprint
        assert run(s, c, m, "receipt", "pdf", number, "--out", pdf)[0] == 0
    code, out, _ = run(s, c, m, "receipt", "pdf", number, "--out", pdf)
    assert code == 2 and out["error"] == "auth.approval_required" and out["action"] == "reprint"
    code, out, _ = run(
        s, c, m, "receipt", "pdf", number, "--out", pdf, "--reprint-reason", "遺失", *ok, stdin=pw
    )
    assert code == 0
    actions = [
        e["payload"]["action"] for e in events(s, c, m, number) if e["type"] == ev.APPROVAL_GRANTED
    ]
    assert actions == ["close_with_balance", "reprint"]


def test_cli_intake_warns_when_sync_is_stale_and_asks_approval_later(
    office: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    make_app: Callable[[Settings], App],
) -> None:
    s, c, m = office, capsys, monkeypatch
    code, out, err = run(s, c, m, "case", "intake", *HR)
    assert code == 0 and out["warnings"] == [] and "sync.stale" not in err

    def last_sync(hours: int) -> None:
        app = make_app(s)
        now = system_clock()  # the command line runs on the system clock
        at = (now - timedelta(hours=hours)).isoformat()
        with app.transaction() as t:
            set_state(t, "enrolled", json.dumps({"office": "H01", "at": at}), now)
            set_state(t, "last_success", at, now)
        app.close()

    last_sync(30)
    code, out, err = run(s, c, m, "case", "intake", *HR, "--lang", "en")
    assert code == 0 and out["warnings"] == ["sync.stale"], out
    assert "warning (sync.stale): no sync with the county for 30 h" in err
    last_sync(80)
    code, out, _ = run(s, c, m, "case", "intake", *HR)
    assert code == 2 and out["error"] == "auth.approval_required"
    assert out["action"] == "stale_sync_intake"
    code, out, err = run(
        s,
        c,
        m,
        "case",
        "intake",
        *HR,
        "--approver",
        SUPERVISOR,
        "--approver-password-stdin",
        "--reason",
        "縣府網路中斷",
        stdin=SUPERVISOR_PASSWORD,
    )
    assert code == 0 and out["warnings"] == ["sync.stale"] and "80" in err
    kinds = [e["type"] for e in events(s, c, m, out["case_number"])]
    assert kinds[:2] == [ev.RECEIVED, ev.APPROVAL_GRANTED]


def test_cli_verifying_a_void_receipt_says_it_is_void(
    office: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``receipt verify`` of a voided receipt with its printed code answered ``驗證碼正確 /
    valid`` and nothing more: a citizen or an auditor checking the slip was told it stands
    while its money had gone back. ``valid`` (the code is authentic) and exit 0 are kept; the
    JSON adds ``status`` and ``refunded``, the text says VOID, in one language."""
    s, c, m = office, capsys, monkeypatch
    code, case, _ = run(s, c, m, "case", "intake", *HR, "--copies", "2")
    number = case["case_number"]
    code, paid, _ = run(s, c, m, "payment", "record", number, "--method", "cash", "--amount", "30")
    receipt, verification = paid["receipt_number"], paid["verification_code"]
    code, out, _ = run(s, c, m, "receipt", "verify", receipt, verification)
    assert code == 0 and out == {
        "receipt_number": receipt, "valid": True, "status": "valid", "refunded": 0,
        "amount": 30, "issued_on": out["issued_on"], "case_number": number,
    }  # fmt: skip
    ok = ("--approver", SUPERVISOR, "--approver-password-stdin")
    pw = SUPERVISOR_PASSWORD + "\n"
    code, _out, _ = run(s, c, m, "receipt", "void", receipt, "--reason", "誤收", *ok, stdin=pw)
    assert code == 0
    code, out, _ = run(s, c, m, "receipt", "verify", receipt, verification)
    assert code == 0 and out["valid"] is True and out["status"] == "void"
    for lang, said, other in (("en", "VOID", "驗證"), ("zh_TW", "已作廢", "valid")):
        capsys.readouterr()
        argv = ["--data-dir", str(s.data_dir), "--lang", lang, "receipt", "verify"]
        assert main([*argv, receipt, verification]) == 0
        text = capsys.readouterr().out
        assert said in text and other not in text, text
    code, out, _ = run(s, c, m, "receipt", "verify", receipt, "AAAA-BBBB-CC")
    assert code == 3 and out == {"receipt_number": receipt, "valid": False}
