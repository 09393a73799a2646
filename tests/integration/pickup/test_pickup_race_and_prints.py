"""Real components for the pickup desk: two desk processes racing on one SQLite database, the
MMS picture read back by zxing-cpp, the pickup slip read back by poppler, a serial scanner on a
pseudo-terminal."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eservice_desktop.config import Settings
from eservice_desktop.devices.scanner import SerialScanner, decode_image
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.printing.mms import qr_version, render_mms_png
from eservice_desktop.printing.pickup_slip import render_pickup_slip
from eservice_desktop.services import access, pickup, pickup_keys
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case

RACER = r"""
import json, sys, time
from pathlib import Path
from eservice_desktop.config import Settings
from eservice_desktop.services.core import open_app
from eservice_desktop.services import pickup
from eservice_desktop.domain.operators import Operator, Role
data_dir, desk, token, go = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
app = open_app(Settings(data_dir=Path(data_dir), office_code="H01", device_id="01"))
app.operator = Operator("desk" + desk, "desk", frozenset({Role.PICKUP}))
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
r = pickup.handover(app, token)
print(json.dumps({"desk": desk, "handed_over": r.handed_over, "reason": r.reason}))
"""


def test_two_desk_processes_racing_on_one_code_hand_over_once(app: App, tmp_path: Path) -> None:
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    tokens = []
    for n in range(3):
        # The racing processes use the real clock: a code valid well around today.
        tokens.append(
            ready_case(
                app, county, pickup_number=f"{n:04d}", expires_at=datetime(2100, 1, 1, tzinfo=UTC)
            )[1]
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
    for n, token in enumerate(tokens):
        # Both desks hand over at one signal, once each has opened the database (a fixed start
        # time passed while a loaded machine was still starting them, one after the other).
        go = tmp_path / f"go{n}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, str(app.settings.data_dir), dev, token, str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for dev in ("02", "03")
        ]
        assert [p.stdout.readline().strip() for p in procs if p.stdout] == ["ready", "ready"]
        go.touch()
        outs = [p.communicate(timeout=60) for p in procs]
        import json

        results = [json.loads(o[0].strip().splitlines()[-1]) for o in outs]
        assert sorted(r["handed_over"] for r in results) == [False, True], outs
        assert [r["reason"] for r in results if not r["handed_over"]] == ["already_picked_up"]
    assert pickup.ready_cases(app) == []


def test_mms_png_decodes_back_to_the_same_payload(app: App, tmp_path: Path) -> None:
    county = County()
    token = county.token()
    assert qr_version(token) == 7
    png = render_mms_png(
        office_name="桃園市桃園戶政事務所",
        pickup_number="0427",
        payload=token,
        expires_at=datetime(2026, 4, 8, 2, 0, tzinfo=UTC),
        short_code=pt.short_code(token),
    )
    assert png.startswith(b"\x89PNG") and len(png) < 100_000
    assert decode_image(png) == [token]
    # Half brightness, as a phone shows it: grey on lighter grey still reads.
    import io

    from PIL import Image, ImageEnhance

    dim = ImageEnhance.Brightness(Image.open(io.BytesIO(png)).convert("L")).enhance(0.5)
    dim = ImageEnhance.Contrast(dim).enhance(0.6)
    assert decode_image(dim) == [token]


def test_the_mms_picture_is_the_asked_case_s_and_names_it(app: App) -> None:
    """``pickup render-mms A --payload CODE`` with another case's code drew that case's code on
    the picture asked for case A, and nothing on a picture said which case it was for (a
    citizen with two cases ready had two pictures differing by the pickup number only)."""
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    first, first_token = ready_case(app, county)
    second, second_token = ready_case(app, county, pickup_number="0428")
    with pytest.raises(DomainError) as refused:
        pickup.mms_png(app, first, second_token)
    assert refused.value.code == "pickup.other_case" and second in refused.value.message_zh
    assert decode_image(pickup.mms_png(app, first, first_token)) == [first_token]
    assert decode_image(pickup.mms_png(app, second)) == [second_token]
    drawn = {
        number: render_mms_png(
            office_name="桃園市桃園戶政事務所",
            pickup_number="0427",
            payload=first_token,
            expires_at=datetime(2026, 4, 8, 2, 0, tzinfo=UTC),
            case_number=number,
        )
        for number in (first, second)
    }
    assert drawn[first] != drawn[second]  # the case number is on the picture


def test_drawing_a_case_s_mms_is_in_the_access_log(app: App) -> None:
    """The MMS picture releases the documents at a desk without an ID card: a clerk who drew
    a citizen's live code (``pickup render-mms``) left no record of it, and the auditor asked
    how someone else came to collect them found only the handover."""
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    number, token = ready_case(app, county)
    assert decode_image(pickup.mms_png(app, number)) == [token]
    records = access.report(app, case_number=number, action=access.PRINT)
    assert [(r.operator, r.device, r.detail) for r in records] == [
        (app.actor.clerk, app.actor.device, "pickup MMS 0427")
    ]
    assert token not in records[0].detail and pt.short_code(token) not in records[0].detail


def test_render_mms_cli_and_pickup_slip_pdf(app: App, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils (pdftotext) is required")
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    number, token = ready_case(app, county)
    assert pickup.handover(app, token, {"name": "陳大文", "id": "F131104093"}).handed_over
    pdf = render_pickup_slip(**pickup.slip_fields(pickup.pickup_record(app, number)))
    out = tmp_path / "slip.pdf"
    out.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "領 件 單" in text and number in text and "F13110****" in text
    assert "F131104093" not in text and "A123456789" not in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "yes" in fonts  # embedded


def test_serial_scanner_reads_lines_from_a_pty() -> None:
    master, slave = os.openpty()
    seen: list[str] = []
    got = threading.Event()

    def on_scan(text: str) -> None:
        seen.append(text)
        if len(seen) == 2:
            got.set()

    scanner = SerialScanner(os.ttyname(slave), on_scan, baud=9600)
    scanner.start()
    try:
        # Opening the port discards what came before: scan once it listens (a loaded machine
        # may take longer than any fixed pause to start the thread and import pyserial).
        assert scanner.listening.wait(10)
        os.write(master, b"ABCDEF234567\r\n")
        os.write(master, b"0427-K7M3\r")
        assert got.wait(5), seen
        assert seen == ["ABCDEF234567", "0427-K7M3"]
    finally:
        scanner.stop()
        os.close(master)
        os.close(slave)


def test_settings_default_for_pickup_are_sane(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    assert s.scanner_suffix == "\r" and s.scanner_max_interkey_ms <= 50
