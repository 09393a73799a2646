"""The hands-on part of the shift-start check: a test page through the office printer and a test
scan."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eservice_desktop.config import Settings
from eservice_desktop.domain.office_zone import TAIPEI as _TAIPEI
from eservice_desktop.services.doctor.report import Check, Verdict, _check, _run

#: Seconds a test print may take to leave the CUPS queue.
TEST_PRINT_TIMEOUT_S = 20.0


def check_page(settings: Settings, moment: datetime) -> bytes:
    """A one-page PDF that names this counter and the time (no personal data)."""
    import io

    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(80 * mm, 60 * mm))
    c.setFont("Helvetica-Bold", 11)
    c.drawString(5 * mm, 50 * mm, "eservice-desktop test print")
    c.setFont("Helvetica", 9)
    c.drawString(5 * mm, 42 * mm, f"Office {settings.office_code}, counter {settings.device_id}")
    local = moment.astimezone(_TAIPEI)
    c.drawString(5 * mm, 36 * mm, f"{local:%Y-%m-%d %H:%M} (Taipei)")
    c.drawString(5 * mm, 30 * mm, f"Queue: {settings.printer_name or '-'}")
    c.showPage()
    c.save()
    return out.getvalue()


_TEST_PRINT = ("測試列印", "Test print")
_TEST_SCAN = ("測試掃描", "Test scan")


def _print_fix(queue: str) -> tuple[str, str]:
    return (
        f"確認印表機 {queue} 已開機、連線且有紙；lpstat -p {queue} 查看狀態，"
        f"cupsenable {queue} 重新啟用佇列",
        f"Check that the printer {queue} is on, connected and has paper; `lpstat -p {queue}` "
        f"shows its state, `cupsenable {queue}` re-enables the queue",
    )


def _print_queue(settings: Settings) -> str:
    """The configured queue, when CUPS' ``lp`` can reach it; otherwise the verdict."""
    if not settings.printer_name:
        raise Verdict(
            "warn",
            (
                "未設定收據印表機（printer_name），無法測試列印",
                "No receipt printer configured (printer_name): nothing to test",
            ),
            (
                "在 settings.json 設定 printer_name 為收據印表機佇列",
                "Set printer_name in settings.json to the receipt printer's queue",
            ),
        )
    if sys.platform == "win32" or shutil.which("lp") is None:
        raise Verdict(
            "warn",
            ("此電腦沒有 CUPS 的 lp 指令", "CUPS' lp command is not available here"),
            (
                "Linux：apt install cups-client；Windows：由櫃檯程式列印收據以測試",
                "Linux: apt install cups-client; Windows: test by printing a receipt from the "
                "counter window",
            ),
        )
    return settings.printer_name


def _send_test_page(settings: Settings, queue: str, moment: datetime, facts: dict[str, Any]) -> str:
    """Sends the test page with ``lp``; the CUPS job id."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="eservice-testprint-") as tmp:
        page = Path(tmp) / "test-print.pdf"
        page.write_bytes(check_page(settings, moment))
        sent = _run(["lp", "-d", queue, "-t", "eservice-desktop test print", str(page)])
    if sent is None or sent.returncode != 0:
        error = (sent.stderr.strip() if sent else "lp did not run")[:200]
        facts["error"] = error
        raise Verdict(
            "fail",
            (
                f"無法送出測試頁到 {queue}：{error}",
                f"The test page was not accepted by {queue}: {error}",
            ),
            _print_fix(queue),
        )
    prefix = f"{queue}-".casefold()
    return next((w for w in sent.stdout.split() if w.casefold().startswith(prefix)), "")


def _wait_printed(queue: str, job: str, timeout: float) -> None:
    """Until the job has left the queue (CUPS ``completed``), or the verdict after ``timeout``.
    Job ids are compared without case: ``lp -d receipt80`` names the job ``receipt80-4`` as
    typed while ``lpstat`` lists it as ``Receipt80-4``, the queue's own spelling (CUPS takes a
    queue name in any letters, and so does ``printer_name``)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        waiting = _run(["lpstat", "-W", "not-completed", "-o", queue])
        pending = waiting.stdout.casefold().split() if waiting is not None else []
        if job and job.casefold() not in pending:
            return
        if time.monotonic() > deadline:
            # a page left in a stopped queue came out whenever the printer was back, hours
            # later, beside a citizen's receipt
            cancelled = _run(["cancel", job]) if job else None
            gone = cancelled is not None and cancelled.returncode == 0
            raise Verdict(
                "fail",
                (
                    f"測試頁 {job} 在 {timeout:.0f} 秒內未印出" + ("（已取消）" if gone else ""),
                    f"The test page {job} did not print within {timeout:.0f} s"
                    + (" (cancelled)" if gone else ""),
                ),
                _print_fix(queue),
            )
        time.sleep(0.2)


def check_test_print(
    settings: Settings,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    timeout: float = TEST_PRINT_TIMEOUT_S,
) -> Check:
    """Prints a small test page to the configured queue through CUPS (``lp``) and waits until
    the job has left the queue (CUPS ``completed``)."""
    facts: dict[str, Any] = {"printer": settings.printer_name}
    try:
        queue = _print_queue(settings)
        facts["job"] = job = _send_test_page(settings, queue, now(), facts)
        _wait_printed(queue, job, timeout)
    except Verdict as v:
        return v.check("test_print", _TEST_PRINT, **facts)
    return _check(
        "test_print",
        _TEST_PRINT,
        "ok",
        (f"測試頁已送至 {queue}（{job}）", f"Test page printed on {queue} ({job})"),
        **facts,
    )


_SCAN_FIX = (
    "接上掃描器並確認 settings.json 的 scanner_serial_port 與 scanner_serial_baud；"
    "Windows 請關閉其他占用該序列埠的程式",
    "Plug the scanner in and check scanner_serial_port and scanner_serial_baud in "
    "settings.json; on Windows close any other program holding the port",
)


def _read_scan(settings: Settings, wait_s: float) -> bytes:
    """Opens the serial port and, with ``wait_s``, reads one scan; the verdict when it fails."""
    port = settings.scanner_serial_port
    try:
        import serial

        conn = serial.Serial(port, settings.scanner_serial_baud, timeout=0.2)
    except Exception as e:  # pyserial raises SerialException / OSError / ValueError
        raise Verdict(
            "fail",
            (
                f"掃描器序列埠 {port} 無法開啟（{type(e).__name__}）",
                f"The scanner port {port} does not open ({type(e).__name__})",
            ),
            _SCAN_FIX,
        ) from None
    try:
        if wait_s <= 0:
            raise Verdict("ok", (f"掃描器序列埠 {port} 可開啟", f"The scanner port {port} opens"))
        import time

        deadline = time.monotonic() + wait_s
        received = b""
        while time.monotonic() < deadline and not received.rstrip(b"\r\n"):
            received += conn.readline()
    finally:
        conn.close()
    return received.strip()


def check_test_scan(settings: Settings, wait_s: float = 0.0) -> Check:
    """A serial scanner: its port opens at the configured speed and, when ``wait_s`` is given,
    a code scanned within that time arrives. A keyboard-wedge scanner types into the window:
    the window's search field is where to try it."""
    port = settings.scanner_serial_port
    facts: dict[str, Any] = {"port": port, "baud": settings.scanner_serial_baud}
    if not port:
        return _check(
            "test_scan",
            _TEST_SCAN,
            "ok",
            (
                "鍵盤模式掃描器：請在櫃檯程式的搜尋欄掃描任一條碼測試",
                "Keyboard-wedge scanner: scan any code into the window's search field to test it",
            ),
            mode="keyboard",
            **facts,
        )
    try:
        code = _read_scan(settings, wait_s)
    except Verdict as v:
        return v.check("test_scan", _TEST_SCAN, mode="serial", **facts)
    facts["received_chars"] = len(code)  # the code itself is not kept: it may be personal
    if not code:
        return _check(
            "test_scan",
            _TEST_SCAN,
            "fail",
            (
                f"{wait_s:.0f} 秒內沒有收到掃描資料（{port}）",
                f"No scan arrived on {port} within {wait_s:.0f} s",
            ),
            _SCAN_FIX,
            mode="serial",
            **facts,
        )
    return _check(
        "test_scan",
        _TEST_SCAN,
        "ok",
        (
            f"收到掃描資料 {len(code)} 字元（{port}）",
            f"A scan of {len(code)} characters arrived on {port}",
        ),
        mode="serial",
        **facts,
    )
