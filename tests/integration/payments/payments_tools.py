"""Helpers to read receipts back with poppler and zxing-cpp, run the CLI, make cases."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import factories
import PIL.Image
import zxingcpp
from cli_main_support import run_main

from eservice_desktop.services.core import App


def new_case(app: App, copies: int = 2, **kw: Any) -> str:
    """An HR-TRANSCRIPT case (tests/factories.py): NT$15 a copy, so 2 copies cost NT$30."""
    return factories.new_case(app, copies=copies, **kw)


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
    """The command line over ``data_dir``, in this process (``cli_main_support``)."""
    env = {k: v for k, v in os.environ.items() if k.startswith("ESERVICE_")}
    env["ESERVICE_DATA_DIR"] = str(data_dir)
    code, out, err = run_main(args, env, stdin)
    done = subprocess.CompletedProcess(["eservice-desktop", *args], code, out, err)
    if check:
        done.check_returncode()
    return done
