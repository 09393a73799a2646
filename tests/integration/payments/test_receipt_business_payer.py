"""A business's receipt, printed for real and read back: the seed's receipt is what 代書或公司行號
claim the fee back with (核銷), under the company's 統一編號."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from payments_tools import new_case

from eservice_desktop.config import Settings
from eservice_desktop.services import payments
from eservice_desktop.services.core import App

UBN = "04595257"
DEED = {"parcel": "桃園段 0123-0000", "deed_kind": "土地所有權狀", "reason": "破損"}


def _lines(pdf: Path) -> list[str]:
    """The receipt's lines as printed (label and value on one line), spaces dropped."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [re.sub(r"\s+", "", line) for line in out.splitlines()]


@pytest.mark.parametrize("layout", ["a6", "roll80"])
def test_a_business_receipt_prints_its_ubn_in_full_under_its_name(
    make_app: Callable[..., App], tmp_path: Path, layout: str
) -> None:
    """It printed 身分證統一編號 5260****: a company's accounts could not claim the fee back on
    a receipt that hid its UBN (public, not a person's data) under a person's label."""
    land = make_app(Settings(data_dir=tmp_path / "land", office_code="L01", device_id="01"))
    number = new_case(
        land,
        service="LR-TITLE-DEED-EXCHANGE",
        name="峰尚服裝店股份有限公司",
        applicant_id=UBN,
        copies=1,
        fields=DEED,
    )
    r = payments.record_payment(land, number, "cash", 80, tendered=100)
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(payments.receipt_pdf(land, r.receipt_number, layout))
    lines = _lines(pdf)
    assert f"統一編號{UBN}" in lines
    flat = "".join(lines)
    assert "身分證統一編號" not in flat and "0459****" not in flat
    assert "繳款人峰尚服裝店股份有限公司" in lines and "新台幣捌拾元整" in lines


def test_a_person_s_receipt_still_masks_the_id(app: App, tmp_path: Path) -> None:
    number = new_case(app, applicant_id="A123456789")
    r = payments.record_payment(app, number, "cash", 15, tendered=15)
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number))
    lines = _lines(pdf)
    assert "身分證統一編號A12345****" in lines and "A123456789" not in "".join(lines)
