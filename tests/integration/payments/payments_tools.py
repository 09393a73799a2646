"""Helpers to read receipts back with poppler and zxing-cpp, run the real CLI, make cases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import PIL.Image
import zxingcpp

from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake

FIELDS = {
    "registered_address": "桃園市桃園區中正路1號",
    "transcript_kind": "現戶",
    "record_detail": "省略記事",
}


def new_case(app: App, copies: int = 2, name: str = "王小明") -> str:
    """An HR-TRANSCRIPT case: NT$15 a copy, so 2 copies cost NT$30."""
    return intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id="A123456789",
            applicant_name=name,
            copies=copies,
            fields=dict(FIELDS),
        ),
    ).case_number


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def decode(pdf: Path, dpi: int = 200) -> dict[str, str]:
    """Barcode format name -> text, from a render of the first page at ``dpi``."""
    prefix = pdf.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    with PIL.Image.open(prefix.with_suffix(".png")) as image:
        return {str(r.format).replace(" ", ""): r.text for r in zxingcpp.read_barcodes(image)}


def cli(
    data_dir: Path, *args: str, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESERVICE_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "eservice_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=check,
        timeout=120,
    )
