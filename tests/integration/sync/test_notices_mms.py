"""The county's ready notice against a real county server on loopback: the MMS written by the
``file:`` gateway carries the pickup picture, whose QR code the pickup office's ``pickup verify``
accepts, and the short code in its text; the catalogue's ``mms_pickup`` flag decides between MMS
and SMS."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zxingcpp
from channel_helpers import outbox_lines, publish_transcript_as_mms
from PIL import Image
from sync_helpers import ROOT, CountyServer, enrol, new_case, sync_now

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.services import cases, payments, pickup
from eservice_desktop.services.core import App


def _ready_at_h02(office: Callable[..., App], county: CountyServer) -> tuple[App, App, str]:
    h01 = office("H01", "01", county.url)
    h02 = office("H02", "01", county.url)
    enrol(h01, county)
    enrol(h02, county)
    number = new_case(h01, pickup_office="H02")
    balance = cases.show_case(h01, number).balance
    if balance:  # nothing leaves the office unpaid
        payments.record_payment(h01, number, "cash", balance)
    cases.close_case(h01, number)
    sync_now(h01)  # the county makes the case ready at H02 and queues the notice
    return h01, h02, number


def _cli_verify(app: App, payload: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["ESERVICE_OFFICE_CODE"] = app.settings.office_code
    env["ESERVICE_DEMO"] = "1"  # the demo operator is signed in
    env["ESERVICE_DEVICE_ID"] = app.settings.device_id
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "eservice_desktop",
            "--data-dir",
            str(app.settings.data_dir),
            "pickup",
            "verify",
            payload,
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert p.stdout, p.stderr
    result: dict[str, Any] = json.loads(p.stdout)
    result["exit_code"] = p.returncode
    return result


def test_ready_mms_picture_decodes_to_a_code_the_pickup_office_verifies(
    office: Callable[..., App], sqlite_county: CountyServer, tmp_path: Path, clock: Any
) -> None:
    # the offices' clock is the county's (and the PC's the command below reads), so the
    # offset a sync learns is none: a command follows the county clock plus that offset
    clock.set(datetime.now(UTC))
    publish_transcript_as_mms(sqlite_county, tmp_path)
    _h01, h02, number = _ready_at_h02(office, sqlite_county)
    lines = outbox_lines(sqlite_county, 2)  # received, then ready
    assert [x["channel"] for x in lines] == ["sms", "mms"]
    mms = lines[1]
    assert "attachment" not in lines[0]
    picture = sqlite_county.workdir / mms["attachment"]
    assert picture.parent == sqlite_county.workdir and picture.suffix == ".png"
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(picture))]
    assert len(decoded) == 1
    token = decoded[0]
    # the short code in the text is the one derived from the very token in the picture
    found = re.search(r"口述領件碼 (\d{4}-[0-9A-Z]{4})", mms["body"])
    assert found, mms["body"]
    assert found.group(1) == pt.short_code(token)
    assert number in mms["body"] and "桃園市中壢戶政事務所" in mms["body"]
    assert "H02" not in mms["body"]
    sync_now(h02)  # keys and the ready case reach the pickup office
    result = pickup.verify(h02, token)
    assert result.ok, result.message_en
    assert result.case_number == number
    assert pickup.verify(h02, found.group(1)).ok  # the short code, read out at the desk
    h02.close()
    cli = _cli_verify(h02, token)
    assert cli["exit_code"] == 0 and cli["ok"] is True, cli
    assert cli["case_number"] == number


def test_without_the_catalogue_flag_the_ready_notice_is_an_sms_without_a_code(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    # the shipped seed: HR-TRANSCRIPT is not an MMS pickup service
    _h01, _h02, number = _ready_at_h02(office, sqlite_county)
    lines = outbox_lines(sqlite_county, 2)
    assert [x["channel"] for x in lines] == ["sms", "sms"]
    ready = lines[1]
    assert "attachment" not in ready
    assert number in ready["body"] and "桃園市中壢戶政事務所" in ready["body"]
    assert "攜帶身分證件" in ready["body"] and "條碼" not in ready["body"]
    assert "口述領件碼" not in ready["body"]
    assert not list(sqlite_county.workdir.glob("outbox-*.png"))
