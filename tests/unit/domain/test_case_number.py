"""Case numbers: format, check digit, parsing what people type and scanners send."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eservice_desktop.domain.case_number import (
    CaseNumber,
    check_digit,
    looks_like_case_number,
    parse_case_number,
)
from eservice_desktop.domain.errors import DomainError


def test_format_groups_and_check_digit() -> None:
    n = CaseNumber("H01", "02", 115, 42)
    assert str(n).startswith("H01-02-115-000042-")
    assert str(n)[-1] == str(check_digit("H0102115000042"))


def test_parse_accepts_without_dashes_and_lowercase() -> None:
    n = CaseNumber("L07", "01", 115, 999_999)
    assert parse_case_number(str(n).replace("-", "").lower()) == n


def test_single_digit_error_is_caught_by_check_digit() -> None:
    text = str(CaseNumber("H01", "02", 115, 42))
    wrong = text[:-3] + ("3" if text[-3] != "3" else "4") + text[-2:]
    with pytest.raises(DomainError) as info:
        parse_case_number(wrong)
    assert info.value.code == "case_number.check"


@pytest.mark.parametrize("bad", ["", "H01-02-115", "X1-02-115-000001-0", "H01-2-115-000001-0"])
def test_malformed_numbers_are_refused(bad: str) -> None:
    assert not looks_like_case_number(bad)
    with pytest.raises(DomainError):
        parse_case_number(bad)


@given(
    st.sampled_from(["H01", "H13", "L07"]),
    st.integers(1, 99).map(lambda d: f"{d:02d}"),
    st.integers(1, 999),
    st.integers(1, 999_999),
)
def test_round_trip(office: str, device: str, year: int, seq: int) -> None:
    n = CaseNumber(office, device, year, seq)
    parsed = parse_case_number(str(n))
    assert parsed == n and hash(parsed) == hash(n) and vars(parsed) == vars(n)
    assert parse_case_number(str(n).replace("-", "").lower()) == n


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("H01-02-000-000042-0", "case_number.range"),
        ("H01-02-115-000000-0", "case_number.range"),
        ("H01-02-000-000000-5", "case_number.range"),
        ("H01-02-115-000042-0", "case_number.check"),
        ("H01-02-１１５-000042-7", "case_number.check"),
    ],
)
def test_range_comes_before_the_check_digit(text: str, code: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_case_number(text)
    assert info.value.code == code


def test_full_width_digits_are_read() -> None:
    number = CaseNumber("H01", "02", 115, 42)
    assert parse_case_number("H01-02-１１５-000042-6") == number
    assert parse_case_number("Ｈ０１－０２－１１５－００００４２－６") == number


@pytest.mark.parametrize("text", ["H01-٠٢-115-000042-6", "H01-02-११५-000042-6"])
def test_digits_of_other_scripts_are_refused(text: str) -> None:
    # \d and int() read them: "H01-٠٢-…" was a case number of device "٠٢"
    assert not looks_like_case_number(text)
    with pytest.raises(DomainError) as info:
        parse_case_number(text)
    assert info.value.code == "case_number.format"


def test_the_format_refusal_gives_an_example_that_is_accepted() -> None:
    """The example a clerk is shown for a malformed number is itself a valid number, in both
    languages (it once carried a wrong check digit)."""
    with pytest.raises(DomainError) as info:
        parse_case_number("not a number")
    example = info.value.message_en.rsplit(" ", 1)[-1]
    assert info.value.message_zh.endswith(f"例如 {example}")
    assert str(parse_case_number(example)) == example
