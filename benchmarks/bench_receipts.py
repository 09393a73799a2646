"""Receipts: PDF render time (first in the process, then warm) and size, A6 and 80 mm roll.

"First" includes finding and parsing the TrueType fonts (TW-Kai 52 MB, its Ext-B file when a
plane-2 character appears) and is what the first receipt of the day costs; "warm" is the median
of later renders. The payer's name contains 𡘙 (U+21619, Ext-B) so the fallback face is
exercised. Also: the full counter path of one payment (record, number, render) on SQLite, and
decoding the QR/Code128 back from a 200-dpi render with zxing-cpp.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

WARM = 30


def _sample(amount: int = 1000) -> object:
    from eservice_desktop.printing.receipt import FeeLine, ReceiptData

    return ReceiptData(
        office_name="桃園市桃園戶政事務所",
        office_code="H01",
        receipt_number="H01-01-115-R000042",
        issued_on=date(2026, 2, 13),
        issued_time="10:05",
        case_number="H01-01-115-000042-7",
        payer_name="王𡘙堃",
        payer_id_shown="A12345****",
        service_name="請領英文戶籍謄本(預約)",
        items=(FeeLine("英文戶籍謄本", 3, "張", 100, 130), FeeLine("戶籍謄本", 2, "張", 15, 30)),
        fees_due=160,
        amount=amount,
        method="cash",
        clerk="clerk01",
        verification_code="K7QX-4M2P-9A",
        qr_payload="ESR1|H01-01-115-R000042|160|1150213|K7QX4M2P9A",
        method_details=("收現 1,000 元　找零 840 元",),
    )


def run() -> list[tuple[str, str]]:
    from eservice_desktop.printing.receipt import render_receipt

    rows: list[tuple[str, str]] = []
    data = _sample()
    for layout in ("a6", "roll80"):
        first = _first_in_fresh_process(layout)
        pdf = render_receipt(data, layout)  # type: ignore[arg-type]
        times = []
        for _ in range(WARM):
            t0 = time.perf_counter()
            pdf = render_receipt(data, layout)  # type: ignore[arg-type]
            times.append(time.perf_counter() - t0)
        rows.append(
            (
                f"receipt {layout}: first render in a new process (fonts found and parsed)",
                f"{first * 1000:.0f} ms",
            )
        )
        rows.append(
            (
                f"receipt {layout}: warm render (median of {WARM})",
                f"{statistics.median(times) * 1000:.1f} ms",
            )
        )
        rows.append((f"receipt {layout}: PDF size", f"{len(pdf) / 1024:.1f} kB"))
        rows += _decode(pdf, layout)
    rows += _payment_path()
    return rows


def _first_in_fresh_process(layout: str) -> float:
    code = (
        "import time\n"
        "from benchmarks.bench_receipts import _sample\n"
        "from eservice_desktop.printing.receipt import render_receipt\n"
        "d = _sample()\n"
        "t0 = time.perf_counter()\n"
        f"render_receipt(d, {layout!r})\n"
        "print(time.perf_counter() - t0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    return float(out.strip().splitlines()[-1])


def _decode(pdf: bytes, layout: str) -> list[tuple[str, str]]:
    if shutil.which("pdftoppm") is None:
        return []
    import PIL.Image
    import zxingcpp

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "r.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "200", "-png", "-singlefile", str(src), str(Path(tmp) / "r")],
            check=True,
        )
        with PIL.Image.open(Path(tmp) / "r.png") as image:
            image.load()
            t0 = time.perf_counter()
            found = zxingcpp.read_barcodes(image)
            dt = time.perf_counter() - t0
    kinds = "+".join(sorted(str(r.format) for r in found))
    return [(f"receipt {layout}: decode at 200 dpi ({kinds})", f"{dt * 1000:.0f} ms")]


def _payment_path() -> list[tuple[str, str]]:
    from eservice_desktop.config import Settings
    from eservice_desktop.services import payments
    from eservice_desktop.services.core import open_app
    from eservice_desktop.services.intake import IntakeRequest, intake

    fields = {
        "registered_address": "桃園市桃園區中正路1號",
        "transcript_kind": "現戶",
        "record_detail": "省略記事",
    }
    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(
            # demo mode: the demo operator is signed in, as intake and payments require
            Settings(data_dir=Path(tmp), demo=True),
            clock=lambda: datetime(2026, 3, 10, 2, tzinfo=UTC),
        )
        try:
            numbers = [
                intake(
                    app,
                    IntakeRequest(
                        service_code="HR-TRANSCRIPT",
                        applicant_id="A123456789",
                        applicant_name="王小明",
                        copies=2,
                        fields=dict(fields),
                    ),
                ).case_number
                for _ in range(20)
            ]
            pay, render = [], []
            for n in numbers:
                t0 = time.perf_counter()
                r = payments.record_payment(app, n, "cash", 30, tendered=100)
                t1 = time.perf_counter()
                payments.receipt_pdf(app, r.receipt_number, "roll80")
                payments.confirm_printed(app, r.receipt_number)
                t2 = time.perf_counter()
                pay.append(t1 - t0)
                render.append(t2 - t1)
        finally:
            app.close()
    return [
        (
            "payment recorded with receipt number (SQLite, synchronous=FULL, median)",
            f"{statistics.median(pay) * 1000:.1f} ms",
        ),
        (
            "receipt built from the database, rendered, issue recorded (median)",
            f"{statistics.median(render) * 1000:.1f} ms",
        ),
    ]
