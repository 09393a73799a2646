"""What the CUPS scheduler says of a print queue and of the job Qt handed it (Linux, macOS).

Qt's CUPS print engine gives the painted pages to libcups' ``cupsPrintFile`` when the painter
ends and drops its answer: a queue that rejects jobs (``cupsreject``) lost the receipt while
the page recorded it printed, and a stopped queue (``cupsdisable``, or CUPS stopping it when
the printer ran out of paper) kept it in the queue with the citizen waiting at the counter.
So the queue is asked before painting (:func:`refusal_before`) and libcups' last answer on
this thread read after it (:func:`refusal_after`). Without libcups (Windows) both say nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

#: A refusal: its code, zh-TW and English sentences (``qt_print.PrintError``'s arguments).
Refusal = tuple[str, str, str]

#: ``ipp_status_t`` from here on is an error (IPP_STATUS_ERROR_BAD_REQUEST).
IPP_ERROR = 0x0400
#: ``printer-state`` of a stopped (paused) queue.
STOPPED = "5"


class _Option(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _Dest(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("instance", ctypes.c_char_p),
        ("is_default", ctypes.c_int),
        ("num_options", ctypes.c_int),
        ("options", ctypes.POINTER(_Option)),
    ]


@cache
def _libcups() -> ctypes.CDLL | None:
    path = ctypes.util.find_library("cups")
    if not path:
        return None
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return None
    lib.cupsGetNamedDest.restype = ctypes.POINTER(_Dest)
    lib.cupsGetNamedDest.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.cupsFreeDests.argtypes = [ctypes.c_int, ctypes.POINTER(_Dest)]
    lib.cupsLastError.restype = ctypes.c_int
    lib.cupsLastErrorString.restype = ctypes.c_char_p
    return lib


def _queue_options(lib: ctypes.CDLL, name: str) -> dict[str, str] | None:
    dest = lib.cupsGetNamedDest(None, name.encode(), None)
    if not dest:
        return None
    try:
        d = dest.contents
        return {
            (o.name or b"").decode(errors="replace"): (o.value or b"").decode(errors="replace")
            for o in d.options[: d.num_options]
        }
    finally:
        lib.cupsFreeDests(1, dest)


def refusal_before(name: str) -> Refusal | None:
    """The queue ``name`` stopped or not accepting jobs, said for the clerk; None when it
    takes jobs (or libcups is not there). Also leaves libcups' last answer on this thread at
    this request, so :func:`refusal_after` reads the print's and no older one."""
    lib = _libcups()
    if lib is None or not name:
        return None
    options = _queue_options(lib, name.partition("/")[0])  # "queue/instance": the queue
    if options is None:
        return None  # Qt says itself that it cannot open a printer CUPS does not know
    if options.get("printer-state") == STOPPED:
        return (
            "print.stopped",
            f"印表機「{name}」已暫停（缺紙、卡紙或離線？），未印出；"
            "請處理印表機並在 CUPS 恢復列印後再印",
            f"Printer {name!r} is stopped (out of paper, jammed or offline?); nothing was"
            " printed: fix the printer, resume it in CUPS, then print again",
        )
    if options.get("printer-is-accepting-jobs", "true").lower() == "false":
        return _refused(name, "not accepting jobs")
    return None


def refusal_after(name: str) -> Refusal | None:
    """libcups' answer to the job Qt just handed it on this thread: an IPP error (the queue
    rejects jobs, was deleted meanwhile, the scheduler went away) said for the clerk."""
    lib = _libcups()
    if lib is None or not name:
        return None
    status = int(lib.cupsLastError())
    if status < IPP_ERROR:
        return None
    return _refused(name, (lib.cupsLastErrorString() or b"").decode(errors="replace"))


def _refused(name: str, detail: str) -> Refusal:
    return (
        "print.refused",
        f"印表機「{name}」未接受列印工作（{detail}），未印出；請聯絡資訊人員",
        f"Printer {name!r} did not take the print job ({detail}); nothing was printed: call IT",
    )
