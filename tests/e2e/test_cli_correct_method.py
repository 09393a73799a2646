"""``receipt correct-method``: cash keyed as card put right through the real command line, with a
supervisor's approval; wrong and hostile values are exit 2 in the --lang language with nothing
stored; the closing then counts the money as cash and lists the correction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from cli_support import add_supervisor
from test_cli_cases import HR

from eservice_desktop.domain.office_zone import TAIPEI

APPROVER = ("--approver", "super01", "--approver-password-stdin")
PASSWORD = "super-secret-1\n"


def _card_keyed(cli) -> str:  # type: ignore[no-untyped-def]
    number = cli(
        "case", "intake", *HR, "--applicant-id", "A123456789", "--applicant-name", "林峰", "--json"
    ).json["case_number"]  # fmt: skip
    paid = cli(
        "payment", "record", number, "--method", "card", "--amount", "15",
        "--reference", "T-881", "--json",
    )  # fmt: skip
    assert paid.code == 0, paid.err
    return str(paid.json["receipt_number"])


def _closing(cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Today's closing of this counter, as ``report closing --json`` gives it."""
    today = datetime.now(TAIPEI).date().isoformat()
    out = Path(cli.data_dir).parent / "closing.pdf"
    r = cli("report", "closing", "--date", today, "--out", str(out), "--json")
    assert r.code == 0, r.err
    return dict(r.json)


def _events(cli, receipt: str) -> list[str]:  # type: ignore[no-untyped-def]
    case = cli("payment", "list", receipt, "--json").json[0]["case_number"]
    return [e["type"] for e in cli("case", "show", case, "--json").json["events"]]


def test_cash_keyed_as_card_is_corrected_and_the_closing_counts_it_as_cash(cli) -> None:  # type: ignore[no-untyped-def]
    add_supervisor(cli)
    receipt = _card_keyed(cli)
    assert _closing(cli)["cash_expected"] == 0
    fix = ("receipt", "correct-method", receipt, "--to", "cash", "--reason", "民眾付現，誤按刷卡")
    unapproved = cli(*fix, "--json")
    assert unapproved.code == 2 and unapproved.json["error"] == "auth.approval_required"
    done = cli(*fix, *APPROVER, "--json", stdin=PASSWORD)
    assert done.code == 0, done.err
    assert (done.json["method"], done.json["reference"], done.json["amount"]) == ("cash", "", 15)
    closing = _closing(cli)
    assert closing["cash_expected"] == 15 and set(closing["by_method"]) == {"cash"}
    (listed,) = closing["corrections"]
    assert (listed["from_method"], listed["to_method"], listed["counts_here"]) == (
        "card",
        "cash",
        True,
    )
    assert listed["approved_by"].startswith("super01")
    assert _events(cli, receipt)[-1] == "case.payment_method_corrected"
    text = cli("--lang", "en", "receipt", "correct-method", receipt, "--to", "cash",
               "--reason", "again", *APPROVER, stdin=PASSWORD)  # fmt: skip
    assert text.code == 2 and "already a cash payment" in text.err


def test_wrong_and_hostile_values_are_exit_2_and_store_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    add_supervisor(cli)
    receipt = _card_keyed(cli)
    before = _events(cli, receipt)

    def refused(*args: str) -> str:
        r = cli("receipt", "correct-method", *args, *APPROVER, "--json", stdin=PASSWORD)
        assert r.code == 2, (args, r.out, r.err)
        return str(r.json["error"])

    assert refused(receipt, "--to", "online", "--reason", "x") == "payment.method_correction_to"
    assert refused(receipt, "--to", "", "--reason", "x") == "payment.method_correction_to"
    assert refused(receipt, "--to", "card", "--reference", "T-2", "--reason", "x") == (
        "payment.method_unchanged"
    )
    assert refused(receipt, "--to", "cash", "--reference", "T-2", "--reason", "x") == (
        "payment.reference_not_taken"
    )
    assert refused(receipt, "--to", "cash", "--reason", " \t") == "case.reason_required"
    assert refused(receipt, "--to", "cash", "--reason", "x" * 5000) == "value.too_long"
    assert refused("H01-01-115-R999999", "--to", "cash", "--reason", "x") == "receipt.unknown"
    assert refused(receipt + "\x1b[2J", "--to", "cash", "--reason", "x") == "receipt.unknown"
    wrong = cli("receipt", "correct-method", receipt, "--to", "cash", "--reason", "x",
                *APPROVER, "--json", stdin="nope\n")  # fmt: skip
    assert wrong.code == 2 and wrong.json["error"] == "auth.bad_password"
    zh = cli("--lang", "zh_TW", "receipt", "correct-method", receipt, "--to", "online",
             "--reason", "x", *APPROVER, stdin=PASSWORD)  # fmt: skip
    assert zh.code == 2 and "更正後的收費方式須為現金" in zh.err
    assert _events(cli, receipt) == before
    assert _closing(cli)["corrections"] == []
