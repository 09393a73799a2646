"""Files attached to a case at the counter (scans, photos, PDFs).

The file is checked (kind by its first bytes, never by its name; not empty; within the
``attachment_max_mb`` setting), sealed with the office key into
``DATA_DIR/attachments/<sha256>/attachment.sealed`` and registered with the resumable upload
engine (``services.sync.attachments``), which unseals it when it sends it to the county. Nothing
is stored when the file is refused. The same content is one upload: attaching it again to the
same case changes nothing, attaching it to another case is refused.

The clerk's file name is kept in the encrypted database (``sync_attachments.name``), never on
the disk: named ``<file name>.sealed``, the sealed file gave away what it sealed to anyone who
listed the folder (a stolen disk, a copy of the data directory), since a scan is named after the
citizen (王小明身分證.png, A123456789.pdf). Revision 0023 renamed the files an older build made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.text_values import NOT_REGULAR, os_reason
from eservice_desktop.services.cases import resolve_case_id
from eservice_desktop.services.core import App
from eservice_desktop.services.input_files import read_regular
from eservice_desktop.services.operators import require
from eservice_desktop.storage.models import CaseRow
from eservice_desktop.storage.models_sync import SyncAttachmentRow

#: Media types accepted, with the leading bytes that identify them.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)
#: A county's signed document-free look-up result (services/lookups.py).
LOOKUP_MEDIA_TYPE = "application/vnd.eservice.lookup+json"
#: Short kind shown to the clerk, by media type.
KINDS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/pdf": "PDF",
    LOOKUP_MEDIA_TYPE: "LOOKUP",
}
SEALED_SUFFIX = ".sealed"
#: The sealed file's own name, in its content's folder: nothing of what it seals.
STORED_NAME = "attachment" + SEALED_SUFFIX
_NAME_MAX = 120
#: The name's UTF-8 bytes at most: the sealed file (``.sealed``) and its temporary twin
#: (``.NAME.sealed-XXXXXXXX``) stay within a file system's 255 bytes. Eighty Chinese
#: characters are 240: such a scan was refused as a failure of the machine.
_NAME_MAX_BYTES = 150


@dataclass(frozen=True)
class AttachmentView:
    sha256: str
    name: str
    kind: str
    media_type: str
    size: int
    attached_at: datetime
    uploaded: bool
    uploaded_bytes: int

    def to_json(self) -> dict[str, object]:
        return {
            "sha256": self.sha256,
            "name": self.name,
            "kind": self.kind,
            "media_type": self.media_type,
            "size": self.size,
            "attached_at": self.attached_at.isoformat(),
            "uploaded": self.uploaded,
            "uploaded_bytes": self.uploaded_bytes,
        }


def sniff(data: bytes) -> str | None:
    """The media type the leading bytes show, or None when it is not an accepted kind."""
    for magic, media_type in MAGIC:
        if data.startswith(magic):
            return media_type
    return None


def _safe_name(name: str) -> str:
    cleaned = "".join(c for c in name if c.isprintable() and c not in '/\\:*?"<>|').strip(" .")
    kept = cleaned[-_NAME_MAX:]
    while len(kept.encode()) > _NAME_MAX_BYTES:  # the end kept: the extension
        kept = kept[1:]
    return kept.lstrip(" .") or "attachment"


def _refuse(code: str, zh: str, en: str, **extra: int | str) -> DomainError:
    return DomainError(code, zh, en, field="file", extra=dict(extra))


def read_checked(path: Path, max_mb: int) -> tuple[bytes, str]:
    """The file's bytes and media type, or a DomainError in both languages."""
    limit = max_mb * 1024 * 1024
    try:
        size = path.stat().st_size
        if size > limit:
            raise _refuse(
                "attachment_too_large",
                f"檔案過大（{size / 1048576:.1f} MB），上限 {max_mb} MB",
                f"The file is too large ({size / 1048576:.1f} MB); the limit is {max_mb} MB",
                size=size,
                limit=limit,
            )
        data = read_regular(path, limit + 1)  # a folder, a pipe, a device: refused unread
    except OSError as e:
        # why, in the user's language: a folder, a mistyped path and a locked file all read
        # "cannot be read", and the clerk could not tell which to fix
        zh, en = os_reason(e) if e.errno else NOT_REGULAR
        raise _refuse(
            "attachment_unreadable",
            f"無法讀取檔案「{path.name}」：{zh}",
            f"The file “{path.name}” cannot be read: {en}",
        ) from None
    if len(data) > limit:
        raise _refuse(
            "attachment_too_large",
            f"檔案過大，上限 {max_mb} MB",
            f"The file is too large; the limit is {max_mb} MB",
            limit=limit,
        )
    if not data:
        raise _refuse(
            "attachment_empty", f"檔案「{path.name}」是空的", f"The file “{path.name}” is empty"
        )
    media_type = sniff(data)
    if media_type is None:
        raise _refuse(
            "attachment_type",
            "只能附加 PNG、JPEG 圖檔或 PDF 檔（依檔案內容判斷）",
            "Only PNG or JPEG images and PDF files can be attached (judged by the content)",
        )
    return data, media_type


def attach_file(app: App, case_number: str, path: Path) -> AttachmentView:
    """Checks, seals and queues ``path`` for upload as an attachment of the case."""
    require(app, Action.PROCESS)
    data, media_type = read_checked(path, app.settings.attachment_max_mb)
    with app.reading() as s:
        case_id = resolve_case_id(s, case_number)
    sha = sha256(data).hexdigest()
    name = _safe_name(path.name)
    with app.reading() as s:
        existing = s.get(SyncAttachmentRow, sha)
    if existing is not None:
        return _attached_already(app, existing, case_id)
    stored = seal_file(app, sha, data)
    try:
        with app.transaction() as s:
            row = register(
                app,
                s,
                case_id,
                sha=sha,
                stored=stored,
                data=data,
                media_type=media_type,
                name=name,
            )
    except IntegrityError:
        # the same content registered meanwhile (a scan and its copy dropped together): the
        # one sealed file is that attachment's now, never removed here
        with app.reading() as s:
            existing = s.get(SyncAttachmentRow, sha)
        if existing is None:
            stored.unlink(missing_ok=True)
            raise
        return _attached_already(app, existing, case_id)
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    return _view(row)


def _attached_already(app: App, existing: SyncAttachmentRow, case_id: str) -> AttachmentView:
    """The same content attached again: to the same case nothing new, to another refused."""
    if existing.case_id == case_id:
        return _view(existing)
    with app.reading() as s:
        other = (
            s.scalar(select(CaseRow.case_number).where(CaseRow.case_id == existing.case_id))
            if existing.case_id
            else None
        )
    raise _refuse(
        "attachment_other_case",
        f"相同內容的檔案已附於案件 {other or '（同步檔案）'}",
        f"A file with the same content is already attached to case {other or '(sync file)'}",
    )


def seal_file(app: App, sha: str, data: bytes) -> Path:
    """Seals ``data`` with the office key into the attachment store, under a name that says
    nothing of it (:data:`STORED_NAME`); the path written (the caller registers it with the
    file's name, or removes the file when its transaction fails)."""
    if app.sealer is None:
        raise _refuse(
            "attachment_no_key",
            "本機沒有加密金鑰，無法保存附件",
            "This counter has no encryption key; the attachment cannot be stored",
        )
    stored = app.settings.data_dir / "attachments" / sha / STORED_NAME
    app.sealer.write(stored, data)
    return stored


def register(
    app: App,
    session: Session,
    case_id: str,
    *,
    sha: str,
    stored: Path,
    data: bytes,
    media_type: str,
    name: str,
) -> SyncAttachmentRow:
    """Queues a sealed file for the resumable upload, in the caller's transaction; ``name``
    (the clerk's file name) is kept in the database only."""
    row = SyncAttachmentRow(
        sha256=sha,
        path=str(stored),
        name=_safe_name(name),
        size=len(data),
        uploaded=0,
        complete=False,
        case_id=case_id,
        media_type=media_type,
        created_at=app.now(),
    )
    session.add(row)
    return row


def is_sealed(path: str) -> bool:
    return Path(path).name.endswith(SEALED_SUFFIX)


def on_disk(path: str) -> Path:
    """Where a registered file is: its path, or, a sealed one gone from it, its content's
    folder's :data:`STORED_NAME` (revision 0023 renamed an older build's files there: an
    upgrade stopped after that and the database taken back from its backup still names them
    as they were)."""
    p = Path(path)
    if p.name.endswith(SEALED_SUFFIX) and not p.exists() and (p.parent / STORED_NAME).exists():
        return p.parent / STORED_NAME
    return p


def read_content(app: App, path: str) -> bytes:
    """The plain bytes of a registered file (sealed attachments are opened with the office key)."""
    p = on_disk(path)
    if p.name.endswith(SEALED_SUFFIX):
        if app.sealer is None:
            raise OSError("no key to open the sealed attachment")  # never its name
        return app.sealer.read(p)
    return p.read_bytes()


def _name_of(row: SyncAttachmentRow) -> str:
    if row.name:
        return row.name
    name = Path(row.path).name  # a file registered by services.sync.attachments.add_attachment
    return name[: -len(SEALED_SUFFIX)] if name.endswith(SEALED_SUFFIX) else name


def _view(row: SyncAttachmentRow) -> AttachmentView:
    at = row.created_at  # stored UTC; SQLite gives it back without its zone
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return AttachmentView(
        sha256=row.sha256,
        name=_name_of(row),
        kind=KINDS.get(row.media_type, row.media_type),
        media_type=row.media_type,
        size=row.size,
        attached_at=at,
        uploaded=bool(row.complete),
        uploaded_bytes=row.uploaded,
    )


def list_attachments(app: App, case_number: str) -> list[AttachmentView]:
    """The case's attachments, oldest first."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = resolve_case_id(s, case_number)
        rows = s.scalars(
            select(SyncAttachmentRow)
            .where(SyncAttachmentRow.case_id == case_id)
            .order_by(SyncAttachmentRow.created_at, SyncAttachmentRow.sha256)
        )
        return [_view(r) for r in rows]
