"""argparse's own refusals (unknown option, missing argument, choice not offered) answer in
the user's language like every other refusal: zh-TW by default, English with ``--lang en``,
``ESERVICE_LANG=en`` or ``lang`` in the settings file; always one line and exit 2."""

from __future__ import annotations

import re

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.cli.parse_errors import to_zh
from eservice_desktop.config import Settings

HAN = re.compile(r"[\u3400-\u9fff]")


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    ("args", "zh"),
    [
        (("case", "search", "x", "--bogus"), "無法辨識的參數：--bogus"),
        (("case", "search"), "缺少必要的參數：text"),
        (("case", "bogus"), "無效的選項 'bogus'（可選："),
        (("case", "search", "x", "--limit"), "參數 --limit：須接一個值"),
        (("--lang", "fr", "case"), "參數 --lang：無效的選項 'fr'（可選：'zh_TW', 'en'）"),
    ],
)
def test_argparse_refusals_are_in_chinese_by_default(
    settings: Settings, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], zh: str
) -> None:
    err = refused(capsys, "--data-dir", str(settings.data_dir), *args)
    assert zh in err, err
    assert "argument" not in err and "required" not in err


def test_argparse_refusals_stay_english_with_lang_en(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--data-dir", str(settings.data_dir)]
    err = refused(capsys, *data, "--lang", "en", "case", "search", "x", "--bogus")
    assert "unrecognized arguments: --bogus" in err and not HAN.search(err)
    err = refused(capsys, *data, "--lang=en", "case", "search")
    assert "the following arguments are required: text" in err
    monkeypatch.setenv("ESERVICE_LANG", "en")
    err = refused(capsys, *data, "case", "search")
    assert "the following arguments are required: text" in err


def test_the_settings_files_language_holds_for_argparse_and_for_the_commands(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    Settings(data_dir=settings.data_dir, lang="en").save()
    err = refused(capsys, "--data-dir", str(settings.data_dir), "case", "search")
    assert "the following arguments are required: text" in err
    # a refusal of the command itself (not argparse's) follows the same setting
    code = main(["--data-dir", str(settings.data_dir), "case", "search", "x", "--limit", "abc"])
    err = capsys.readouterr().err
    assert code == 2 and "must be a whole number" in err and not HAN.search(err), err


def test_a_message_of_our_own_is_left_as_it_is() -> None:
    assert to_zh("--limit 須為整數（收到「abc」）") == "--limit 須為整數（收到「abc」）"
    said = to_zh("argument --amount: invalid int value: '1x'")
    assert said == "參數 --amount：無效的值 '1x'（須為整數）"
    assert to_zh("expected 2 arguments") == "須接 2 個值"
    assert to_zh("argument -a: not allowed with argument -b") == "參數 -a：不可與 -b 同時使用"


def test_a_number_out_of_range_is_said_in_one_language(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--amount -5`` answered ``參數 --amount：須介於 1 到 99999999 / must be between 1 and
    99999999`` in zh-TW and ``argument --amount: 須介於 … / must be …`` with ``--lang en``: the
    number types spoke both languages whatever the user's."""
    data = ["--data-dir", str(settings.data_dir)]
    cases = [
        (("demo", "seed", "--cases", "-1"), "須介於 0 到", "must be between 0 and"),
        (("demo", "seed", "--cases", "abc"), "須為整數：abc", "must be a whole number: abc"),
        (("sync", "run", "--interval", "nan"), "秒：nan", "seconds: nan"),
    ]
    for args, zh, en in cases:
        err = refused(capsys, *data, *args)
        assert zh in err and "must" not in err, err
        err = refused(capsys, *data, "--lang", "en", *args)
        assert en in err and not HAN.search(err), err


@pytest.mark.parametrize(
    "args",
    [
        ("db", "key", "export", "--json"),  # no --json: it was taken for --json-logging
        ("sync", "run", "--json"),
        ("case", "search", "x", "--lim", "3"),  # an abbreviation is no longer guessed
    ],
)
def test_an_option_a_command_does_not_have_is_refused_not_guessed(
    settings: Settings, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    err = refused(capsys, "--data-dir", str(settings.data_dir), *args)
    assert "無法辨識的參數" in err, err


def test_the_county_command_line_guesses_no_abbreviation() -> None:
    from eservice_desktop.county.cli import build_parser

    with pytest.raises(SystemExit) as ended:
        build_parser().parse_args(["stats", "--js"])
    assert ended.value.code == 2
