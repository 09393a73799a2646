"""Qt's print to a PDF file (the print dialog's 列印至檔案) on a full disk: Qt ended the job as
printed with a file of zero bytes, and the receipt was marked printed (its next print a reprint
needing a reason, then a supervisor). Now the print is refused, the empty file removed.

The disk is a real one: a 256 KiB tmpfs filled to the last byte, in a mount namespace of the
process's own (``unshare -m``, as root), the printing done there by ``qt_print.print_pdf``."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_printing_raster import _two_page_pdf

from eservice_desktop.gui import qt_print

ROOT = Path(__file__).resolve().parents[2]

_PRINT = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from eservice_desktop.gui import qt_print
app = QApplication([])
out = Path(sys.argv[1])
printer = qt_print.make_printer(output_pdf=out)
try:
    pages = qt_print.print_pdf(Path(sys.argv[2]).read_bytes(), printer)
    said = {"printed": pages}
except qt_print.PrintError as e:
    said = {"code": e.code, "zh": e.message_zh, "en": e.message_en}
said["left"] = out.exists()
print(json.dumps(said))
"""


def _print_on(disk: Path, pdf: Path, fill: bool) -> dict[str, object]:
    if not shutil.which("unshare"):
        pytest.skip("needs unshare for a mount namespace")
    where = shlex.quote(str(disk))
    cmd = shlex.join([sys.executable, "-c", _PRINT, f"{disk}/receipt.pdf", str(pdf)])
    script = f"mount -t tmpfs -o size=256k tmpfs {where} && "
    if fill:
        script += f"(dd if=/dev/zero of={where}/fill bs=4k 2>/dev/null || true) && "
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script + f"exec {cmd}"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if "mount" in run.stderr and not run.stdout:
        pytest.skip(f"no tmpfs mount here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def test_a_pdf_file_on_a_full_disk_is_no_print(tmp_path: Path) -> None:
    pdf = tmp_path / "source.pdf"
    pdf.write_bytes(_two_page_pdf())
    disk = tmp_path / "disk"
    disk.mkdir()
    said = _print_on(disk, pdf, fill=True)
    assert said.get("code") == "print.not_written", said
    assert "磁碟空間已滿" in str(said["zh"]) and "receipt.pdf" in str(said["zh"])
    assert "nothing was printed" in str(said["en"])
    assert said["left"] is False  # no empty file left that looks like the receipt

    assert _print_on(disk, pdf, fill=False) == {"printed": 2, "left": True}  # room: printed


def test_a_pdf_written_whole_is_printed(tmp_path: Path, qapp: object) -> None:
    out = tmp_path / "receipt.pdf"
    assert qt_print.print_pdf(_two_page_pdf(), qt_print.make_printer(output_pdf=out)) == 2
    assert out.read_bytes().rstrip().endswith(b"%%EOF")
