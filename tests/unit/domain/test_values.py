"""One definition of a valid value (domain.values / domain.event_values), checked directly."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values as v
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import Event

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def received(**payload: object) -> Event:
    base: dict[str, object] = {
        "case_number": str(CaseNumber("H02", "01", 115, 1)),
        "service_code": "HR-TRANSCRIPT",
        "time_limit_working_days": 1,
        "applicant": {
            "kind": "person",
            "id_type": "national_id",
            "id": "A123456789",
            "name": "王小明",
        },
        "pickup": {"method": "counter", "office": "H03"},
    }
    base.update(payload)
    return Event(
        "0b7d3c6e-5b7a-4e0e-8f3e", "6f1c2a8e-0d8b", ev.RECEIVED, "H02", "01", "c", AT, base
    )


@pytest.mark.parametrize(
    "name",
    [
        "王小明",
        "𠀀𪜀",
        "𫝀𬺰𰻞",
        "\U00031350",
        "\ue000造字",
        "Anne-Marie O'Neil",
        "陳 大文",
        "葛\U000e0100",  # an ideographic variation selector: the registered glyph of 葛
    ],
)
def test_names_keep_every_legitimate_character(name: str) -> None:
    assert v.check_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "王\x00明",
        "王\x1b[31m明",
        "abc\u202edcba",
        "王\ud800",
        "王\uffff",
        "王\ufdd0",
        "王\x85",
        "x" * 61,
        "   ",
        "王\u2066明",
        "王\u200b小明",  # invisible format characters: the same name on screen, another to search
        "王小明\ufeff",
        "林\u00ad美玲",
        "王\u2060明",
    ],
)
def test_names_refuse_control_bidi_surrogates_noncharacters(name: str) -> None:
    with pytest.raises(DomainError):
        v.check_name(name)


def test_a_name_a_wrong_encoding_left_unreadable_is_refused_saying_so() -> None:
    """王\ufffd明 (a Big5 list opened as UTF-8, a name pasted from it) was stored and printed on
    the receipt as it was; the light form the payload classes use took it too."""
    with pytest.raises(DomainError) as info:
        v.check_name("王\ufffd明", label=v.APPLICANT_NAME)
    assert info.value.code == "value.character"
    assert "無法辨識的字（U+FFFD" in info.value.message_zh
    assert "type it again from the ID document" in info.value.message_en
    assert not v.plain_name("王\ufffd明") and v.plain_name("王𡘙堃")


@pytest.mark.parametrize("value", [-1, 366, 10**7, 1.5, "3", True, None])
def test_working_days_range(value: object) -> None:
    with pytest.raises(DomainError):
        v.check_working_days(value)


@pytest.mark.parametrize("value", [-1, 10**8, 10**20, float("nan"), float("inf"), "5", True])
def test_amounts_are_bounded_integers(value: object) -> None:
    with pytest.raises(DomainError):
        v.check_amount(value)


@pytest.mark.parametrize(
    "at",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
        datetime(2100, 1, 2, tzinfo=UTC),
        datetime(2026, 1, 1),
    ],
)
def test_times_outside_the_window_are_refused_without_overflow(at: datetime) -> None:
    with pytest.raises(DomainError):
        v.check_time(at)


def test_e_mail_is_bounded_and_plain() -> None:
    assert v.check_email("a@b.tw") == "a@b.tw"
    for bad in ("a" * 200 + "@b.tw", "a\x00@b.tw", "no-at", "a@b"):
        with pytest.raises(DomainError):
            v.check_email(bad)


def test_json_refuses_non_finite_and_huge_and_deep() -> None:
    for bad in (
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": 10**20},
        {"x": "\ud800"},
        {"\x00": 1},
    ):
        with pytest.raises(DomainError):
            v.check_json(bad)
    deep: object = 1
    for _ in range(20):
        deep = [deep]
    with pytest.raises(DomainError):
        v.check_json(deep)
    assert v.check_json({"x": 10**20}, exact_ints=False)


def test_pin_is_what_the_gui_accepts() -> None:
    assert v.check_pin("123456") == "123456"
    assert v.check_pin("12a4B6") == "12a4B6"
    for bad in ("", "1" * 17, "12 4", "1" * 300, "١٢٣٤", "12\x00", "ｐｉｎ"):
        with pytest.raises(DomainError):
            v.check_pin(bad)


def test_a_good_received_event_passes() -> None:
    check_event(received())


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"time_limit_working_days": -3}, "value.range"),
        ({"time_limit_working_days": 10**7}, "value.range"),
        ({"case_number": "H03-01-115-000001-2"}, "case_number.check"),
        ({"case_number": str(CaseNumber("H03", "01", 115, 1))}, "case_number.office"),
        ({"case_number": "H02-01-115-000001-9"}, "case_number.check"),
        ({"case_number": "H" * 400}, "value.too_long"),
        ({"email": "x" * 300}, "value.too_long"),
        ({"copies": 0}, "value.range"),
        ({"pickup": {"method": "counter", "office": "h03"}}, "office.format"),
        (
            {
                "applicant": {
                    "kind": "person",
                    "id_type": "national_id",
                    "id": "A123456789",
                    "name": "王\ud800",
                }
            },
            "value.character",
        ),
    ],
)
def test_received_payload_values_are_checked(payload: dict[str, object], code: str) -> None:
    with pytest.raises(DomainError) as e:
        check_event(received(**payload))
    assert e.value.code == code


def test_envelope_clerk_and_time_are_checked() -> None:
    good = received()
    for bad in (
        Event(good.event_id, good.case_id, good.type, "H02", "01", "c" * 200, AT, good.payload),
        Event(good.event_id, good.case_id, good.type, "H02", "01", "c\x00", AT, good.payload),
        Event(
            good.event_id,
            good.case_id,
            good.type,
            "H02",
            "01",
            "c",
            datetime(2100, 6, 1, tzinfo=UTC),
            good.payload,
        ),
        Event("x" * 200, good.case_id, good.type, "H02", "01", "c", AT, good.payload),
    ):
        with pytest.raises(DomainError):
            check_event(bad)


def test_fee_of_ten_to_the_twentieth_is_refused() -> None:
    e = Event(
        "0b7d3c6e-5b7a-4e0e-8f3f",
        "6f1c2a8e-0d8b",
        ev.FEE_ASSESSED,
        "H02",
        "01",
        "c",
        AT,
        {"total": 10**20, "items": []},
    )
    with pytest.raises(DomainError):
        check_event(e)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_either_refused_cleanly_or_encodable(text: str) -> None:
    """Whatever check_text accepts can be encoded as UTF-8 and stored in PostgreSQL text."""
    try:
        ok = v.check_text(text, "x", max_len=80)
    except DomainError:
        return
    ok.encode("utf-8")
    assert "\x00" not in ok


def test_check_applicant_normalises_and_lists_every_field_error() -> None:
    applicant, errors = v.check_applicant(
        "a123456789", "  王  小明 ", "0912-345-678", " ｌｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ "
    )
    assert errors == {}
    assert applicant == {
        "kind": "person",
        "id_type": "national_id",
        "id": "A123456789",
        "name": "王 小明",
        "phone": "0912345678",
        "email": "lin@example.com",  # typed in full-width mode: the address meant
    }
    applicant, errors = v.check_applicant("A123456788", "", "12", "not-mail")
    assert list(errors) == ["applicant_id", "applicant_name", "phone", "email"]
    assert {k: e.field for k, e in errors.items()} == {k: k for k in errors}
    assert errors["applicant_name"].code == "value.required"
    assert errors["email"].code == "email.format"
    assert applicant == {"name": "", "phone": "", "email": "not-mail"}
    blank = DomainError("field.required", "請輸入申請人姓名", "Enter the name", "applicant_name")
    _, errors = v.check_applicant("A123456789", " ", "", "", blank_name=blank)
    assert errors == {"applicant_name": blank}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("\u3164", "value.character"),  # a Hangul filler: a name that shows nothing
        ("王\u3164小明", "value.character"),  # looks like 王 小明, another name to search
        ("\uffa0", "value.character"),
        ("\u2800", "value.character"),  # the blank Braille pattern
        ("\u0301\u0301", "value.marks"),  # combining marks alone: nothing to see
        ("王 \u0301明", "value.marks"),  # a mark on a space
        ("a" + "\u0301" * 4, "value.marks"),  # a pile running over the lines around it
        ("王😀明", "value.symbol"),  # pasted from a chat: printed on the receipt as it was
        ("王小明\U0001f44d\U0001f3fb", "value.symbol"),
        ("★王小明", "value.symbol"),
        ("Lin©", "value.symbol"),
    ],
)
def test_an_applicants_name_must_show_what_it_is(name: str, code: str) -> None:
    """A web application (or a counter's) named the applicant with letters that show nothing
    or marks on nothing: accepted, the case showed a blank or garbled applicant at the office,
    on the receipt and in the notice."""
    _, errors = v.check_applicant("A123456789", name, "", "")
    assert errors["applicant_name"].code == code
    assert errors["applicant_name"].field == "applicant_name"
    assert "申請人姓名" in errors["applicant_name"].message_zh
    assert "Applicant's name" in errors["applicant_name"].message_en


@pytest.mark.parametrize(
    "name",
    [
        "Nguye\u0302\u0303n",
        "Nguyễn",
        "e\u0301",
        "葛\U000e0100",
        "王小明",
        "\ue000造字",
        "王〇明",  # 〇, a character of names (category Nl), not a symbol
        "Pasuya．Poiconx",
        "Tjinuay‧Ljaljegean",
        "O'Brien-Smith",
    ],
)
def test_names_with_marks_on_letters_are_taken(name: str) -> None:
    applicant, errors = v.check_applicant("A123456789", name, "", "")
    # stored composed (Nguyễn, one ễ), the IVS and the private-use 造字 as they came
    assert errors == {} and applicant["name"] == unicodedata.normalize("NFC", name)


def test_a_name_pasted_decomposed_is_as_long_as_it_reads() -> None:
    composed = " ".join(["Hồ"] * 20)  # 59 letters; decomposed 99 code points
    pasted = unicodedata.normalize("NFD", composed)
    assert len(composed) <= v.NAME_MAX < len(pasted)
    applicant, errors = v.check_applicant("A123456789", pasted, "", "")
    assert errors == {} and applicant["name"] == composed


@pytest.mark.parametrize(
    "email", ["a,b@x.y", "a;b@x.y", "<a@x.y>", 'a"b@x.y', "a@x,y.z", "a(b)@x.y"]
)
def test_an_email_is_one_plain_address(email: str) -> None:
    """`a,b@x.y` was taken: a mail relay reads it as two recipients (one a local mailbox), and
    the case's notices went to both."""
    with pytest.raises(DomainError):
        v.check_email(email)
    assert v.check_email("wang.xm+tag@example.com.tw") == "wang.xm+tag@example.com.tw"
