"""The shift-start checks of doctor against real things: SoftHSM2's PKCS#11 module, a pinned
trust anchor directory and CRLs accepted into the office database, the events waiting for the
county, a private CUPS scheduler with a loopback printer, and a pseudo-terminal as the serial
scanner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cups_support import Cups, cups_fixture  # noqa: F401 (the `cups` fixture)
from factories import new_case

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services import doctor, identity
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "cards"))
import cards_pki as cp


def _at(moment: datetime) -> Any:
    return lambda: moment


# --- PKCS#11 and trust anchors ---------------------------------------------------------------


def test_pkcs11_module_missing_or_broken_fails_and_softhsm_loads(
    settings: Settings, tmp_path: Path
) -> None:
    assert doctor.check_pkcs11(settings).status == "warn"  # not configured: no MOICA proofs
    settings.pkcs11_module = str(tmp_path / "HiCOSPKCS11.so")
    missing = doctor.check_pkcs11(settings)
    assert missing.status == "fail" and "HiCOS" in missing.fix_en and "HiCOS" in missing.fix_zh
    (tmp_path / "HiCOSPKCS11.so").write_bytes(b"not a shared library")
    broken = doctor.check_pkcs11(settings)
    assert broken.status == "fail" and "does not load" in broken.detail_en
    cp.shared_pki()  # SOFTHSM2_CONF for this process
    settings.pkcs11_module = cp.SOFTHSM_MODULE
    ok = doctor.check_pkcs11(settings)
    assert ok.status == "ok", ok.detail_en
    assert ok.data["slots"] >= 1 and "SoftHSM" in ok.data["manufacturer"]


def test_trust_anchors_missing_unpinned_expiring_and_good(
    settings: Settings, tmp_path: Path
) -> None:
    tpki = cp.shared_pki()[0]
    assert doctor.check_trust_anchors(settings).status == "warn"
    folder = tmp_path / "anchors"
    folder.mkdir()
    (folder / "grca.pem").write_bytes(tpki.root.pem)
    settings.trust_anchor_dir = str(folder)
    unpinned = doctor.check_trust_anchors(settings)
    assert unpinned.status == "fail" and "pins.sha256" in unpinned.detail_en
    tpki.write_anchors(folder)
    ok = doctor.check_trust_anchors(settings, now=_at(cp.NOW))
    assert ok.status == "ok" and len(ok.data["anchors"]) == 2
    expires = min(datetime.fromisoformat(a["not_after"]) for a in ok.data["anchors"])
    soon = doctor.check_trust_anchors(settings, now=_at(expires - timedelta(days=10)))
    assert soon.status == "warn" and "10 days" in soon.detail_en
    gone = doctor.check_trust_anchors(settings, now=_at(expires + timedelta(days=1)))
    assert gone.status == "fail" and "expired" in gone.detail_en


# --- CRL age ---------------------------------------------------------------------------------


def test_crl_none_fresh_old_and_past_next_update(app: App, tmp_path: Path) -> None:
    tpki = cp.shared_pki()[0]
    s = app.settings
    assert doctor.check_crl(s).status == "warn"  # no PKI configured at all
    s.trust_anchor_dir = str(tpki.write_anchors(tmp_path / "anchors"))
    none = doctor.check_crl(s)
    assert none.status == "fail" and "crl update" in none.fix_en and "crl update" in none.fix_zh
    issued = cp.NOW - timedelta(hours=6)
    for data in (
        tpki.crl(this_update=issued, next_update=cp.NOW + timedelta(days=7)),
        tpki.arl(this_update=issued, next_update=cp.NOW + timedelta(days=7)),
    ):
        assert identity.accept_crl(app, data, "test").accepted
    fresh = doctor.check_crl(s, now=_at(cp.NOW))
    assert fresh.status == "ok" and len(fresh.data["lists"]) == 2
    assert fresh.data["oldest_age_h"] == 6.0
    old = doctor.check_crl(s, now=_at(cp.NOW + timedelta(days=3)))
    assert old.status == "warn" and "78 h" in old.detail_en
    stale = doctor.check_crl(s, now=_at(cp.NOW + timedelta(days=8)))
    assert stale.status == "fail" and "next update" in stale.detail_en
    # A cached list's file gone (the proofs say "cached CRL unreadable"): said, not "ok".
    next((s.data_dir / "crl").glob("*.serials")).unlink()
    gone = doctor.check_crl(s, now=_at(cp.NOW))
    assert gone.status == "fail" and "missing" in gone.detail_en and "crl update" in gone.fix_en


# --- next year's calendar --------------------------------------------------------------------


def test_next_years_calendar_missing_warns_from_october_and_fails_in_december(
    settings: Settings,
) -> None:
    years = {2026, 2027}
    november = doctor.check_calendar(settings, datetime(2027, 11, 30, 2, tzinfo=UTC), years)
    assert november.status == "warn" and november.data["missing"] == [2028]
    # 2027-11-30 16:00 UTC is already 1 December in Taipei
    december = doctor.check_calendar(settings, datetime(2027, 11, 30, 16, tzinfo=UTC), years)
    assert december.status == "fail" and "calendar import" in december.fix_en
    assert "117" in december.detail_zh
    ready = doctor.check_calendar(settings, datetime(2027, 12, 15, tzinfo=UTC), years | {2028})
    assert ready.status == "ok"


# --- sync backlog and backup age -------------------------------------------------------------


def test_sync_backlog_age_of_the_oldest_unacknowledged_event(app: App, clock: Any) -> None:
    s = app.settings
    assert doctor.check_sync_backlog(s).status == "ok"  # nothing waiting
    new_case(app)
    start = clock.now
    # not enrolled yet: `sync once` could send nothing, the fix is the enrolment
    early = doctor.check_sync_backlog(s, now=_at(start + timedelta(hours=25)))
    assert (
        early.status == "fail" and "sync enrol" in early.fix_en and "sync once" not in early.fix_en
    )
    with app.transaction() as t:
        from eservice_desktop.services.sync.state import set_state

        set_state(t, "enrolled", '{"device_key": "H01-01"}', start)
    assert doctor.check_sync_backlog(s, now=_at(start + timedelta(minutes=30))).status == "ok"
    warn = doctor.check_sync_backlog(s, now=_at(start + timedelta(hours=3)))
    assert warn.status == "warn" and warn.data["pending"] == 2
    assert warn.data["oldest_age_h"] == 3.0 and "sync once" in warn.fix_en
    fail = doctor.check_sync_backlog(s, now=_at(start + timedelta(hours=25)))
    assert fail.status == "fail" and "sync once" in fail.fix_zh
    assert fail.detail_zh.endswith("最舊的已等候 25.0 小時")
    # past two days in days (eight weeks read 「1370.1 小時」), the figure kept in hours
    weeks = doctor.check_sync_backlog(s, now=_at(start + timedelta(weeks=8)))
    assert weeks.detail_zh.endswith("最舊的已等候 56 天") and weeks.detail_en.endswith("56 days")
    assert weeks.data["oldest_age_h"] == 56 * 24
    with app.transaction() as t:
        from sqlalchemy import update

        from eservice_desktop.storage.models import EventRow

        t.execute(update(EventRow).values(acked_at=start))
    acked = doctor.check_sync_backlog(s, now=_at(start + timedelta(hours=25)))
    assert acked.status == "ok" and acked.data["pending"] == 0


def test_the_backlog_is_aged_by_the_clock_its_events_are_dated_by(app: App, clock: Any) -> None:
    """Events carry the county's time (the PC's clock plus the offset a round learned); doctor
    aged them by the PC's own: on a PC 8 hours ahead, a case taken in a minute ago read as
    waiting 8 hours at every shift start (and on one behind, a day's backlog read as fresh)."""
    from eservice_desktop.services.sync.state import set_state

    ahead = timedelta(hours=8)
    with app.transaction() as t:
        set_state(t, "clock_offset_s", f"{-ahead.total_seconds():.3f}", clock.now)
        set_state(t, "enrolled", '{"device_key": "H01-01"}', clock.now)
    new_case(app)  # dated by the county's time
    pc_clock = _at(clock.now + ahead + timedelta(minutes=1))
    checks = doctor.run_checks(app.settings, network=False, now=pc_clock)
    backlog = next(c for c in checks.checks if c.key == "sync_backlog")
    assert backlog.status == "ok", backlog.detail_en
    assert backlog.data["oldest_age_h"] == round(1 / 60, 2)


def test_shift_start_set_fails_on_an_old_backup(app: App, clock: Any) -> None:
    from eservice_desktop.services import backup

    new_case(app)
    backup.take(app, "manual")
    later = _at(clock.now + timedelta(hours=30))
    report = doctor.run_checks(app.settings, network=False, now=later, shift_start=True)
    by_key = {c.key: c for c in report.checks}
    assert by_key["backup"].status == "fail" and report.status == "fail"
    assert set(by_key) <= set(doctor.SHIFT_START)
    assert {"test_print", "test_scan", "pkcs11", "crl", "sync_backlog"} <= set(by_key)
    assert "fonts" not in by_key and report.to_json()["set"] == "shift_start"


# --- test print through CUPS -----------------------------------------------------------------


def test_test_print_reaches_the_printer_through_cups(
    settings: Settings, cups: Cups, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", cups.server)
    assert doctor.check_test_print(settings).status == "warn"  # no printer configured
    settings.printer_name = "NoSuchQueue"
    wrong = doctor.check_test_print(settings)
    assert wrong.status == "fail" and "NoSuchQueue" in wrong.detail_en
    settings.printer_name = cups.printer
    ok = doctor.check_test_print(settings)
    assert ok.status == "ok", ok.detail_en
    assert ok.data["job"].startswith(f"{cups.printer}-")
    deadline = time.monotonic() + 10
    while not cups.device.jobs and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cups.device.jobs and cups.device.jobs[0].startswith(b"%PDF")
    # the printer's queue stopped (paper out, IT disabled it): the job never leaves
    subprocess.run(["cupsdisable", "-h", cups.server, cups.printer], check=True)
    stuck = doctor.check_test_print(settings, timeout=1.0)
    assert stuck.status == "fail" and "cupsenable" in stuck.fix_en
    # and the page is taken out of the queue: it came out when the printer was back, hours later
    assert stuck.detail_en.endswith("(cancelled)") and stuck.detail_zh.endswith("（已取消）")
    left = subprocess.run(["lpstat", "-h", cups.server, "-o", cups.printer], capture_output=True)
    assert stuck.data["job"] not in left.stdout.decode(), left.stdout
    subprocess.run(["cupsenable", "-h", cups.server, cups.printer], check=True)
    time.sleep(1.0)
    assert len(cups.device.jobs) == 1  # the stopped queue's test page never printed


def test_a_stopped_queue_named_in_other_letters_fails_the_test_print(
    settings: Settings, cups: Cups, monkeypatch: pytest.MonkeyPatch
) -> None:
    """printer_name "receipt80" for the queue Receipt80 (any letters: it-guide §3): lp named
    the job receipt80-2, lpstat listed it as Receipt80-2, so the job never seemed to be in the
    queue and a stopped printer's test page was 測試頁已送至 receipt80 (ok) at once."""
    monkeypatch.setenv("CUPS_SERVER", cups.server)
    subprocess.run(["cupsdisable", "-h", cups.server, cups.printer], check=True)
    settings.printer_name = cups.printer.lower()
    stuck = doctor.check_test_print(settings, timeout=1.0)
    assert stuck.status == "fail", stuck.detail_en
    assert "did not print within 1 s" in stuck.detail_en and "cupsenable" in stuck.fix_en
    subprocess.run(["cupsenable", "-h", cups.server, cups.printer], check=True)
    ok = doctor.check_test_print(settings)
    assert ok.status == "ok", ok.detail_en


# --- test scan on a serial port --------------------------------------------------------------


def test_test_scan_opens_the_serial_scanner_and_reads_a_scan(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import serial

    opened = threading.Event()

    class Watched(serial.Serial):  # type: ignore[misc]
        """The real port; says when it is open (opening flushes what came before)."""

        def open(self) -> None:
            super().open()
            opened.set()

    monkeypatch.setattr(serial, "Serial", Watched)
    wedge = doctor.check_test_scan(settings)
    assert wedge.status == "ok" and wedge.data["mode"] == "keyboard"
    settings.scanner_serial_port = "/dev/ttyNOSCANNER"
    assert doctor.check_test_scan(settings).status == "fail"
    master, slave = os.openpty()
    try:
        settings.scanner_serial_port = os.ttyname(slave)
        assert doctor.check_test_scan(settings).status == "ok"
        silent = doctor.check_test_scan(settings, wait_s=0.5)
        assert silent.status == "fail" and "No scan" in silent.detail_en

        opened.clear()

        def scan() -> None:
            # once the check has the port open: a fixed pause lost the scan to pyserial's
            # flush at open whenever a loaded machine opened it later than the pause
            if opened.wait(10):
                os.write(master, b"0427-K7M3\r\n")

        threading.Thread(target=scan, daemon=True).start()
        scanned = doctor.check_test_scan(settings, wait_s=5)
        assert scanned.status == "ok" and scanned.data["received_chars"] == 9
        assert "0427" not in json.dumps(scanned.to_json())  # what was scanned is not kept
    finally:
        os.close(master)
        os.close(slave)


# --- the command -----------------------------------------------------------------------------


def test_cli_shift_start_adds_to_the_json_shape(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(settings.data_dir)
    main(["--data-dir", data, "doctor", "--no-network", "--json"])
    full = json.loads(capsys.readouterr().out)
    assert set(full) == {"status", "version", "set", "checks"} and full["set"] == "full"
    keys = [c["key"] for c in full["checks"]]
    assert {"pkcs11", "trust_anchors", "crl", "sync_backlog"} <= set(keys)
    assert "test_print" not in keys and "test_scan" not in keys  # no paper used by default
    for c in full["checks"]:
        assert set(c) >= {"key", "status", "title_zh", "title_en", "fix_zh", "fix_en", "data"}
    main(["--data-dir", data, "doctor", "--no-network", "--shift-start", "--json"])
    shift = json.loads(capsys.readouterr().out)
    keys = [c["key"] for c in shift["checks"]]
    assert shift["set"] == "shift_start" and "test_print" in keys and "test_scan" in keys
    assert "fonts" not in keys
    assert all(c["fix_zh"] and c["fix_en"] for c in shift["checks"] if c["status"] != "ok")
    with pytest.raises(SystemExit) as refused:
        main(["--data-dir", data, "doctor", "--no-network", "--scan-wait", "-1"])
    assert refused.value.code == 2
