"""A CUPS queue that is stopped or rejects the job is a print error, so the receipt stays
unprinted (Qt's CUPS engine drops libcups' answer: a rejecting queue read as printed)."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest
from test_printing_raster import _two_page_pdf

from eservice_desktop.gui import cups_queue, qt_print


class _FakeCups:
    """libcups' three calls the queue check makes, answering as a given queue would."""

    def __init__(self, options: dict[str, str] | None, last_error: int = 0) -> None:
        self.options = options
        self.last_error = last_error
        self._keep: list[object] = []

    def cupsGetNamedDest(self, _http: object, name: bytes, _instance: object) -> object:
        if self.options is None:
            return ctypes.POINTER(cups_queue._Dest)()
        opts = (cups_queue._Option * len(self.options))(
            *(cups_queue._Option(k.encode(), v.encode()) for k, v in self.options.items())
        )
        dest = cups_queue._Dest(name, None, 0, len(self.options), opts)
        self._keep += [opts, dest]
        return ctypes.pointer(dest)

    def cupsFreeDests(self, _n: int, _dest: object) -> None:
        pass

    def cupsLastError(self) -> int:
        return self.last_error

    def cupsLastErrorString(self) -> bytes:
        return b'Destination "Receipt80" is not accepting jobs.'


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> _FakeCups:
    lib = _FakeCups({"printer-state": "3", "printer-is-accepting-jobs": "true"})
    monkeypatch.setattr(cups_queue, "_libcups", lambda: lib)
    return lib


def test_a_queue_taking_jobs_is_no_refusal(fake: _FakeCups) -> None:
    assert cups_queue.refusal_before("Receipt80") is None
    assert cups_queue.refusal_after("Receipt80") is None
    fake.options = None  # a queue CUPS does not know: Qt's own "cannot open the printer"
    assert cups_queue.refusal_before("Receipt80") is None


def test_a_stopped_or_rejecting_queue_is_said_in_both_languages(fake: _FakeCups) -> None:
    fake.options = {"printer-state": "5", "printer-is-accepting-jobs": "true"}
    code, zh, en = cups_queue.refusal_before("Receipt80") or ("", "", "")
    assert code == "print.stopped" and "已暫停" in zh and "stopped" in en
    fake.options = {"printer-state": "3", "printer-is-accepting-jobs": "false"}
    assert (cups_queue.refusal_before("Receipt80") or ("",))[0] == "print.refused"
    fake.last_error = 0x0506  # server-error-not-accepting-jobs, after Qt handed the job over
    code, zh, en = cups_queue.refusal_after("Receipt80") or ("", "", "")
    assert code == "print.refused" and "未接受列印工作" in zh and "not accepting jobs" in en


def test_a_refused_job_is_a_print_error_not_a_printed_receipt(
    monkeypatch: pytest.MonkeyPatch, qapp: object, tmp_path: Path
) -> None:
    refused = ("print.refused", "未接受", "refused")
    monkeypatch.setattr(cups_queue, "refusal_after", lambda _name: refused)
    printer = qt_print.make_printer(output_pdf=tmp_path / "out.pdf")
    with pytest.raises(qt_print.PrintError) as e:
        qt_print.print_pdf(_two_page_pdf(), printer)
    assert e.value.code == "print.refused"
    monkeypatch.setattr(cups_queue, "refusal_before", lambda _name: refused)
    with pytest.raises(qt_print.PrintError):
        qt_print.print_pdf(_two_page_pdf(), qt_print.make_printer(output_pdf=tmp_path / "b.pdf"))
    assert not (tmp_path / "b.pdf").exists()  # refused before anything was painted


def test_a_job_that_fails_after_cups_took_it_is_a_print_error(
    monkeypatch: pytest.MonkeyPatch, qapp: object, tmp_path: Path
) -> None:
    """CUPS took the job and the printer then failed (aborted, cancelled, the queue stopped):
    the receipt was recorded printed. The job's outcome is asked after the painting, under the
    title the print gave the job (tests/integration/payments/test_print_job_outcome.py follows
    real jobs)."""
    asked: list[tuple[str, str]] = []

    def failed(name: str, title: str) -> cups_queue.Refusal:
        asked.append((name, title))
        return ("print.failed", "未印出", "printed nothing")

    monkeypatch.setattr(cups_queue, "job_outcome", failed)
    printer = qt_print.make_printer(output_pdf=tmp_path / "out.pdf")
    with pytest.raises(qt_print.PrintError) as e:
        qt_print.print_pdf(_two_page_pdf(), printer)
    assert e.value.code == "print.failed" and asked == [("", printer.docName())]
