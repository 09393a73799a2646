"""What the CUPS scheduler says of a print queue and of the job Qt handed it (Linux, macOS).

Qt's CUPS print engine gives the painted pages to libcups' ``cupsPrintFile`` when the painter
ends and drops its answer: a queue that rejects jobs (``cupsreject``) lost the receipt while
the page recorded it printed, and a stopped queue (``cupsdisable``, or CUPS stopping it when
the printer ran out of paper) kept it in the queue with the citizen waiting at the counter.
So the queue is asked before painting (:func:`refusal_before`) and libcups' last answer on
this thread read after it (:func:`refusal_after`). A job CUPS took can still fail on its way to
the paper (the printer errs and CUPS aborts the job, stops the queue or holds the job to send
it again later, or someone cancels it), and the receipt read as printed: :func:`job_outcome`
follows the job, found by the unique title the print gave it, until CUPS says it completed, or
says why not. It runs on the I/O pool with the print, never on the UI thread. Without libcups
(Windows) all of them say nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import time
from functools import cache

#: A refusal: its code, zh-TW and English sentences (``qt_print.PrintError``'s arguments).
Refusal = tuple[str, str, str]

#: ``ipp_status_t`` from here on is an error (IPP_STATUS_ERROR_BAD_REQUEST).
IPP_ERROR = 0x0400
#: ``printer-state`` of a stopped (paused) queue.
STOPPED = "5"
#: ``ipp_jstate_t``: held, stopped, canceled, aborted, completed (pending 3, processing 5).
JOB_HELD, JOB_STOPPED, JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 4, 6, 7, 8, 9
#: How long a job is followed (a thermal printer takes a second or two). A job still on its
#: way after that is taken as printed, as it was before the job was followed at all.
JOB_WAIT_S = 30.0
#: ``cupsGetJobs2``' ``whichjobs``: every job, the completed and cancelled ones too.
_WHICH_ALL = -1
#: The ``job-state-reasons`` of a job CUPS holds after its printer failed, to try it again
#: later (a queue with ``printer-error-policy`` retry-job: a network printer that dropped the
#: connection in the middle of the job, or answered nothing).
HELD_TO_RETRY = "resources-are-not-ready"
#: IPP values for asking one job's attributes (Get-Job-Attributes).
_IPP_GET_JOB_ATTRIBUTES, _TAG_OPERATION, _TAG_INTEGER, _TAG_NAME, _TAG_URI = 9, 1, 0x21, 0x42, 0x45
_TAG_KEYWORD = 0x44

log = logging.getLogger("eservice.print")


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


class _Job(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_int),
        ("dest", ctypes.c_char_p),
        ("title", ctypes.c_char_p),
        ("user", ctypes.c_char_p),
        ("format", ctypes.c_char_p),
        ("state", ctypes.c_int),
        ("size", ctypes.c_int),
        ("priority", ctypes.c_int),
        ("completed_time", ctypes.c_long),
        ("creation_time", ctypes.c_long),
        ("processing_time", ctypes.c_long),
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
    lib.cupsGetJobs2.restype = ctypes.c_int
    lib.cupsGetJobs2.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.POINTER(_Job)),
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.cupsFreeJobs.argtypes = [ctypes.c_int, ctypes.POINTER(_Job)]
    lib.cupsCancelJob2.restype = ctypes.c_int
    lib.cupsCancelJob2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.ippNewRequest.restype = ctypes.c_void_p
    lib.ippNewRequest.argtypes = [ctypes.c_int]
    lib.ippAddString.restype = ctypes.c_void_p
    lib.ippAddString.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_char_p]
    lib.ippAddString.argtypes += [ctypes.c_char_p, ctypes.c_char_p]
    lib.ippAddInteger.restype = ctypes.c_void_p
    lib.ippAddInteger.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_char_p]
    lib.ippAddInteger.argtypes += [ctypes.c_int]
    lib.cupsDoRequest.restype = ctypes.c_void_p
    lib.cupsDoRequest.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p]
    lib.ippFindAttribute.restype = ctypes.c_void_p
    lib.ippFindAttribute.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.ippGetCount.restype = ctypes.c_int
    lib.ippGetCount.argtypes = [ctypes.c_void_p]
    lib.ippGetString.restype = ctypes.c_char_p
    lib.ippGetString.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.ippDelete.argtypes = [ctypes.c_void_p]
    lib.cupsUser.restype = ctypes.c_char_p
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


def _job(lib: ctypes.CDLL, queue: str, title: str) -> tuple[int, int] | None:
    """(id, state) of this user's newest job titled ``title`` on ``queue``, None if none."""
    jobs = ctypes.POINTER(_Job)()
    count = int(lib.cupsGetJobs2(None, ctypes.byref(jobs), queue.encode(), 1, _WHICH_ALL))
    try:
        found = [
            (j.id, j.state)
            for j in jobs[: max(count, 0)]
            if (j.title or b"").decode(errors="replace") == title
        ]
    finally:
        if count > 0:
            lib.cupsFreeJobs(count, jobs)
    return max(found) if found else None


def _job_reasons(lib: ctypes.CDLL, job_id: int) -> set[str]:
    """The ``job-state-reasons`` CUPS gives job ``job_id`` (empty when it cannot be asked)."""
    request = lib.ippNewRequest(_IPP_GET_JOB_ATTRIBUTES)
    if not request:
        return set()
    uri = f"ipp://localhost/jobs/{job_id}".encode()
    lib.ippAddString(request, _TAG_OPERATION, _TAG_URI, b"job-uri", None, uri)
    lib.ippAddString(
        request, _TAG_OPERATION, _TAG_NAME, b"requesting-user-name", None, lib.cupsUser()
    )
    answer = lib.cupsDoRequest(None, request, b"/jobs/")  # frees the request
    if not answer:
        return set()
    try:
        attr = lib.ippFindAttribute(answer, b"job-state-reasons", _TAG_KEYWORD)
        if not attr:
            return set()
        return {
            (lib.ippGetString(attr, i, None) or b"").decode(errors="replace")
            for i in range(int(lib.ippGetCount(attr)))
        }
    finally:
        lib.ippDelete(answer)


def job_outcome(name: str, title: str, wait_s: float = JOB_WAIT_S) -> Refusal | None:
    """Follows the job titled ``title`` that was just handed to queue ``name`` (I/O pool):
    None once CUPS says it completed (or holds it, as a queue that prints only when released
    at the printer does; or after ``wait_s`` still on its way; or when CUPS cannot be asked);
    a refusal when CUPS aborted or cancelled it, when it stopped or its queue stopped, or when
    CUPS holds it to try again after its printer failed (:data:`HELD_TO_RETRY`): such a job is
    cancelled first, so that a receipt printed again meanwhile does not come out twice when
    the printer is fixed."""
    lib = _libcups()
    if lib is None or not name or not title:
        return None
    queue = name.partition("/")[0]
    deadline = time.monotonic() + wait_s
    while True:
        job = _job(lib, queue, title)
        if job is None:
            return None  # not listed (the scheduler keeps no history): nothing to say
        job_id, state = job
        if state == JOB_HELD and HELD_TO_RETRY in _job_reasons(lib, job_id):
            lib.cupsCancelJob2(None, queue.encode(), job_id, 0)
            return _failed(name, state)
        if state in (JOB_COMPLETED, JOB_HELD):
            return None  # held: the queue holds jobs on purpose (released at the printer)
        if state in (JOB_CANCELED, JOB_ABORTED):
            return _failed(name, state)
        options = _queue_options(lib, queue) or {}
        if state == JOB_STOPPED or options.get("printer-state") == STOPPED:
            lib.cupsCancelJob2(None, queue.encode(), job_id, 0)
            return _failed(name, state, queue_stopped=options.get("printer-state") == STOPPED)
        if time.monotonic() >= deadline:
            log.warning("print job %s on %s still on its way after %ss", job_id, name, wait_s)
            return None
        time.sleep(0.2)


def _failed(name: str, state: int, *, queue_stopped: bool = False) -> Refusal:
    if queue_stopped:
        return (
            "print.stopped",
            f"印表機「{name}」已暫停（缺紙、卡紙或離線？），列印工作已取消，未印出；"
            "請處理印表機並在 CUPS 恢復列印後再印",
            f"Printer {name!r} stopped (out of paper, jammed or offline?); the job was"
            " cancelled and nothing was printed: fix the printer, resume it in CUPS, then print"
            " again",
        )
    zh, en = {
        JOB_CANCELED: ("列印工作已被取消", "the job was cancelled"),
        JOB_ABORTED: ("印表機出錯，列印工作已中止", "the printer failed and the job was aborted"),
        JOB_HELD: (
            "印表機出錯或連線中斷，列印工作已取消",
            "the printer failed or dropped the connection and the job was cancelled",
        ),
    }.get(state, ("列印工作停住，已取消", "the job stopped and was cancelled"))
    return (
        "print.failed",
        f"印表機「{name}」未印出（{zh}）；收據仍為未列印，請檢查印表機後再印",
        f"Printer {name!r} printed nothing ({en}); the receipt stays unprinted: check the"
        " printer, then print again",
    )
