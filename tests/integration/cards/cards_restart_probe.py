"""Runs inside a private PID/mount/network namespace (see test_cards_pcscd_restart.py): starts
its own pcscd, watches readers, kills pcscd and starts it again, and prints what the monitor
reported as JSON lines. Never touches the machine's shared pcscd."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import cards_vcard as vc

from eservice_desktop.devices import pcsc


def start_pcscd() -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        ["pcscd", "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", vc.PORTS[0]), timeout=0.2).close()
            return proc
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main() -> None:
    log: list[pcsc.ReaderStatus] = []
    reader = vc.READER_NAMES[0]

    def last() -> pcsc.ReaderStatus | None:
        mine = [s for s in log if s.reader == reader]
        return mine[-1] if mine else None

    def out(step: str) -> None:
        st = last()
        print(
            json.dumps(
                {
                    "step": step,
                    "state": str(st.state) if st else None,
                    "detail": st.detail if st else None,
                    "has_record": bool(st and st.record),
                }
            ),
            flush=True,
        )

    proc = start_pcscd()
    # Seconds between tries to reach the service again: long enough for the card kept in the
    # reader below to be seen by the restarted service before the monitor is back.
    monitor = pcsc.PcscMonitor(log.append, retry_s=3.0).start()
    card = vc.VirtualCard(vc.nhi_handler(vc.nhi_record("王小明".encode("big5"))))
    card.insert()
    vc.wait_for(lambda: (s := last()) is not None and s.state == pcsc.ReaderState.SHOWN, 10)
    out("shown")
    proc.terminate()
    proc.wait(timeout=10)
    vc.wait_for(lambda: (s := last()) is not None and s.detail == "service_down", 10)
    out("service_down")
    card.remove()
    proc = start_pcscd()
    vc.wait_for(lambda: (s := last()) is not None and s.state == pcsc.ReaderState.NO_CARD, 10)
    out("service_back")
    card.insert()
    vc.wait_for(lambda: (s := last()) is not None and s.state == pcsc.ReaderState.SHOWN, 10)
    out("shown_again")
    # The service restarts with the card kept in (vpcd drops it with pcscd: it is put back at
    # once): never said gone in between.
    proc.terminate()
    proc.wait(timeout=10)
    vc.wait_for(lambda: (s := last()) is not None and s.detail == "service_down", 10)
    since = len(log)
    card.remove()
    proc = start_pcscd()
    card.insert()
    vc.wait_for(lambda: any(st.reader == reader and st.atr for st in pcsc.snapshot(False)), 10)
    out("card_back_before_the_monitor")  # still service_down: the monitor is not back yet
    vc.wait_for(lambda: (s := last()) is not None and s.state == pcsc.ReaderState.SHOWN, 10)
    kept = [str(st.state) for st in log[since:] if st.reader == reader]
    print(json.dumps({"step": "kept_in", "states": kept}), flush=True)
    card.remove()
    monitor.stop()
    proc.terminate()
    proc.wait(timeout=10)


if __name__ == "__main__":
    main()
