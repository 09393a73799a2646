"""Printing receipts and reports on the office's printers through Qt, off the UI thread.

Approach: the PDF that reportlab made (the same bytes that are archived, mailed or written by
the CLI) is rasterised page by page in-process with PDFium (pypdfium2, wheels for Windows and
Linux, 4 MB) at the printer's resolution (capped at 300 dpi) and each page image is painted onto
a :class:`QPrinter` with a
:class:`QPainter`. One layout source means the paper receipt cannot differ from the PDF one,
and reportlab's per-character font fallback (rare CNS 11643 characters) carries over unchanged;
a second QPainter layout would need its own fallback through Qt's font database, which depends
on what each counter PC has installed. QtPdf is not part of PySide6-Essentials (it would bring
the whole PySide6-Addons); pypdfium2 needs no external program on any platform.

Threads: the print dialog (when the clerk asks for one, or no default printer is set) runs on
the UI thread and only configures a :class:`QPrinter`; rendering, rasterising and painting run
on a worker through ``ctx.tasks`` (painting on a QPrinter from a non-GUI thread is supported by
Qt as long as one thread uses it). ``settings.printer_name`` set = silent printing to it.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.text_values import printable_path
from eservice_desktop.gui import cups_queue
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_life import ask_once
from eservice_desktop.gui.tasks import Task, TaskRunner
from eservice_desktop.services import payments
from eservice_desktop.services.printer_names import installed_name

MAX_DPI = 300
POINT_MM = 25.4 / 72


class PrintError(DomainError):
    pass


def available_printers() -> list[str]:
    return [p.printerName() for p in QPrinterInfo.availablePrinters()]


def pdf_page_size_mm(pdf: bytes) -> tuple[float, float]:
    """The first page's MediaBox in millimetres (reportlab writes it plainly)."""
    import re

    m = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    if not m:
        return (105.0, 148.0)
    x0, y0, x1, y1 = (float(v) for v in m.groups())
    return ((x1 - x0) * POINT_MM, (y1 - y0) * POINT_MM)


#: PDFium is not thread-safe: one document at a time, whichever worker asks.
_PDFIUM_LOCK = threading.Lock()


def rasterise_pdf(pdf: bytes, dpi: int) -> list[QImage]:
    """Every page as an RGB image at ``dpi``, rendered in-process by PDFium (worker thread)."""
    import pypdfium2

    images: list[QImage] = []
    try:
        with _PDFIUM_LOCK:
            doc = pypdfium2.PdfDocument(pdf)
            try:
                for page in doc:
                    bitmap = page.render(scale=dpi / 72)
                    pil = bitmap.to_pil().convert("RGB")
                    w, h = pil.size
                    data = pil.tobytes()
                    # copy(): the QImage must own its pixels once ``data`` goes away
                    images.append(QImage(data, w, h, 3 * w, QImage.Format.Format_RGB888).copy())
                    page.close()
            finally:
                doc.close()
    except pypdfium2.PdfiumError as e:
        raise PrintError("print.render", "收據轉檔失敗", "Could not render the document") from e
    if not images or any(i.isNull() for i in images):
        raise PrintError("print.render", "收據轉檔失敗", "Could not render the document")
    return images


def make_printer(printer_name: str = "", output_pdf: Path | None = None) -> QPrinter:
    """A printer by name (silent), or Qt's PDF output to a file (tests, "print to file")."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if output_pdf is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output_pdf))
    elif printer_name:
        installed = installed_name(printer_name, available_printers())
        if installed is None:
            raise PrintError(
                "print.unknown_printer",
                f"找不到印表機「{printer_name}」，請檢查設定",
                f"Printer {printer_name!r} not found; check the settings",
            )
        printer.setPrinterName(installed)
    return printer


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Paints every page of ``pdf`` on ``printer`` at its own size; returns the page count.

    Runs on a worker. The page size is set from the PDF, so an 80 mm roll is cut at the length
    of its content and an A6 receipt is not scaled onto A4. A CUPS queue that is stopped or
    does not take the job, or a job CUPS took that then fails (aborted, cancelled, its queue
    stopped: followed until it completes), is a :class:`PrintError` (``cups_queue``): the
    receipt stays unprinted.
    """
    w_mm, h_mm = pdf_page_size_mm(pdf)
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(w_mm, h_mm), QPageSize.Unit.Millimeter, "receipt"),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    dpi = max(min(printer.resolution(), MAX_DPI), 150)
    images = rasterise_pdf(pdf, dpi)
    queue = (
        printer.printerName()
        if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
        else ""
    )
    if refusal := cups_queue.refusal_before(queue):
        raise PrintError(*refusal)
    if queue:  # the job's title: how the job is found again in the queue below
        printer.setDocName(f"eservice {uuid.uuid4().hex[:16]}")
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("print.open", "無法開啟印表機", "Could not open the printer")
    try:
        for i, image in enumerate(images):
            if i:
                printer.newPage()
            target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
            painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
    finally:
        painter.end()  # Qt hands the job to CUPS here and drops its answer: read below
    if refusal := _unwritten_file(printer):
        raise PrintError(*refusal)
    if refusal := cups_queue.refusal_after(queue) or cups_queue.job_outcome(
        queue, printer.docName()
    ):
        raise PrintError(*refusal)
    return len(images)


def _unwritten_file(printer: QPrinter) -> tuple[str, str, str] | None:
    """Qt's print to a PDF file (the print dialog's 列印至檔案) ends "printed" whatever its
    file holds: on a full disk it left a file of zero bytes (or one cut off), and the receipt
    was marked printed, its next print a reprint needing a reason and then a supervisor. A
    file without its PDF end is removed and the print refused: the receipt stays unprinted."""
    name = printer.outputFileName()
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not name:
        return None
    path = Path(name)
    try:
        with path.open("rb") as f:
            size = f.seek(0, 2)
            f.seek(max(size - 64, 0))
            whole = size > 0 and b"%%EOF" in f.read()
    except OSError:
        whole = False
    if whole:
        return None
    with contextlib.suppress(OSError):
        path.unlink()
    shown = printable_path(name)
    return (
        "print.not_written",
        f"PDF 檔未寫成（磁碟空間已滿或無法寫入）：{shown}；未列印，請清出空間或改存他處後再印",
        f"The PDF file was not written (the disk full or not writable): {shown}; nothing was "
        "printed: free space or choose another place, then print again",
    )


def print_receipt_job(
    tasks: TaskRunner,
    app: Any,
    number: str,
    layout: str,
    printer: QPrinter,
    *,
    reprint_reason: str = "",
    approval: Any = None,
) -> payments.PaymentResult:
    """I/O pool body: the receipt drawn on the database writer, printed here, then
    RECEIPT_ISSUED / RECEIPT_REPRINTED recorded on the writer (a second reprint or later with the
    supervisor's ``approval``, asked before: :func:`reprint_allowed`)."""
    pdf = tasks.call_db(payments.receipt_pdf, app, number, layout, reprint_reason=reprint_reason)
    print_pdf(pdf, printer)
    return tasks.call_db(payments.confirm_printed, app, number, reprint_reason, approval=approval)


def reprint_allowed(app: Any, number: str, reason: str, approval: Any = None) -> Any:
    """Database writer, before anything is printed: a reason no event may hold is refused
    (the reprint could not be recorded), and a receipt's second reprint or later is an
    exception (``auth.approval_required``, so the page asks a supervisor) unless ``approval``
    is given; returns the approval to print with."""
    payments.check_reason(reason, payments.REPRINT_REASON)
    payments.check_reprint_reason(app, number, reason)  # a blank one: before any print dialog
    if approval is None and payments.needs_reprint_approval(app, number):
        from eservice_desktop.domain.case import APPROVE_REPRINT
        from eservice_desktop.services.approvals import approval_required

        raise approval_required(APPROVE_REPRINT)
    if approval is not None:  # the approver's scope against the case: before it prints
        payments.reprint_granted(app, number, reason, approval)
    return approval


#: The print dialog's title for a receipt (zh-TW, English).
RECEIPT_TITLE = ("列印收據", "Print receipt")


def choose_printer(
    ctx: GuiContext, parent: QWidget | None, ask: bool, title: tuple[str, str] = RECEIPT_TITLE
) -> QPrinter | None:
    """UI thread: the configured printer silently, or the print dialog titled with what it
    prints (None = cancelled)."""
    name = ctx.app.settings.printer_name
    if name and not ask:
        return make_printer(name)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if name:
        printer.setPrinterName(installed_name(name, available_printers()) or name)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(ctx.pick(*title))
    if ask_once(dialog) != QPrintDialog.DialogCode.Accepted:
        return None
    return printer


def print_receipt(
    ctx: GuiContext,
    number: str,
    *,
    parent: QWidget | None = None,
    layout: str | None = None,
    reprint_reason: str = "",
    approval: Any = None,
    ask: bool = False,
    printer: QPrinter | None = None,
    on_done: Callable[[payments.PaymentResult], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> Task | None:
    """Prints receipt ``number`` in the background; None when nothing was started (the clerk
    cancelled the dialog; the receipt is being printed already or the configured printer is
    gone: ``on_error`` is told).

    One print of a receipt at a time (``ctx.receipts_printing``): F10 pressed twice drew the
    receipt twice as its first print before either was recorded, two originals of one
    receipt on paper."""
    with _CLAIMS_LOCK:
        busy = number in ctx.receipts_printing
        ctx.receipts_printing.add(number)
    if busy:
        if on_error is not None:
            on_error(_already_printing(number))
        return None
    try:
        printer = printer or choose_printer(ctx, parent, ask)
        if printer is None:
            _release(ctx, number)
            return None
        return ctx.tasks.run_io(
            _print_claimed,
            ctx,
            number,
            layout or ctx.app.settings.receipt_layout,
            printer,
            reprint_reason=reprint_reason,
            approval=approval,
            on_done=on_done,
            on_error=on_error,
            label="列印收據" if ctx.is_zh else "Printing receipt",
        )
    except BaseException as e:  # no job took the claim: a later print must not find it held
        _release(ctx, number)
        if on_error is None or not isinstance(e, PrintError):
            raise
        on_error(e)
        return None


#: Guards ``GuiContext.receipts_printing``: claimed on the UI thread, released by the job.
_CLAIMS_LOCK = threading.Lock()


def _release(ctx: GuiContext, number: str) -> None:
    with _CLAIMS_LOCK:
        ctx.receipts_printing.discard(number)


def _print_claimed(
    ctx: GuiContext, number: str, layout: str, printer: QPrinter, **kwargs: Any
) -> payments.PaymentResult:
    """I/O pool: :func:`print_receipt_job`, then the receipt's claim let go. A print asked
    for after that and before this job's answer reaches the page finds the receipt printed:
    it is drawn as a reprint, which asks its reason first, never as a second original."""
    try:
        return print_receipt_job(ctx.tasks, ctx.app, number, layout, printer, **kwargs)
    finally:
        _release(ctx, number)


def _already_printing(number: str) -> PrintError:
    return PrintError(
        "receipt.printing",
        f"收據 {number} 正在列印中，請等候印出",
        f"Receipt {number} is being printed; wait for it to come out",
    )


def print_document(
    ctx: GuiContext,
    make_pdf: Callable[[], bytes],
    *,
    parent: QWidget | None = None,
    ask: bool = True,
    printer: QPrinter | None = None,
    title: tuple[str, str] = ("列印", "Print"),
    on_done: Callable[[int], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> Task | None:
    """Any report PDF (closing, reconciliation, pickup slip): built on the database writer
    (``make_pdf`` reads the database), printed on the I/O pool. ``title``: the print dialog's
    (zh-TW, English), naming the document; every one was titled 列印收據 (Print receipt)."""
    if printer is None:
        printer = choose_printer(ctx, parent, ask, title)
        if printer is None:
            return None

    tasks = ctx.tasks

    def job() -> int:
        return print_pdf(tasks.call_db(make_pdf), printer)

    return tasks.run_io(job, on_done=on_done, on_error=on_error, label="列印報表")
