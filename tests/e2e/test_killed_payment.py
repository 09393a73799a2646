"""A payment whose process was killed before its receipt was printed (a power cut, ``kill -9``,
the PC's reset button): the clerk back at the command line sees the receipt is unprinted and
how to print it, and printing it then is its first print."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kill_support import kill_when_there
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]

#: ``payment record`` in a process of its own that says ``there`` and waits once the payment
#: is committed, before the command says anything, until it is killed.
PAYER = textwrap.dedent(
    """
    import sys, time
    from eservice_desktop.services import payments
    from eservice_desktop.cli.main import main

    real = payments.record_payment

    def record_payment(*args, **kwargs):
        done = real(*args, **kwargs)
        print("there", flush=True)
        time.sleep(600)
        return done

    payments.record_payment = record_payment
    sys.exit(main(sys.argv[1:]))
    """
)


def _killed_payment(data: Path, number: str) -> None:
    record = ["payment", "record", number, "--method", "cash", "--amount", "15"]
    kill_when_there(
        [sys.executable, "-c", PAYER, "--data-dir", str(data), *record, "--tendered", "100"],
        {**os.environ, "ESERVICE_DEMO": "1", "PYTHONPATH": str(ROOT)},
        ROOT,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_payment_list_says_a_receipt_killed_before_its_print_is_unprinted(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """``payment list`` said 有效 alone, as of a printed receipt: the clerk, back after the
    crash, saw the payment there and handed the citizen no receipt."""
    intake = cli(
        "case", "intake", "--service", "HR-TRANSCRIPT", "--applicant-id", "A123456789",
        "--applicant-name", "王小明", "--field", "registered_address=桃園市桃園區中正路1號",
        "--field", "transcript_kind=現戶", "--field", "record_detail=省略記事", "--json",
    )  # fmt: skip
    assert intake.code == 0, intake.err
    number = intake.json["case_number"]
    _killed_payment(cli.data_dir, number)  # type: ignore[attr-defined]

    listed = cli("payment", "list", number, "--json")
    (receipt,) = listed.json
    assert receipt["printed"] is False and receipt["balance"] == 0
    shown = receipt["receipt_number"]
    command = f"receipt pdf {shown} --out FILE.pdf"
    zh = cli("payment", "list", number).out
    assert f"有效  未列印（{command}）" in zh, zh
    en = cli("--lang", "en", "payment", "list", number).out
    assert f"valid  not printed ({command})" in en, en

    out = tmp_path / "desk" / "receipt.pdf"
    assert cli("receipt", "pdf", shown, "--out", str(out)).code == 0
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert shown in text and "重印" not in text  # its first print
    after = cli("payment", "list", number).out
    assert shown in after and "未列印" not in after, after
