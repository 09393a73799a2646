"""The per-reader state machine that drives the identity panel."""

from __future__ import annotations

from eservice_desktop.devices.nhi import parse_record
from eservice_desktop.devices.pcsc import ReaderMachine, ReaderState

RECORD = parse_record(
    b"000012345678" + "王小明".encode("big5").ljust(20, b"\x00") + b"A1234567890750312M1100101"
)


def test_full_cycle() -> None:
    m = ReaderMachine("r")
    assert m.status.state == ReaderState.NO_READER
    assert m.reader_added().state == ReaderState.NO_CARD
    st = m.card_inserted("3B00")
    assert st.state == ReaderState.READING and st.generation == 1
    shown = m.read_done(st.generation, RECORD)
    assert shown is not None and shown.state == ReaderState.SHOWN and shown.record == RECORD
    out = m.card_removed()
    assert out.state == ReaderState.NO_CARD and out.record is None
    assert m.reader_removed().state == ReaderState.NO_READER


def test_result_of_a_pulled_card_is_ignored() -> None:
    m = ReaderMachine("r")
    m.reader_added()
    first = m.card_inserted("3B00")
    m.card_removed()
    assert m.read_done(first.generation, RECORD) is None
    second = m.card_inserted("3B00")
    assert m.read_done(first.generation, RECORD) is None
    assert m.status.state == ReaderState.READING and second.generation == 2


def test_unreadable_and_error() -> None:
    m = ReaderMachine("r")
    m.reader_added()
    st = m.card_inserted("3B00")
    out = m.read_failed(st.generation, ReaderState.UNREADABLE, "other", "not_nhi")
    assert out is not None and (out.state, out.card, out.detail) == (
        ReaderState.UNREADABLE,
        "other",
        "not_nhi",
    )
    # A second result for the same insertion cannot overwrite the first.
    assert m.read_done(st.generation, RECORD) is None


def test_service_down_drops_data() -> None:
    m = ReaderMachine("r")
    m.reader_added()
    st = m.card_inserted("3B00")
    m.read_done(st.generation, RECORD)
    down = m.service_down()
    assert down.state == ReaderState.ERROR and down.detail == "service_down"
    assert down.record is None
    assert m.reader_added().state == ReaderState.NO_CARD
