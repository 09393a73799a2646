"""Case detail attachments: file dialog and drag-and-drop attach to the case on screen; files are
checked by content, sealed at rest, and refused with a clear message without storing anything."""

from __future__ import annotations

from pathlib import Path

from factories import new_case
from gui_keys import open_case_detail
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from sqlalchemy import func, select

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.sync_status import SyncStatusWidget
from eservice_desktop.services import case_attachments
from eservice_desktop.storage.models_sync import SyncAttachmentRow

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _rows(ctx: GuiContext) -> int:
    with ctx.app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(SyncAttachmentRow)) or 0)


def _drop(widget, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    # a drop goes to the widget that accepted the drag's enter, as in a real drag
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(QPoint(10, 10)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    assert event.isAccepted()


def test_dialog_and_drop_attach_to_the_case_on_screen(
    qtbot, ctx: GuiContext, tmp_path, monkeypatch
):
    case_a = new_case(ctx.app, name="王小明")
    case_b = new_case(ctx.app, name="李大華")  # the last case changed: nothing may land on it
    window, detail = open_case_detail(qtbot, ctx, case_a)

    scan = tmp_path / "戶口名簿.png"
    scan.write_bytes(PNG)
    asked: list[str] = []

    def dialog(parent, title, folder, filters):
        asked.append(title)
        return str(scan), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog)
    changed: list[str] = []
    ctx.case_changed.connect(changed.append)
    # keyboard alone: Ctrl+Shift+A opens the dialog
    detail.timeline.setFocus()
    qtbot.keyClick(
        detail.timeline,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert asked and case_a in asked[0]
    qtbot.waitUntil(lambda: len(detail.attachment_rows()) == 1, timeout=3000)
    name, kind, size, when, state = detail.attachment_rows()[0]
    assert (name, kind, size, state) == ("戶口名簿.png", "PNG", f"{len(PNG)} B", "待上傳")
    assert when == "115/03/10 10:00:00"  # the test clock, shown in Taipei time
    table = detail.attachments  # the time and the upload state whole (they read "115/03/1…")
    qtbot.waitUntil(lambda: table.columnWidth(3) >= table.sizeHintForColumn(3), timeout=3000)
    assert all(table.columnWidth(c) >= table.sizeHintForColumn(c) for c in (1, 2, 3, 4))
    assert "已附加 戶口名簿.png" in detail.attach_message.text()

    # drag-and-drop a PDF whose name lies (.jpg): the kind comes from the content
    pdf = tmp_path / "委託書.jpg"
    pdf.write_bytes(PDF)
    _drop(detail, [pdf])
    qtbot.waitUntil(lambda: len(detail.attachment_rows()) == 2, timeout=3000)
    assert [r[1] for r in detail.attachment_rows()] == ["PNG", "PDF"]
    assert changed == [case_a, case_a]  # the sync loop hears of local work on case A only

    assert [a.name for a in case_attachments.list_attachments(ctx.app, case_a)] == [
        "戶口名簿.png",
        "委託書.jpg",
    ]
    assert case_attachments.list_attachments(ctx.app, case_b) == []

    # sealed at rest: the stored file is not the scan, and opens with the office key
    with ctx.app.reading() as s:
        stored = [Path(r.path) for r in s.scalars(select(SyncAttachmentRow))]
    for p in stored:
        assert p.name.endswith(".sealed") and p.is_relative_to(ctx.app.settings.data_dir)
        blob = p.read_bytes()
        assert PNG not in blob and b"%PDF" not in blob
        assert p.stat().st_mode & 0o077 == 0
    assert sorted(case_attachments.read_content(ctx.app, str(p)) for p in stored) == sorted(
        [PNG, PDF]
    )

    # after a sync round the list shows what the county has
    with ctx.app.transaction() as s:
        for r in s.scalars(select(SyncAttachmentRow)):
            r.complete, r.uploaded = True, r.size
    # the sync status widget's finished round (as the loop's thread reports it) refreshes the list
    (status,) = window.findChildren(SyncStatusWidget)
    status.round_finished.emit({"pending": 0}, "")
    qtbot.waitUntil(
        lambda: [r[4] for r in detail.attachment_rows()] == ["已上傳"] * 2, timeout=3000
    )
    # and the words under the button no longer say the last file waits for its upload
    assert detail.attach_message.text() == "已附加 委託書.jpg（已上傳）"


def test_refused_files_say_why_and_store_nothing(qtbot, ctx: GuiContext, tmp_path):
    case_a = new_case(ctx.app, name="王小明")
    _window, detail = open_case_detail(qtbot, ctx, case_a)
    ctx.app.settings.attachment_max_mb = 1

    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"  # named like an image, it is text
    text.write_bytes(b"hello, not a picture")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    missing = tmp_path / "gone.pdf"
    cases = [
        (empty, "檔案「empty.pdf」是空的"),
        (text, "只能附加 PNG、JPEG 圖檔或 PDF 檔（依檔案內容判斷）"),
        (big, "檔案過大（1.0 MB），上限 1 MB"),
        (missing, "無法讀取檔案「gone.pdf」：找不到這個檔案或資料夾"),
    ]
    for path, message in cases:
        detail.attach_message.clear()
        detail.attach(case_a, path)
        qtbot.waitUntil(lambda m=message: detail.attach_message.text() == m, timeout=3000)
    assert _rows(ctx) == 0
    assert not (ctx.app.settings.data_dir / "attachments").exists()
    assert detail.attachment_rows() == []


def test_the_list_and_its_message_follow_the_case_on_screen(qtbot, ctx: GuiContext, tmp_path):
    """Opening a case showed the files and the last attach message of the case opened before
    (another citizen's 戶口名簿), and none of its own until the next sync round."""
    case_a = new_case(ctx.app, name="王小明")
    case_b = new_case(ctx.app, name="李大華")
    scan = tmp_path / "戶口名簿.png"
    scan.write_bytes(PNG)
    case_attachments.attach_file(ctx.app, case_b, scan)
    _window, detail = open_case_detail(qtbot, ctx, case_a)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    detail.attach(case_a, empty)
    qtbot.waitUntil(lambda: "empty.pdf" in detail.attach_message.text(), timeout=3000)

    ctx.open_case_requested.emit(case_b)  # its own file, as soon as it is on screen
    qtbot.waitUntil(lambda: detail.shown_number() == case_b, timeout=3000)
    qtbot.waitUntil(lambda: len(detail.attachment_rows()) == 1, timeout=3000)
    assert detail.attachment_rows()[0][0] == "戶口名簿.png"
    assert detail.attach_message.text() == ""  # case A's refusal is not case B's

    ctx.open_case_requested.emit(case_a)
    assert detail.attachment_rows() == []  # never case B's files while case A loads
    qtbot.waitUntil(lambda: detail.shown_number() == case_a, timeout=3000)
    qtbot.wait(200)
    assert detail.attachment_rows() == []


def test_a_refusal_for_a_case_left_is_not_shown_under_the_next(
    qtbot, ctx: GuiContext, tmp_path, monkeypatch
):
    """A file refused after the clerk opened another case (a large scan still being read) put
    its red refusal under that other case's attachments; it goes to the status bar with its
    case number instead."""
    case_a = new_case(ctx.app, name="王小明")
    case_b = new_case(ctx.app, name="李大華")
    _window, detail = open_case_detail(qtbot, ctx, case_a)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    said: list[str] = []
    ctx.status_message.connect(said.append)
    held: list[tuple] = []  # the worker still reading the file while the clerk moves on
    monkeypatch.setattr(ctx.tasks, "run", lambda fn, *a, **kw: held.append((fn, a, kw)))
    detail.attach(case_a, empty)
    monkeypatch.undo()
    ctx.open_case_requested.emit(case_b)
    qtbot.waitUntil(lambda: detail.shown_number() == case_b, timeout=3000)
    ((fn, args, kw),) = held
    try:
        fn(*args)
    except Exception as e:  # the refusal, handed back as the runner would
        kw["on_error"](e)
    assert detail.attach_message.text() == ""
    assert any(case_a in s and "empty.pdf" in s for s in said), said
