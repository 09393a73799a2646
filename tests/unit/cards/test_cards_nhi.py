"""NHI record parsing: fields, ROC dates, Big5/cp950 names, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from eservice_desktop.devices.nhi import (
    NhiFormatError,
    decode_name,
    parse_record,
    roc_date,
)


def record(name: bytes, national_id: bytes = b"A123456789", birth: bytes = b"0750312") -> bytes:
    return b"000012345678" + name.ljust(20, b"\x00") + national_id + birth + b"M" + b"1100101"


def test_parse_plain_big5_name() -> None:
    rec = parse_record(record("王小明".encode("big5")))
    assert rec.name == "王小明" and rec.name_flag == ""
    assert rec.national_id == "A123456789" and rec.id_checksum_ok
    assert rec.birth == date(1986, 3, 12) and rec.sex == "M"
    assert rec.issued == date(2021, 1, 1)
    assert rec.applicant() == {
        "id": "A123456789",
        "name": "王小明",
        "birth": "1986-03-12",
        "source": "nhi",
        "name_flag": "",
    }


def test_cp950_extension_character_is_decoded_and_flagged() -> None:
    name, flag = decode_name("林碁明".encode("cp950"))
    assert (name, flag) == ("林碁明", "cp950")


def test_name_outside_big5_and_cp950_is_flagged_not_mangled() -> None:
    raw = "王堃".encode("big5hkscs")
    rec = parse_record(record(raw))
    assert rec.name == "" and rec.name_flag == "undecodable"
    assert rec.name_raw_hex == raw.hex().upper()


def test_control_characters_are_no_name() -> None:
    for raw in (b"\x01\x02", "王".encode("big5") + b"\t" + "明".encode("big5"), b"\x7f"):
        assert decode_name(raw) == ("", "undecodable"), raw


def test_space_padding_is_stripped() -> None:
    assert decode_name("陳一".encode("big5").ljust(20, b" ")) == ("陳一", "")


def test_bad_checksum_is_reported_not_refused() -> None:
    rec = parse_record(record("王小明".encode("big5"), national_id=b"A123456780"))
    assert not rec.id_checksum_ok


@pytest.mark.parametrize(
    "data",
    [
        b"\x01\x02garbage",
        b"X" * 57,
        record("王".encode("big5"), birth=b"0751340"),
        record("王".encode("big5"), national_id=b"1234567890"),
    ],
)
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(NhiFormatError):
        parse_record(data)


def test_roc_date() -> None:
    assert roc_date("1150310") == date(2026, 3, 10)
    assert roc_date("0010101") == date(1912, 1, 1)
    assert roc_date("115023") is None
    assert roc_date("1150230") is None


def test_card_read_skips_the_operators_own_card(monkeypatch: pytest.MonkeyPatch) -> None:
    # `card read` read the clerk's own card in lock_card_reader as the applicant's.
    from eservice_desktop.devices import pcsc
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services import identity_nhi

    name = "王小明".encode("big5").ljust(20, b"\0")
    record_ = parse_record(b"000012345678" + name + b"A1234567890750312M1100101")
    own = pcsc.ReaderStatus("Lock", pcsc.ReaderState.SHOWN, 1, "nhi", record=record_)
    empty = pcsc.ReaderStatus("Counter", pcsc.ReaderState.NO_CARD)
    monkeypatch.setattr(identity_nhi, "card_status", lambda: [own, empty])
    with pytest.raises(DomainError) as e:
        identity_nhi.read_nhi(except_reader="Lock")
    assert e.value.code == "card.no_nhi"
    assert identity_nhi.read_nhi() is own
