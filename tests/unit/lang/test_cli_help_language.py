"""``--help`` reads in one language, the user's: zh-TW by default, English with ``--lang en``,
``ESERVICE_LANG=en`` or ``lang`` in the settings file; every command's, subcommand's and
option's text exists in both (zh-TW in the code, English in ``cli_en.json``), and argparse's own
words (``usage:``, its headings, the ``-h`` line) follow too. Option names, metavars and command
names stay as they are."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Iterator, Sequence

import pytest

from eservice_desktop.cli import parse_errors
from eservice_desktop.cli.help_text import english, width, wrapped
from eservice_desktop.cli.main import OneLineParser, build_parser, main
from eservice_desktop.config import Settings
from eservice_desktop.domain.settlement_file import TOOLS

#: CJK ideographs and the full-width punctuation Chinese text uses.
HAN = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uff01-\uff1f]")
ARGPARSE_ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "show this help",
    "version number",
)
#: argparse's own actions: their help is argparse's (said in zh-TW by the formatter)
BUILT_IN = (argparse._HelpAction, argparse._VersionAction)


def parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the tree: the top level, each command, each subcommand."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from parsers(child, (*path, name))


def structure(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> set[str]:
    """The words of a help page that are names, not text: the program and command names, option
    strings, destinations, metavars and choices."""
    words = {"eservice-desktop", *path, "COMMAND", "..."}
    for action in parser._actions:
        words.update(action.option_strings)
        words.add(action.dest)
        if isinstance(action.metavar, str):
            words.add(action.metavar)
        if action.choices:
            words.update(str(choice) for choice in action.choices)
    return words


def text_lines(page: str, names: set[str]) -> list[str]:
    """The lines of ``page`` that say something besides names (usage continuation lines and an
    option's own line with its text below it have nothing left)."""
    said = []
    for line in page.splitlines():
        rest = [
            word
            for word in re.split(r"[\s\[\]{},|]+", line)
            if word and word not in names and not re.fullmatch(r"[A-Z_]+", word)
        ]
        if rest:
            said.append(line)
    return said


def help_pages(lang: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, set[str]]]:
    monkeypatch.setenv("COLUMNS", "200")  # one line per text: a wrapped tail is not a line
    monkeypatch.setattr(OneLineParser, "arguments", ["--lang", lang])
    for path, parser in parsers(build_parser()):
        yield " ".join(path) or "(top)", parser.format_help(), structure(parser, path)


def help_texts(top: argparse.ArgumentParser | None = None) -> Iterator[tuple[str, str]]:
    """(where, text) of every description and help text of the parser tree (the office's, or
    ``top``'s) but argparse's own."""
    for path, parser in parsers(top or build_parser()):
        at = " ".join(path) or "(top)"
        if parser.description is not None:
            yield at, parser.description
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                yield from ((f"{at} {c.dest}", str(c.help)) for c in action._choices_actions)
            elif not isinstance(action, BUILT_IN):
                yield f"{at} {action.option_strings or action.dest}", str(action.help)


def english_words(text: str) -> str:
    """``text`` without the Chinese values an option takes as they are (the payment tools)."""
    for value in TOOLS:
        text = text.replace(value, "")
    return text


def test_every_help_text_is_chinese_with_its_english() -> None:
    catalogue = english()
    used = set()
    for where, text in help_texts():
        assert HAN.search(text), f"{where}: no Chinese in {text!r}"
        assert text in catalogue, f"{where}: {text!r} has no English in cli_en.json"
        said = catalogue[text]
        assert said.strip() and not HAN.search(english_words(said)), f"{where}: {said!r}"
        used.add(text)
    assert sorted(set(catalogue) - used) == [], "cli_en.json has texts no command uses"


def test_english_help_has_no_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    for where, page, _ in help_pages("en", monkeypatch):
        found = [line for line in page.splitlines() if HAN.search(english_words(line))]
        assert not found, f"{where}: {found}"


def assert_chinese_pages(pages: Iterable[tuple[str, str, set[str]]], prog: str) -> None:
    """Every zh-TW page (where, text, its names) starts 用法：, keeps none of argparse's English
    and says each line of text in Chinese (the county's command line is held to it too)."""
    for where, page, names in pages:
        assert page.startswith(f"用法：{prog}"), f"{where}: {page[:40]}"
        left = [word for word in ARGPARSE_ENGLISH if word in page]
        assert not left, f"{where}: argparse's {left}"
        for line in text_lines(page, names):
            assert HAN.search(line), f"{where}: {line!r}"


def test_chinese_help_says_every_line_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_chinese_pages(help_pages("zh_TW", monkeypatch), "eservice-desktop")


def run_help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as ended:
        main([*args, "--help"])
    assert ended.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [(), ("case",), ("case", "intake"), ("sync", "run")])
def test_the_language_follows_lang_the_environment_and_the_settings_file(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    data = ("--data-dir", str(settings.data_dir))
    zh = run_help(capsys, *data, *command)
    assert zh.startswith("用法：") and "選項" in zh and "options:" not in zh
    en = run_help(capsys, *data, "--lang", "en", *command)
    assert en.startswith("usage: ") and "options:" in en and not HAN.search(en)
    assert run_help(capsys, *command, "--lang=en", *data) == en  # after the command too
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert run_help(capsys, *data, *command) == en
    assert run_help(capsys, *data, "--lang", "zh_TW", *command) == zh  # --lang wins
    monkeypatch.delenv("ESERVICE_LANG")
    Settings(data_dir=settings.data_dir, lang="en").save()
    assert run_help(capsys, *data, *command) == en


def test_chinese_lines_wrap_at_the_terminals_width() -> None:
    text = "匯入公庫入庫對帳檔（附件 22 欄位 CSV），填入入庫日期、已/未入庫與機關核銷編號"
    lines = wrapped(text, 30)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(width(line) <= 30 for line in lines), lines
    assert not any(line.startswith(("，", "、", "）")) for line in lines), lines
    assert wrapped("read the PIN from standard input", 12) == [
        "read the PIN",
        "from",
        "standard",
        "input",
    ]


def test_a_chinese_help_page_fits_the_terminal(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    page = run_help(capsys, "--data-dir", str(settings.data_dir), "case", "lookup")
    wide = [line for line in page.splitlines() if HAN.search(line) and width(line) > 58]
    assert wide == [], wide  # argparse wraps at COLUMNS - 2, counting characters


def test_the_settings_file_is_read_once_for_a_help_page(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Sequence[str]] = []
    found = parse_errors.early_lang

    def counted(arguments: Sequence[str]) -> str:
        calls.append(arguments)
        return found(arguments)

    monkeypatch.setattr(parse_errors, "early_lang", counted)
    run_help(capsys, "--data-dir", str(settings.data_dir), "case", "intake")
    assert len(calls) == 1
    calls.clear()
    assert main(["--data-dir", str(settings.data_dir), "catalog", "list", "--json"]) == 0
    assert calls == []  # a command that runs needs no language before parsing
