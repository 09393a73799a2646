"""An attachment's file name is kept in the database, never on the disk.

A sealed attachment was stored as ``attachments/<sha256>/<the clerk's file name>.sealed``: its
content sealed, its name in clear, and a scan is named after the citizen (王小明身分證.png,
A123456789.pdf), so listing the folder (a stolen disk, a copy of the data directory) gave
away whose documents the office held. ``sync_attachments.name`` now keeps the name, and the
file is ``attachments/<sha256>/attachment.sealed`` (services/case_attachments.py). This
revision fills the name from each sealed file's path and, given the database key (every
upgrade the program runs, ``storage.db.upgrade``), seals each file again under its new name
(the name is the seal's associated data, storage/sealed.py) and removes the old one. A file
that is not there or does not open (a data directory restored without it, damaged) keeps its
row's path. Stopped after a file was sealed again and the database taken back from the copy
made before the upgrade, a row naming the old path finds the new file in the same folder
(``case_attachments.on_disk``). Down again, the name column goes: an older build shows such
a file as ``attachment``.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# Frozen copies (services/case_attachments.py may move on).
_SEALED = ".sealed"
_STORED = "attachment.sealed"


def _sealed_again(old: Path, key: bytes | None) -> Path:
    """The file sealed again as ``_STORED`` beside ``old`` (removed), or ``old`` when it
    cannot be (no key given, not there, does not open)."""
    if key is None:
        return old
    from eservice_desktop.storage.sealed import Sealer, SealError

    sealer, new = Sealer(key), old.with_name(_STORED)
    try:
        sealer.write(new, sealer.read(old))
    except (OSError, SealError):
        return old
    old.unlink(missing_ok=True)
    return new


def upgrade() -> None:
    bind = op.get_bind()
    have = {c["name"] for c in sa.inspect(bind).get_columns("sync_attachments")}
    if "name" not in have:
        with op.batch_alter_table("sync_attachments") as table:
            table.add_column(sa.Column("name", sa.Text(), nullable=False, server_default=""))
    key = context.config.attributes.get("key")
    update = sa.text("UPDATE sync_attachments SET name = :name, path = :path WHERE sha256 = :sha")
    rows = bind.execute(sa.text("SELECT sha256, path FROM sync_attachments")).all()
    for sha, path in rows:
        old = Path(path)
        if not old.name.endswith(_SEALED) or old.name == _STORED:
            continue
        new = _sealed_again(old, key)
        name = old.name[: -len(_SEALED)]
        bind.execute(update, {"name": name, "path": str(new), "sha": sha})


def downgrade() -> None:
    with op.batch_alter_table("sync_attachments") as table:
        table.drop_column("name")
