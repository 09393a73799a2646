from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import capital_numerals, format_roc, parse_roc, to_roc

D = date(2026, 2, 13)


def test_to_roc() -> None:
    assert to_roc(D) == (115, 2, 13)
    assert to_roc(date(1912, 1, 1)) == (1, 1, 1)


def test_to_roc_refuses_dates_before_roc_1() -> None:
    with pytest.raises(DomainError) as info:
        to_roc(date(1911, 12, 31))
    assert info.value.code == "date.before_roc"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("long", "民國115年2月13日"),
        ("receipt", "中華民國 115 年 2 月 13 日"),
        ("short", "115/02/13"),
    ],
)
def test_format_roc(style: str, expected: str) -> None:
    assert format_roc(D, style) == expected  # type: ignore[arg-type]


def test_format_roc_default_is_long() -> None:
    assert format_roc(date(2027, 12, 31)) == "民國116年12月31日"
    assert format_roc(date(1920, 5, 1), "short") == "9/05/01"


def test_format_roc_unknown_style() -> None:
    with pytest.raises(ValueError, match="style"):
        format_roc(D, "iso")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "民國115年2月13日",
        "中華民國115年2月13日",
        "中華民國 115 年 2 月 13 日",
        "115年2月13日",
        "115年02月13日",
        "115/2/13",
        "115/02/13",
        "115.02.13",
        "115-2-13",
        "1150213",
        " １１５／２／１３ ",
    ],
)
def test_parse_roc_accepted_forms(text: str) -> None:
    assert parse_roc(text) == D


def test_parse_roc_short_years() -> None:
    assert parse_roc("99/1/2") == date(2010, 1, 2)
    assert parse_roc("0990102") == date(2010, 1, 2)
    assert parse_roc("1/1/1") == date(1912, 1, 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("115/2/30", "date.invalid"),
        ("1150230", "date.invalid"),
        ("115/13/1", "date.invalid"),
        ("114/2/29", "date.invalid"),
        ("0/1/1", "date.before_roc"),
        ("0000101", "date.before_roc"),
        ("2026/2/13", "date.format"),
        ("115/2.13", "date.format"),
        ("115213", "date.format"),
        ("", "date.format"),
        ("明天", "date.format"),
    ],
)
def test_parse_roc_errors(text: str, code: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_roc(text, field="received_on")
    assert info.value.code == code
    assert info.value.field == "received_on"


@pytest.mark.parametrize(
    "text", ["١١٥/٠٢/١٣", "١١٥٠٢١٣", "११५/२/१३", "115年２月١٣日", "民國۱۱۵年2月13日"]
)
def test_parse_roc_refuses_digits_of_other_scripts(text: str) -> None:
    # int() reads Arabic-Indic and Devanagari digits; a date typed so was taken as 115/2/13.
    with pytest.raises(DomainError) as info:
        parse_roc(text, field="received_on")
    assert info.value.code == "date.format"
    assert text in info.value.message_zh


def test_parse_roc_leap_day() -> None:
    assert parse_roc("113/2/29") == date(2024, 2, 29)


@given(st.dates(min_value=date(1912, 1, 1), max_value=date(2910, 12, 31)))
def test_format_then_parse_round_trips(d: date) -> None:
    assert parse_roc(format_roc(d, "long")) == d
    assert parse_roc(format_roc(d, "receipt")) == d
    assert parse_roc(format_roc(d, "short")) == d


CAPITAL_TABLE = [
    (0, "新台幣零元整"),
    (10, "新台幣壹拾元整"),
    (15, "新台幣壹拾伍元整"),
    (20, "新台幣貳拾元整"),
    (100, "新台幣壹佰元整"),
    (1000, "新台幣壹仟元整"),
    (1005, "新台幣壹仟零伍元整"),
    (10000, "新台幣壹萬元整"),
    (20000, "新台幣貳萬元整"),
    (100000, "新台幣壹拾萬元整"),
    (1234567, "新台幣壹佰貳拾參萬肆仟伍佰陸拾柒元整"),
    (100010, "新台幣壹拾萬零壹拾元整"),
    (10000000, "新台幣壹仟萬元整"),
    (100000000, "新台幣壹億元整"),
    # Beyond the brief's table: zeros closing a group are silent, inner runs give one 零.
    (1, "新台幣壹元整"),
    (110, "新台幣壹佰壹拾元整"),
    (1010, "新台幣壹仟零壹拾元整"),
    (10100, "新台幣壹萬零壹佰元整"),
    (101000, "新台幣壹拾萬壹仟元整"),
    (10010000, "新台幣壹仟零壹萬元整"),
    (100000001, "新台幣壹億零壹元整"),
    (200001000, "新台幣貳億零壹仟元整"),
    (987654321, "新台幣玖億捌仟柒佰陸拾伍萬肆仟參佰貳拾壹元整"),
]


@pytest.mark.parametrize(("amount", "expected"), CAPITAL_TABLE)
def test_capital_numerals(amount: int, expected: str) -> None:
    assert capital_numerals(amount) == expected


def test_capital_numerals_refuses_negative() -> None:
    with pytest.raises(DomainError) as info:
        capital_numerals(-1)
    assert info.value.code == "amount.negative"


def test_capital_numerals_refuses_non_int() -> None:
    with pytest.raises(TypeError):
        capital_numerals(True)
    with pytest.raises(TypeError):
        capital_numerals(1.5)  # type: ignore[arg-type]


_DIGIT_VALUES = dict(zip("零壹貳參肆伍陸柒捌玖", range(10), strict=True))
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}
_BIG = {"萬": 10**4, "億": 10**8, "兆": 10**12}


def _read_back(text: str) -> int:
    """An independent reader, so the property below checks values and not only shapes."""
    body = text.removeprefix("新台幣").removesuffix("元整")
    total = section = digit = 0
    for char in body:
        if char in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[char]
        elif char in _SMALL:
            section += digit * _SMALL[char]
            digit = 0
        else:
            total += (section + digit) * _BIG[char]
            section = digit = 0
    return total + section + digit


@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_capital_numerals_read_back_and_shape(amount: int) -> None:
    text = capital_numerals(amount)
    assert _read_back(text) == amount
    assert "零零" not in text
    assert not text.startswith("新台幣拾")
    if amount:
        assert "零元" not in text
        for unit in "萬億兆":
            assert "零" + unit not in text


def test_capital_numerals_upper_bound() -> None:
    assert capital_numerals(10**16 - 1).startswith("新台幣玖仟玖佰玖拾玖兆")
    with pytest.raises(DomainError) as info:
        capital_numerals(10**16)
    assert info.value.code == "amount.too_large"
