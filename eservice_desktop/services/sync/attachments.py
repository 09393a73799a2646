"""Files sent to the county: registered once per content, uploaded in resumable chunks."""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path

from sqlalchemy import select

from eservice_desktop.county_link.client import CountyClient
from eservice_desktop.county_link.protocol import CHUNK_SIZE, AttachmentStart
from eservice_desktop.services.case_attachments import is_sealed, read_content
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_sync import SyncAttachmentRow


def add_attachment(
    app: App, path: Path, case_id: str | None = None, media_type: str = "application/octet-stream"
) -> str:
    """Registers a file for upload; returns its SHA-256 (the same content is stored once)."""
    digest = sha256()
    size = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    sha = digest.hexdigest()
    with app.transaction() as s:
        if s.get(SyncAttachmentRow, sha) is None:
            s.add(
                SyncAttachmentRow(
                    sha256=sha,
                    path=str(path),
                    size=size,
                    uploaded=0,
                    complete=False,
                    case_id=case_id,
                    media_type=media_type,
                    created_at=app.now(),
                )
            )
    return sha


def upload_attachments(app: App, client: CountyClient, chunk_size: int = CHUNK_SIZE) -> int:
    """Uploads what the county lacks, resuming at the offset the county reports."""
    with app.reading() as s:
        todo = list(
            s.scalars(select(SyncAttachmentRow).where(SyncAttachmentRow.complete.is_(False)))
        )
    done = 0
    for att in todo:
        state = client.attachment_start(
            att.sha256,
            AttachmentStart(size=att.size, case_id=att.case_id, media_type=att.media_type),
        )
        offset = state.received
        if not state.complete:
            # A sealed attachment (services.case_attachments, bounded by the size limit) is
            # opened in memory; any other registered file is read from disk chunk by chunk.
            content = read_content(app, att.path) if is_sealed(att.path) else None
            with open(att.path, "rb") as f:
                while offset < att.size:
                    if content is not None:
                        data = content[offset : offset + chunk_size]
                    else:
                        f.seek(offset)
                        data = f.read(chunk_size)
                    if not data:
                        break
                    state = client.attachment_chunk(att.sha256, offset, data)
                    offset = state.received
                    with app.transaction() as s:
                        row = s.get(SyncAttachmentRow, att.sha256)
                        if row is not None:
                            row.uploaded = offset
        if state.complete:
            with app.transaction() as s:
                row = s.get(SyncAttachmentRow, att.sha256)
                if row is not None:
                    row.uploaded, row.complete = att.size, True
            done += 1
    return done
