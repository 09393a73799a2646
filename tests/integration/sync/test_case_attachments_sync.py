"""A file attached at the counter (sealed at rest) reaches the county whole, on the case it was
attached to, through the resumable upload of a sync round; the CLI shows it uploaded after."""

from __future__ import annotations

import json
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
