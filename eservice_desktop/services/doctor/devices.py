"""Devices at the counter: card readers (PC/SC), printers, barcode scanners. Libraries are imported
lazily; a missing service is a warning, not a failure."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable
from typing import Any, Final

from eservice_desktop.config import Settings
from eservice_desktop.domain.values import printable
from eservice_desktop.services.doctor.report import Check, _check, _run
from eservice_desktop.services.printer_names import installed_name


def check_card_readers() -> Check:
    title = ("讀卡機（健保卡、自然人憑證）", "Smart-card readers (NHI, MOICA)")
    pcsc_fix = (
        "Linux：apt install pcscd 並啟動（systemctl enable --now pcscd.socket）；"
        "Windows：啟動「智慧卡」服務 (SCardSvr)",
        "Linux: apt install pcscd and start it (systemctl enable --now pcscd.socket); "
        "Windows: start the Smart Card service (SCardSvr)",
    )
    try:
        from smartcard.System import readers
    except ImportError as e:
        return _check(
            "card_readers",
            title,
            "warn",
            (f"PC/SC 函式庫無法載入（{e}）", f"The PC/SC library cannot be loaded ({e})"),
            pcsc_fix,
        )
    try:
        names = [str(r) for r in readers()]
    except Exception as e:  # pyscard raises EstablishContextException when no PC/SC service runs
        return _check(
            "card_readers",
            title,
            "warn",
            (
                f"PC/SC 服務未執行（{type(e).__name__}）",
                f"The PC/SC service is not running ({type(e).__name__})",
            ),
            pcsc_fix,
            error=type(e).__name__,
        )
    if not names:
        return _check(
            "card_readers",
            title,
            "warn",
            ("未偵測到讀卡機", "No card reader found"),
            (
                "接上讀卡機並安裝其驅動程式（CCID 讀卡機免驅動）",
                "Plug in a reader and install its driver (CCID readers need none)",
            ),
            readers=[],
        )
    return _check("card_readers", title, "ok", ("、".join(names), ", ".join(names)), readers=names)


#: PowerShell writes a pipe in the console's code page, which holds no Chinese on a Windows
#: whose system locale is not zh-TW: the names are asked for in UTF-8.
_GET_PRINTERS: Final = (
    "[Console]::OutputEncoding = [Text.Encoding]::UTF8; Get-Printer | ForEach-Object Name"
)


def list_printers() -> list[str] | None:
    """Printer queue names, or None when this machine has no way to list them."""
    if sys.platform == "win32":
        done = _run(["powershell", "-NoProfile", "-Command", _GET_PRINTERS], encoding="utf-8")
        if done is None or done.returncode != 0:
            return None
        return [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if shutil.which("lpstat") is None:
        return None
    done = _run(["lpstat", "-e"])
    if done is None:
        return None
    # lpstat -e exits 1 with "No destinations added." (or no scheduler): that is an empty list.
    return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


#: Why printers could not be listed and what to do, by "on Windows": a Windows PC was told
#: lpstat was missing and to apt install CUPS.
_UNLISTED: Final = {
    False: (
        ("無法列出印表機（找不到 lpstat）", "Cannot list printers (lpstat not found)"),
        ("Linux：apt install cups-client cups", "Linux: apt install cups-client cups"),
    ),
    True: (
        (
            "無法列出印表機（PowerShell Get-Printer 失敗）",
            "Cannot list printers (PowerShell Get-Printer failed)",
        ),
        (
            "確認 Print Spooler 服務已啟動（services.msc），且可執行 powershell.exe",
            "Check that the Print Spooler service is running (services.msc) and that "
            "powershell.exe can be run",
        ),
    ),
}


#: The installed printers a fix names, at most (a print server may offer hundreds).
PRINTERS_NAMED: Final = 10


def _printer_fix(found: list[str]) -> tuple[str, str]:
    """What to set printer_name to, naming the printers installed: it read 「填入下列其中一
    台」 (one of the printers listed) over no list, in doctor's text and in 系統檢查, and over
    no printer at all."""
    if not found:
        return (
            "安裝收據印表機（A6 或 80 mm 熱感）後在 settings.json 的 printer_name 填入其名稱，"
            "或留空改由列印對話框選擇",
            "Install the receipt printer (A6 or 80 mm thermal) and set printer_name in "
            "settings.json to its name, or leave it empty to choose in the print dialog",
        )
    names = [printable(n, 80) for n in found[:PRINTERS_NAMED]]
    more = len(found) > PRINTERS_NAMED
    zh = "、".join(names) + ("…" if more else "")
    en = ", ".join(names) + (", ..." if more else "")
    return (
        f"在 settings.json 的 printer_name 填入已安裝的其中一台（{zh}），或留空改由列印對話框選擇",
        f"Set printer_name in settings.json to one of the installed printers ({en}), "
        "or leave it empty to choose in the print dialog",
    )


def check_printers(settings: Settings, printers: Iterable[str] | None = None) -> Check:
    title = ("印表機", "Printers")
    found = list_printers() if printers is None else list(printers)
    facts: dict[str, Any] = {"configured": settings.printer_name, "printers": found}
    if found is None:
        return _check(
            "printers",
            title,
            "warn",
            *_UNLISTED[sys.platform == "win32"],
            **facts,
        )
    if settings.printer_name and installed_name(settings.printer_name, found) is None:
        return _check(
            "printers",
            title,
            "fail",
            (
                f"設定的印表機 {settings.printer_name!r} 不存在",
                f"The configured printer {settings.printer_name!r} does not exist",
            ),
            _printer_fix(found),
            **facts,
        )
    if not found:
        return _check(
            "printers",
            title,
            "warn",
            ("沒有安裝任何印表機", "No printer is installed"),
            (
                "安裝收據印表機（A6 或 80 mm 熱感）",
                "Install the receipt printer (A6 or 80 mm thermal)",
            ),
            **facts,
        )
    chosen = settings.printer_name or "（列印時選擇）"
    chosen_en = settings.printer_name or "(chosen when printing)"
    return _check(
        "printers",
        title,
        "ok",
        (f"{len(found)} 台；收據使用 {chosen}", f"{len(found)} found; receipts go to {chosen_en}"),
        **facts,
    )


def _port_key(port: str) -> str:
    """A serial port's name as the system matches it: on Windows ``com3`` and ``\\\\.\\COM3``
    open the ``COM3`` pyserial lists (doctor failed them as "does not exist" while the
    counter read the scanner on them); elsewhere the device path as it is."""
    if sys.platform != "win32":
        return port
    return port.removeprefix("\\\\.\\").upper()


def check_scanners(settings: Settings) -> Check:
    title = ("條碼掃描器", "Barcode scanners")
    try:
        from serial.tools import list_ports

        ports = sorted(p.device for p in list_ports.comports())
    except Exception as e:
        return _check(
            "scanners",
            title,
            "warn",
            (f"無法列出序列埠（{e}）", f"Cannot list serial ports ({e})"),
            ("重新安裝 eservice-desktop", "Reinstall eservice-desktop"),
        )
    facts: dict[str, Any] = {"serial_ports": ports, "configured": settings.scanner_serial_port}
    wanted = settings.scanner_serial_port
    if wanted and _port_key(wanted) not in {_port_key(p) for p in ports}:
        return _check(
            "scanners",
            title,
            "fail",
            (
                f"設定的掃描器序列埠 {wanted} 不存在",
                f"The configured scanner port {wanted} does not exist",
            ),
            (
                "接上掃描器，或修改 settings.json 的 scanner_serial_port"
                "（留空則使用鍵盤模式掃描器）",
                "Plug the scanner in, or fix scanner_serial_port in settings.json (empty = "
                "keyboard-wedge scanner)",
            ),
            **facts,
        )
    if wanted:
        return _check(
            "scanners",
            title,
            "ok",
            (f"序列埠掃描器 {wanted}", f"Serial scanner on {wanted}"),
            **facts,
        )
    listed = "、".join(ports) if ports else "無"
    return _check(
        "scanners",
        title,
        "ok",
        (
            f"鍵盤模式掃描器（免設定）；序列埠：{listed}",
            f"Keyboard-wedge scanner (no setup needed); serial ports: {', '.join(ports) or 'none'}",
        ),
        **facts,
    )


#: Why the camera cannot be used, in the check's result (the reason code stays in ``reason``):
#: the result read 「相機 0無法使用（not_found）」, a code inside the Chinese sentence.
_CAMERA_REASONS = {
    "no_opencv": ("相機元件未安裝或損壞", "the camera component is missing or broken"),
    "not_found": ("找不到相機或無法開啟", "not found or cannot be opened"),
    "lost": ("沒有傳送畫面", "it sends no picture"),
    "bad_recording": ("錄影無法播放", "the recording cannot be played"),
}


def check_camera(settings: Settings) -> Check:
    """The pickup desk's camera (``camera_index``, or the ``camera_recording`` played instead)
    opens and delivers a frame. A warning, never a failure: the desk works without a camera."""
    from eservice_desktop.services.scanners import (
        CameraSource,
        CameraUnavailable,
        camera_message,
        camera_source,
    )

    title = ("領件相機", "Pickup camera")
    source = camera_source(settings)
    what = (
        (f"相機 {settings.camera_index}", f"Camera {settings.camera_index}")
        if isinstance(source, CameraSource)
        else ("錄影（camera_recording）", "Recording (camera_recording)")
    )
    facts: dict[str, Any] = {
        "index": settings.camera_index,
        "recording": bool(settings.camera_recording),
    }
    try:
        source.open()
        try:
            frame = source.read()
        finally:
            source.close()
        if frame is None:
            raise CameraUnavailable("lost", "no frame")
    except CameraUnavailable as e:
        zh, en = camera_message(e, settings)
        why = _CAMERA_REASONS.get(e.reason, _CAMERA_REASONS["lost"])
        return _check(
            "camera",
            title,
            "warn",
            (f"{what[0]} 無法使用：{why[0]}", f"{what[1]} cannot be used: {why[1]}"),
            (zh + "櫃檯沒有相機時可忽略。", en + " Ignore this at a desk without a camera."),
            reason=e.reason,
            **facts,
        )
    height, width = frame.shape[:2]
    facts.update(width=int(width), height=int(height))
    return _check(
        "camera",
        title,
        "ok",
        (f"{what[0]} 可用（{width}×{height}）", f"{what[1]} works ({width}×{height})"),
        **facts,
    )
