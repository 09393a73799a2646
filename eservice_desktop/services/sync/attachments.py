"""Files sent to the county: registered once per content, uploaded in resumable chunks."""

from __future__ import annotations

import logging
from hashlib import sha256
from pathlib import Path

from sqlalchemy import select

from eservice_desktop.county_link.client import CountyClient, ServerError
from eservice_desktop.county_link.protocol import CHUNK_SIZE, AttachmentStart, AttachmentState
from eservice_desktop.services.case_attachments import is_sealed, on_disk, read_content
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_sync import SyncAttachmentRow
from eservice_desktop.storage.sealed import SealError

log = logging.getLogger("eservice.sync")


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
    """Uploads what the county lacks, resuming at the offset the county reports. A file that
    cannot be read here is left for a later round (:func:`_unreadable`), the others go on."""
    with app.reading() as s:
        todo = list(
            s.scalars(select(SyncAttachmentRow).where(SyncAttachmentRow.complete.is_(False)))
        )
    done = 0
    for att in todo:
        try:
            # A sealed attachment (services.case_attachments, bounded by the size limit) is
            # opened in memory; any other registered file is read from disk chunk by chunk.
            content = read_content(app, att.path) if is_sealed(att.path) else None
            f = on_disk(att.path).open("rb")  # closed below, after the upload
        except (OSError, SealError) as e:
            _unreadable(att, e)
            continue
        with f:
            state = client.attachment_start(
                att.sha256,
                AttachmentStart(size=att.size, case_id=att.case_id, media_type=att.media_type),
            )
            offset = _offset(state, att.size)
            if not state.complete:
                while offset < att.size:
                    if content is not None:
                        data = content[offset : offset + chunk_size]
                    else:
                        f.seek(offset)
                        data = f.read(chunk_size)
                    if not data:
                        break
                    state = client.attachment_chunk(att.sha256, offset, data)
                    offset = _offset(state, att.size, after=offset)
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


def _unreadable(att: SyncAttachmentRow, error: Exception) -> None:
    """One line naming the file by its content's hash and the error by its type. A sealed file
    gone (a data directory restored from a backup, which holds the database only), damaged or
    sealed under another key stopped every sync round before its pull, the clerks' work no
    longer reached the county nor the county's this counter, and each round wrote the error
    to the log with the file's path: the clerk's file name, often the citizen's name."""
    log.warning(
        "attachment %s cannot be read here (%s): not sent", att.sha256[:12], type(error).__name__
    )


def _offset(state: AttachmentState, size: int, after: int = -1) -> int:
    """Where the county says the upload goes on, refused (ServerError) outside the file or,
    after a chunk, not past the offset that chunk was sent at: a county answering the same
    offset every time had the office send that chunk again until the round's time was up,
    every round; one answering a negative offset sent the file's end as its start."""
    if not (0 <= state.received <= size and state.received > after):
        raise ServerError("county attachment offset out of order")
    return state.received
