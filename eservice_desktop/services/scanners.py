"""The pickup desk's code readers, as the faces use them: the keyboard-wedge rule, the serial
scanner, a picture's QR codes and the live camera.

The readers themselves are adapters in :mod:`eservice_desktop.devices.scanner`; the GUI reaches
them through this module so that faces import services and domain only.
"""

from __future__ import annotations

from collections.abc import Callable

from eservice_desktop.config import Settings
from eservice_desktop.devices.camera import (
    CameraReader,
    CameraSource,
    CameraUnavailable,
    Frame,
    FramePipeline,
    FrameSource,
    RecordedSource,
    decode_frame,
)
from eservice_desktop.devices.scanner import (
    DROP,
    HOLD,
    SCAN,
    Decision,
    SerialScanner,
    WedgeDecoder,
    WedgeRules,
    decode_image,
)

__all__ = [
    "DROP",
    "HOLD",
    "SCAN",
    "CameraReader",
    "CameraSource",
    "CameraUnavailable",
    "Decision",
    "Frame",
    "FramePipeline",
    "FrameSource",
    "RecordedSource",
    "SerialScanner",
    "WedgeDecoder",
    "WedgeRules",
    "camera_message",
    "camera_source",
    "decode_frame",
    "decode_image",
    "open_camera",
    "open_serial",
    "wedge_rules",
]


def wedge_rules(settings: Settings) -> WedgeRules:
    """The burst rule of this desk's scanner (prefix, suffix, fastest human typing)."""
    return WedgeRules(
        prefix=settings.scanner_prefix,
        suffix=settings.scanner_suffix or "\r",
        max_interkey_ms=settings.scanner_max_interkey_ms,
    )


def open_serial(settings: Settings, on_scan: Callable[[str], None]) -> SerialScanner | None:
    """Starts reading the configured serial scanner (none configured: None); ``on_scan`` is
    called on the reader's thread with each code."""
    if not settings.scanner_serial_port:
        return None
    scanner = SerialScanner(settings.scanner_serial_port, on_scan, settings.scanner_serial_baud)
    scanner.start()
    return scanner


def camera_source(settings: Settings) -> FrameSource:
    """The desk's camera (``camera_index``), or the recording ``camera_recording`` names
    (played in a loop, as a camera never ends)."""
    if settings.camera_recording:
        return RecordedSource(settings.camera_recording, loop=True)
    return CameraSource(settings.camera_index)


def open_camera(
    source: FrameSource,
    on_code: Callable[[str], None],
    *,
    on_frame: Callable[[Frame], None] | None = None,
    on_error: Callable[[CameraUnavailable], None] | None = None,
    on_end: Callable[[], None] | None = None,
) -> CameraReader:
    """Starts reading codes off ``source`` on a thread of its own; every callback is called on
    that thread. ``stop()`` the returned reader to release the camera."""
    reader = CameraReader(source, on_code, on_frame=on_frame, on_error=on_error, on_end=on_end)
    reader.start()
    return reader


_CAMERA_MESSAGES: dict[str, tuple[str, str]] = {
    "no_opencv": (
        "相機元件未安裝或損壞（opencv-python-headless），請洽資訊人員重新安裝；仍可用掃描器或輸入領件碼。",
        "The camera component (opencv-python-headless) is missing or broken: ask IT to "
        "reinstall. The scanner and typed pickup codes still work.",
    ),
    "not_found": (
        "無法開啟相機（編號 {index}）：請確認相機已接上、未被其他程式使用，"
        "或修改 settings.json 的 camera_index；仍可用掃描器或輸入領件碼。",
        "The camera (index {index}) cannot be opened: check that it is plugged in and not used "
        "by another program, or fix camera_index in settings.json. The scanner and typed "
        "pickup codes still work.",
    ),
    "lost": (
        "相機停止傳送畫面（可能被拔除），已關閉相機模式；請重新接上後再開啟。",
        "The camera stopped sending pictures (unplugged?); camera mode is off. Plug it back in "
        "and turn it on again.",
    ),
    "bad_recording": (
        "無法播放設定的錄影（camera_recording）：請確認檔案或資料夾存在且為影片或圖片。",
        "The recording set in camera_recording cannot be played: check that the file or folder "
        "exists and holds a video or pictures.",
    ),
}


def camera_message(error: CameraUnavailable, settings: Settings) -> tuple[str, str]:
    """What to tell the clerk (zh-TW, English) when the camera cannot be used."""
    zh, en = _CAMERA_MESSAGES.get(error.reason, _CAMERA_MESSAGES["lost"])
    index = settings.camera_index
    return zh.format(index=index), en.format(index=index)
