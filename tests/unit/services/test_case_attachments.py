"""services.case_attachments: kind by content, limits, refusals in both languages, one upload per
content (again on the same case: nothing new; on another case: refused)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import new_case
from sqlalchemy import select

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import calendar
from eservice_desktop.services import case_attachments as ca
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_sync import SyncAttachmentRow

JPEG = b"\xff\xd8\xff\xdb" + bytes(200)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe1", "image/jpeg"),
        (b"%PDF-2.0", "application/pdf"),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),
        (b"\x89PNG", None),  # cut short
    ],
)
def test_kind_comes_from_the_first_bytes(head: bytes, kind: str | None) -> None:
    assert ca.sniff(head + bytes(16)) == kind


def test_limit_from_settings_and_english_messages(app: App, tmp_path: Path) -> None:
    number = new_case(app)
    app.settings.attachment_max_mb = 1
    exact = tmp_path / "exact.pdf"
    exact.write_bytes(b"%PDF-" + bytes(1024 * 1024 - 5))  # exactly the limit: accepted
    assert ca.attach_file(app, number, exact).size == 1024 * 1024
    over = tmp_path / "over.pdf"
    over.write_bytes(b"%PDF-" + bytes(1024 * 1024 - 4))
    with pytest.raises(DomainError) as e:
        ca.attach_file(app, number, over)
    assert e.value.code == "attachment_too_large"
    assert e.value.message_en == "The file is too large (1.0 MB); the limit is 1 MB"
    folder = tmp_path / "folder.png"
    folder.mkdir()
    with pytest.raises(DomainError) as e:
        ca.attach_file(app, number, folder)
    assert e.value.code == "attachment_unreadable"
    assert e.value.message_en == "The file “folder.png” cannot be read: Is a directory"
    assert e.value.message_zh == "無法讀取檔案「folder.png」：這是資料夾，不是檔案"
    with pytest.raises(DomainError) as e:  # a mistyped path said the same "cannot be read"
        ca.attach_file(app, number, tmp_path / "scan.png")
    assert e.value.message_en.endswith(": No such file or directory")
    assert [a.name for a in ca.list_attachments(app, number)] == ["exact.pdf"]


def test_a_calendar_that_cannot_be_read_says_why(app: App, tmp_path: Path) -> None:
    """``calendar import`` of a folder or a mistyped name said only "Cannot read NAME"."""
    for path, zh, en in (
        (tmp_path, "這是資料夾，不是檔案", "Is a directory"),
        (tmp_path / "115.csv", "找不到這個檔案或資料夾", "No such file or directory"),
    ):
        with pytest.raises(DomainError) as e:
            calendar.import_calendar(app, path)
        assert e.value.code == "calendar.read"
        assert e.value.message_zh.endswith(f"：{zh}") and e.value.message_en.endswith(f": {en}")


def test_same_content_is_one_upload(app: App, tmp_path: Path) -> None:
    a, b = new_case(app), new_case(app)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(JPEG)
    first = ca.attach_file(app, a, photo)
    assert ca.attach_file(app, a, photo) == first  # again on the same case: nothing new
    with pytest.raises(DomainError) as e:
        ca.attach_file(app, b, photo)
    assert e.value.code == "attachment_other_case"
    assert a in e.value.message_zh and a in e.value.message_en
    assert ca.list_attachments(app, b) == []
    with pytest.raises(DomainError) as e:
        ca.attach_file(app, "H01-01-115-999999-0", photo)
    assert len(ca.list_attachments(app, a)) == 1


def test_a_long_chinese_name_is_stored(app: App, tmp_path: Path) -> None:
    """A scan named with 80 Chinese characters (240 bytes, a legal name on the counter's disk)
    was refused as a failure of the machine: the sealed file's name and its temporary twin
    went past the file system's 255 bytes. The name kept is cut to fit, its end (the
    extension) kept."""
    number = new_case(app)
    long = "戶籍謄本申請書掃描檔" * 8
    path = tmp_path / f"{long}.jpg"
    path.write_bytes(JPEG)
    view = ca.attach_file(app, number, path)
    assert view.name.endswith("掃描檔.jpg") and long.endswith(view.name[:-4])
    assert len(f"{view.name}{ca.SEALED_SUFFIX}".encode()) <= 160
    assert [a.name for a in ca.list_attachments(app, number)] == [view.name]
    assert ca.read_content(app, next(iter(_stored(app)))) == JPEG


def _stored(app: App) -> list[str]:
    with app.reading() as s:
        return [r.path for r in s.scalars(select(SyncAttachmentRow))]


def test_the_file_name_is_kept_in_the_database_never_on_the_disk(app: App, tmp_path: Path) -> None:
    """A scan is named after the citizen: the sealed file was 王小明身分證A123456789.jpg.sealed,
    readable by anyone listing the data directory. It is ``<sha256>/attachment.sealed``; the
    clerk still sees the name, and the file opens."""
    number = new_case(app)
    scan = tmp_path / "王小明身分證A123456789.jpg"
    scan.write_bytes(JPEG)
    assert ca.attach_file(app, number, scan).name == "王小明身分證A123456789.jpg"
    on_disk = [p.name for p in (app.settings.data_dir / "attachments").rglob("*")]
    assert on_disk and not [n for n in on_disk if "王" in n or "A123456789" in n], on_disk
    assert [Path(p).name for p in _stored(app)] == [ca.STORED_NAME]
    assert [a.name for a in ca.list_attachments(app, number)] == ["王小明身分證A123456789.jpg"]
    assert ca.read_content(app, _stored(app)[0]) == JPEG


@pytest.mark.parametrize("same_case", [True, False])
def test_the_same_content_attached_twice_at_once_keeps_the_file(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, same_case: bool
) -> None:
    """Two files of one content dropped together (a scan and its copy) are attached on two
    threads at once: both found no attachment of that content, both sealed it into the one
    ``<sha256>/attachment.sealed``, and the one whose row came second removed that file on
    its failure, the first attachment's own: listed, never uploaded. The second is what the
    same content attached again is (nothing new; on another case: refused), the file kept."""
    a = new_case(app)
    b = a if same_case else new_case(app)
    scan, copy = tmp_path / "scan.jpg", tmp_path / "scan (1).jpg"
    scan.write_bytes(JPEG)
    copy.write_bytes(JPEG)
    seal = ca.seal_file
    first: list[ca.AttachmentView] = []
    started: list[bool] = []

    def the_other_one_meanwhile(*args: object) -> Path:
        if not started:  # the other drop's attach, between this one's check and its seal
            started.append(True)
            first.append(ca.attach_file(app, a, scan))
        return seal(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ca, "seal_file", the_other_one_meanwhile)
    if same_case:
        assert ca.attach_file(app, b, copy) == first[0]
    else:
        with pytest.raises(DomainError) as e:
            ca.attach_file(app, b, copy)
        assert e.value.code == "attachment_other_case" and a in e.value.message_en
    assert [x.name for x in ca.list_attachments(app, a)] == ["scan.jpg"]
    assert ca.read_content(app, _stored(app)[0]) == JPEG
