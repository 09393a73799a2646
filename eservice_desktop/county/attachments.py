"""Attachment uploads of an office, chunk by chunk, verified by their SHA-256 when complete."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import AttachmentChunkRow, AttachmentRow, DeviceRow
from eservice_desktop.county_link.protocol import AttachmentState


def _att_state(row: AttachmentRow) -> AttachmentState:
    return AttachmentState(
        sha256=row.sha256,
        size=row.size,
        received=row.received,
        complete=row.complete,
        case_id=row.case_id,
    )


def attachment_start(
    s: Session,
    dev: DeviceRow,
    sha256: str,
    *,
    size: int,
    case_id: str | None,
    media_type: str,
    now: datetime,
) -> AttachmentState:
    row = s.get(AttachmentRow, (dev.office, sha256), with_for_update=True)
    if row is None:
        row = AttachmentRow(
            sha256=sha256,
            size=size,
            received=0,
            complete=False,
            office=dev.office,
            case_id=case_id,
            media_type=media_type,
            created_at=now,
        )
        s.add(row)
    elif row.size != size and not row.complete:
        raise ValueError("size differs from the upload already started")
    return _att_state(row)


def attachment_get(s: Session, dev: DeviceRow, sha256: str) -> AttachmentState | None:
    row = s.get(AttachmentRow, (dev.office, sha256))
    return None if row is None else _att_state(row)


def attachment_chunk(
    s: Session, dev: DeviceRow, sha256: str, offset: int, data: bytes
) -> AttachmentState | None:
    """Accepts the chunk that continues the upload; a repeated chunk is ignored. The content
    hash is verified when the last byte arrives; a mismatch restarts the upload."""
    row = s.get(AttachmentRow, (dev.office, sha256), with_for_update=True)
    if row is None:
        return None
    if row.complete or offset + len(data) <= row.received:
        return _att_state(row)
    if offset != row.received or offset + len(data) > row.size:
        raise ValueError(f"expected offset {row.received}")
    s.add(AttachmentChunkRow(office=dev.office, sha256=sha256, offset=offset, data=data))
    row.received += len(data)
    if row.received == row.size:
        digest = hashlib.sha256()
        for chunk in s.scalars(
            select(AttachmentChunkRow.data)
            .where(AttachmentChunkRow.office == dev.office, AttachmentChunkRow.sha256 == sha256)
            .order_by(AttachmentChunkRow.offset)
        ):
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            s.query(AttachmentChunkRow).filter(
                AttachmentChunkRow.office == dev.office, AttachmentChunkRow.sha256 == sha256
            ).delete()
            row.received = 0
            raise ValueError("content does not match its SHA-256")
        row.complete = True
    return _att_state(row)
