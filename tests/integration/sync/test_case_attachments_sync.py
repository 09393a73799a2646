"""A file attached at the counter (sealed at rest) reaches the county whole, on the case it was
attached to, through the resumable upload of a sync round; the CLI shows it uploaded after."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.cli.main import main
from eservice_desktop.county.store import AttachmentChunkRow, AttachmentRow, make_engine
from eservice_desktop.services import case_attachments, cases
from eservice_desktop.services.core import App


def test_attached_scan_reaches_the_county(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    app = office()
    enrol(app, sqlite_county)
    number = new_case(app)
    new_case(app)  # a later case: the file must stay on the first
    data = b"%PDF-1.7\n" + secrets.token_bytes(600_000)  # three chunks
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(data)
    att = case_attachments.attach_file(app, number, scan)
    assert not att.uploaded and att.kind == "PDF"
    scan.unlink()  # the sealed copy is what is sent
    r = sync_now(app)
    assert r.attachments == 1
    (shown,) = case_attachments.list_attachments(app, number)
    assert shown.uploaded and shown.uploaded_bytes == len(data)

    case_id = cases.show_case(app, number).case_id
    engine = make_engine(sqlite_county.db_url)
    try:
        with Session(engine) as s:
            row = s.get(AttachmentRow, ("H01", att.sha256))
            assert row is not None and row.complete
            assert row.case_id == case_id and row.media_type == "application/pdf"
            chunks = s.scalars(
                select(AttachmentChunkRow)
                .where(AttachmentChunkRow.sha256 == att.sha256)
                .order_by(AttachmentChunkRow.offset)
            )
            got = b"".join(c.data for c in chunks)
    finally:
        engine.dispose()
    assert got == data and sha256(got).hexdigest() == att.sha256
    assert sync_now(app).attachments == 0  # never sent twice


def _cli(app: App, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(app.settings.data_dir), *args])
    return code, capsys.readouterr().out


def test_cli_case_attach_and_show(
    office: Callable[..., App], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = office()
    number = new_case(app)
    app.close()
    jpeg = tmp_path / "photo.JPG"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    code, out = _cli(app, capsys, "case", "attach", number, str(jpeg), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["ok"] and doc["kind"] == "JPEG" and doc["size"] == 104 and not doc["uploaded"]

    bad = tmp_path / "x.pdf"
    bad.write_text("not a pdf")
    code, out = _cli(app, capsys, "case", "attach", number, str(bad), "--json")
    assert code == 2
    assert json.loads(out)["error"] == "attachment_type"

    code, out = _cli(app, capsys, "case", "show", number, "--json")
    assert code == 0
    (shown,) = json.loads(out)["attachments"]
    assert shown["name"] == "photo.JPG" and shown["media_type"] == "image/jpeg"
    assert shown["sha256"] == doc["sha256"] and shown["uploaded"] is False


def test_an_unreadable_attachment_neither_stops_the_round_nor_logs_its_name(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A sealed file damaged or gone (a data directory restored from a backup, which holds
    the database only) failed every round before its pull, and each round logged the error with
    the file's name, the citizen's: 王小明身分證.png.sealed: not a sealed file."""
    app = office()
    enrol(app, sqlite_county)
    number = new_case(app)
    stored = []
    for i, name in enumerate(("王小明身分證.png", "陳美麗戶口名簿.png", "林志強印鑑.png")):
        scan = tmp_path / name
        scan.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes([i]) * 300)
        att = case_attachments.attach_file(app, number, scan)
        stored.append(next((app.settings.data_dir / "attachments" / att.sha256).iterdir()))
    stored[0].write_bytes(b"damaged")
    stored[1].unlink()
    caplog.set_level(logging.INFO, logger="eservice")
    r = sync_now(app)
    assert r.attachments == 1  # the readable one went; the round went on to its pull
    shown = {a.name: a.uploaded for a in case_attachments.list_attachments(app, number)}
    assert shown == {"王小明身分證.png": False, "陳美麗戶口名簿.png": False, "林志強印鑑.png": True}
    said = caplog.text
    assert said.count("cannot be read here") == 2, said
    assert "王小明" not in said and "陳美麗" not in said and str(tmp_path) not in said
    for path in stored[:2]:  # nor what a caller that logs the error would write
        with pytest.raises((OSError, ValueError)) as e:
            case_attachments.read_content(app, str(path))
        assert "王小明" not in str(e.value) and "陳美麗" not in str(e.value)
