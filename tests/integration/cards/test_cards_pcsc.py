"""NHI and other cards through the real PC/SC stack: pcscd + vpcd + virtual cards."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import cards_vcard as vc
import pytest
from cards_vcard import wait_for

from eservice_desktop.devices import pcsc
from eservice_desktop.devices.pcsc import ReaderState, ReaderStatus

pytestmark = pytest.mark.pcsc

PLAIN = vc.nhi_record("王小明".encode("big5"))


def reader_status(reader: str) -> ReaderStatus | None:
    for st in pcsc.snapshot():
        if st.reader == reader and st.state not in (ReaderState.NO_CARD, ReaderState.READING):
            return st
    return None


def test_reads_valid_nhi_card(cards: Callable[..., vc.VirtualCard]) -> None:
    cards(vc.nhi_handler(PLAIN)).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus)
    assert st.state == ReaderState.SHOWN and st.card == "nhi"
    assert st.record is not None
    assert (st.record.name, st.record.national_id, st.record.birth_roc) == (
        "王小明",
        "A123456789",
        "0750312",
    )
    assert st.record.id_checksum_ok


def test_rare_character_needs_cp950(cards: Callable[..., vc.VirtualCard]) -> None:
    cards(vc.nhi_handler(vc.nhi_record("林碁明".encode("cp950")))).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus) and st.record is not None
    assert (st.record.name, st.record.name_flag) == ("林碁明", "cp950")


def test_undecodable_name_is_flagged(cards: Callable[..., vc.VirtualCard]) -> None:
    cards(vc.nhi_handler(vc.nhi_record("王堃".encode("big5hkscs")))).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus) and st.record is not None
    assert st.record.name == "" and st.record.name_flag == "undecodable"


def test_a_name_of_control_characters_is_flagged(cards: Callable[..., vc.VirtualCard]) -> None:
    """A damaged card whose name bytes hold control characters (Big5 passes 0x01..0x1F through)
    showed 王, a line break and a box as the name, unflagged, and offered it to the form."""
    raw = "王".encode("big5") + b"\n\x07" + "明".encode("big5")
    cards(vc.nhi_handler(vc.nhi_record(raw))).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus) and st.record is not None
    assert (st.record.name, st.record.name_flag) == ("", "undecodable")
    assert st.record.name_raw_hex == raw.hex().upper()
    assert st.record.national_id == "A123456789"  # the rest of the record is still read


def test_garbage_response_is_unreadable(cards: Callable[..., vc.VirtualCard]) -> None:
    cards(vc.nhi_handler(PLAIN, garbage=True)).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus)
    assert (st.state, st.card, st.detail) == (ReaderState.UNREADABLE, "nhi", "bad_record")
    assert st.record is None


def test_unrelated_card_is_left_alone(cards: Callable[..., vc.VirtualCard]) -> None:
    card = cards(vc.unrelated_handler()).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus)
    assert (st.state, st.card, st.detail) == (ReaderState.UNREADABLE, "other", "not_nhi")
    # Only SELECTs were sent: nothing was read from a card that is not ours.
    assert card.apdus and all(a[:2] == b"\x00\xa4" for a in card.apdus)


def test_t0_card_with_61xx_and_6cxx(cards: Callable[..., vc.VirtualCard]) -> None:
    card = cards(vc.t0_nhi_handler(PLAIN), atr=vc.ATR_T0).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus) and st.record is not None
    assert st.record.name == "王小明"
    sent = [a.hex().upper() for a in card.apdus]
    assert "00CA110002000039" in sent  # resent with the length the card asked for (6C39)
    assert "00C0000039" in sent  # GET RESPONSE after 6139


def test_fifteen_byte_aid(cards: Callable[..., vc.VirtualCard]) -> None:
    cards(vc.nhi_handler(PLAIN, aid15_only=True)).insert()
    st = wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    assert isinstance(st, ReaderStatus) and st.state == ReaderState.SHOWN


class Recorder:
    def __init__(self) -> None:
        self.items: list[ReaderStatus] = []
        self.lock = threading.Lock()

    def __call__(self, st: ReaderStatus) -> None:
        with self.lock:
            self.items.append(st)

    def states(self, reader: str) -> list[ReaderState]:
        with self.lock:
            return [s.state for s in self.items if s.reader == reader]

    def last(self, reader: str) -> ReaderStatus | None:
        with self.lock:
            mine = [s for s in self.items if s.reader == reader]
        return mine[-1] if mine else None


def test_monitor_insert_remove_reinsert_on_second_reader(
    cards: Callable[..., vc.VirtualCard],
) -> None:
    rec = Recorder()
    monitor = pcsc.PcscMonitor(rec).start()
    try:
        reader = vc.READER_NAMES[1]
        wait_for(lambda: rec.last(reader) is not None)
        card = cards(vc.nhi_handler(PLAIN), port=vc.PORTS[1]).insert()
        wait_for(lambda: (s := rec.last(reader)) is not None and s.state == ReaderState.SHOWN)
        shown = rec.last(reader)
        assert shown is not None and shown.record is not None
        card.remove()
        wait_for(lambda: (s := rec.last(reader)) is not None and s.state == ReaderState.NO_CARD)
        last = rec.last(reader)
        assert last is not None and last.record is None
        # Reinsertion reconnects (the old connection is dead) and reads again.
        card.insert()
        wait_for(lambda: (s := rec.last(reader)) is not None and s.state == ReaderState.SHOWN)
        states = rec.states(reader)
        assert states.count(ReaderState.SHOWN) == 2
        assert states.count(ReaderState.READING) == 2
        # The other reader never saw anything.
        assert set(rec.states(vc.READER_NAMES[0])) == {ReaderState.NO_CARD}
    finally:
        monitor.stop()


def test_card_pulled_mid_read_shows_nothing(cards: Callable[..., vc.VirtualCard]) -> None:
    rec = Recorder()
    monitor = pcsc.PcscMonitor(rec).start()
    try:
        reader = vc.READER_NAMES[0]
        wait_for(lambda: rec.last(reader) is not None)
        cards(vc.nhi_handler(PLAIN, pull_on_read=True)).insert()
        wait_for(lambda: ReaderState.READING in rec.states(reader))
        wait_for(lambda: (s := rec.last(reader)) is not None and s.state == ReaderState.NO_CARD)
        assert ReaderState.SHOWN not in rec.states(reader)
        assert all(s.record is None for s in rec.items)
    finally:
        monitor.stop()


def test_a_card_slow_to_answer_holds_no_other_reader(
    cards: Callable[..., vc.VirtualCard],
) -> None:
    """A card in one reader that takes its time over READ (or never answers) held the monitor
    with it: a card in the other reader was not seen, nor its removal (the operator's own card
    pulled from lock_card_reader locked nothing), until that read ended."""
    answer = threading.Event()
    plain = vc.nhi_handler(PLAIN)

    def slow(apdu: bytes) -> bytes | object:
        if apdu[:2] == b"\x00\xca":
            answer.wait(30)
        return plain(apdu)

    rec = Recorder()
    monitor = pcsc.PcscMonitor(rec).start()
    slow_reader, other = vc.READER_NAMES
    try:
        wait_for(lambda: rec.last(other) is not None)
        cards(slow).insert()
        wait_for(lambda: ReaderState.READING in rec.states(slow_reader))
        card = cards(vc.nhi_handler(PLAIN), port=vc.PORTS[1]).insert()
        wait_for(lambda: (s := rec.last(other)) is not None and s.state == ReaderState.SHOWN)
        card.remove()
        wait_for(lambda: (s := rec.last(other)) is not None and s.state == ReaderState.NO_CARD)
        assert rec.states(slow_reader)[-1] == ReaderState.READING  # still waiting for its card
        answer.set()
        wait_for(lambda: rec.states(slow_reader)[-1] == ReaderState.SHOWN)
    finally:
        answer.set()
        monitor.stop()


def test_cli_card_read_and_status(cards: Callable[..., vc.VirtualCard], data_dir: Path) -> None:
    cards(vc.nhi_handler(PLAIN)).insert()
    wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    env = {**os.environ, "ESERVICE_DATA_DIR": str(data_dir)}
    base = [sys.executable, "-m", "eservice_desktop"]
    out = subprocess.run([*base, "card", "read", "--json"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    import json

    data = json.loads(out.stdout)
    assert data["name"] == "王小明" and data["source"] == "nhi" and data["verified"] is False
    out = subprocess.run(
        [*base, "card", "status", "--json"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    states = {r["reader"]: r["state"] for r in status["readers"]}
    assert states[vc.READER_NAMES[0]] == "shown"
    assert "王小明" not in out.stdout  # status does not print personal data


def test_cli_card_read_without_nhi_card(pcscd: None, data_dir: Path) -> None:
    env = {**os.environ, "ESERVICE_DATA_DIR": str(data_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "card", "read", "--json", "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 2
    assert "No NHI card" in out.stderr


def test_cli_card_status_says_each_reader_in_the_chosen_language(
    cards: Callable[..., vc.VirtualCard], data_dir: Path
) -> None:
    """``card status`` printed its codes in either language ("Virtual PCD 00 00: shown nhi",
    "Virtual PCD 00 01: no_card"): the text now says what each reader holds, as the identity
    panel does; the JSON keeps the codes."""
    cards(vc.nhi_handler(PLAIN)).insert()
    wait_for(lambda: reader_status(vc.READER_NAMES[0]))
    env = {**os.environ, "ESERVICE_DATA_DIR": str(data_dir)}
    env.pop("ESERVICE_LANG", None)
    base = [sys.executable, "-m", "eservice_desktop", "card", "status"]

    zh = subprocess.run(base, capture_output=True, text=True, env=env)
    assert zh.returncode == 0, zh.stderr
    assert f"{vc.READER_NAMES[0]}：已讀取健保卡" in zh.stdout.splitlines(), zh.stdout
    en = subprocess.run([*base, "--lang", "en"], capture_output=True, text=True, env=env)
    assert en.returncode == 0, en.stderr
    assert f"{vc.READER_NAMES[0]}: NHI card read" in en.stdout.splitlines(), en.stdout
    for code in ("shown", "nhi", "no_card"):
        assert code not in zh.stdout and code not in en.stdout, (zh.stdout, en.stdout)
    assert "王小明" not in zh.stdout + en.stdout  # status does not print personal data


def test_a_card_that_never_answers_is_said_and_the_other_reader_still_read(
    cards: Callable[..., vc.VirtualCard], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``card status``/``card read`` read each card in turn: a card that takes every APDU and
    answers none held the command for good (Ctrl+C too, inside SCardTransmit), so IT's ``card
    status`` never came back. Its reader is now said as ``no_answer`` and the next one read."""
    import time

    from eservice_desktop.devices import pcsc_snapshot

    monkeypatch.setattr(pcsc_snapshot, "READ_S", 2.0)
    release = threading.Event()

    def mute(_apdu: bytes) -> bytes:
        release.wait(120)
        return vc.INS_NOT_SUPPORTED

    try:
        cards(mute).insert()
        cards(vc.nhi_handler(PLAIN), port=vc.PORTS[1]).insert()
        wait_for(lambda: sum(bool(st.atr) for st in pcsc.snapshot(read_cards=False)) == 2)
        began = time.monotonic()
        seen = {st.reader: st for st in pcsc.snapshot()}
        assert time.monotonic() - began < 8
        mute_reader, other = seen[vc.READER_NAMES[0]], seen[vc.READER_NAMES[1]]
        assert (mute_reader.state, mute_reader.detail) == (ReaderState.ERROR, "no_answer")
        assert other.state == ReaderState.SHOWN and other.record is not None
    finally:
        release.set()


def test_the_monitor_says_a_card_that_never_answers_and_reads_it_again_reinserted(
    cards: Callable[..., vc.VirtualCard],
) -> None:
    """The window's reader said 讀卡中… for as long as a mute card stayed in: its read waits
    on the card, and nothing else moved the reader on. After ``read_s`` it is said in error
    (the panel: 讀卡發生錯誤，請重新插卡), and the card taken out and put back is read."""
    release = threading.Event()

    def mute(_apdu: bytes) -> bytes:
        release.wait(120)
        return vc.INS_NOT_SUPPORTED

    rec = Recorder()
    monitor = pcsc.PcscMonitor(rec, read_s=2.0).start()
    reader = vc.READER_NAMES[0]
    try:
        wait_for(lambda: rec.last(reader) is not None)
        card = cards(mute).insert()
        wait_for(lambda: ReaderState.READING in rec.states(reader))
        wait_for(lambda: (s := rec.last(reader)) is not None and s.detail == "no_answer", 10)
        assert rec.last(reader).state == ReaderState.ERROR  # type: ignore[union-attr]
        card.remove()
        release.set()
        wait_for(lambda: (s := rec.last(reader)) is not None and s.state == ReaderState.NO_CARD)
        cards(vc.nhi_handler(PLAIN)).insert()
        wait_for(lambda: (s := rec.last(reader)) is not None and s.state == ReaderState.SHOWN)
    finally:
        release.set()
        monitor.stop()
