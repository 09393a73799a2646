"""``eservice-county-server`` speaks one language, county IT's: zh-TW by default, English with
``--lang en`` or ``ESERVICE_LANG=en``, as the office's command line decides it. Its help pages
(every command's and option's text in zh-TW in the code, in English in ``county_cli_en.json``),
argparse's refusals, its own refusals and its one-line results are in that language only, never
"zh / en" on one line; exit codes and ``--json`` outputs do not change with it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from eservice_desktop.county import cli_lang
from eservice_desktop.county.cli import build_parser, main
from tests.unit.lang.test_cli_help_language import (
    HAN,
    assert_chinese_pages,
    help_texts,
    parsers,
    structure,
)

PROG = "eservice-county-server"


@pytest.fixture(autouse=True)
def no_language_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESERVICE_LANG", raising=False)


def help_pages(lang: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, set[str]]]:
    monkeypatch.setenv("COLUMNS", "200")  # one line per text: a wrapped tail is not a line
    monkeypatch.setattr(cli_lang, "arguments", ["--lang", lang])
    for path, parser in parsers(build_parser()):
        yield " ".join(path) or "(top)", parser.format_help(), {PROG, *structure(parser, path)}


def test_every_help_text_is_chinese_with_its_english() -> None:
    catalogue = cli_lang.english()
    used = set()
    for where, text in help_texts(build_parser()):
        assert HAN.search(text), f"{where}: no Chinese in {text!r}"
        assert text in catalogue, f"{where}: {text!r} has no English in county_cli_en.json"
        said = catalogue[text]
        assert said.strip() and not HAN.search(said), f"{where}: {said!r}"
        used.add(text)
    assert sorted(set(catalogue) - used) == [], "county_cli_en.json has texts no command uses"


def test_english_help_has_no_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = list(help_pages("en", monkeypatch))
    assert len(pages) > 15  # the top level and every command
    for where, page, _ in pages:
        assert page.startswith(f"usage: {PROG}"), f"{where}: {page[:40]}"
        found = [line for line in page.splitlines() if HAN.search(line)]
        assert not found, f"{where}: {found}"


def test_chinese_help_says_every_line_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_chinese_pages(help_pages("zh_TW", monkeypatch), PROG)


def run_help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as ended:
        main([*args, "--help"])
    assert ended.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [(), ("revoke",), ("serve",), ("operator",)])
def test_the_language_follows_lang_and_the_environment(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    zh = run_help(capsys, *command)
    assert zh.startswith("用法：") and "選項" in zh and "options:" not in zh
    en = run_help(capsys, "--lang", "en", *command)
    assert en.startswith("usage: ") and "options:" in en and not HAN.search(en)
    if command:
        assert run_help(capsys, *command, "--lang=en") == en  # after the command too
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert run_help(capsys, *command) == en
    assert run_help(capsys, "--lang", "zh_TW", *command) == zh  # --lang wins


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), (code, out, err)
    assert err.count("\n") == 1 and " / " not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (("enrol-code", "--office", "Z99"), ("查無此機關代碼", "No such office in the catalogue")),
        (("revoke", "H01-77"), ("查無此設備", "unknown device")),
        (
            ("report", "usage", "--from", "2026-13-01", "--to", "x"),
            ("日期須為", "must be a date YYYY-MM-DD"),
        ),
    ],
)
def test_a_refusal_is_said_in_one_language(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    words: tuple[str, str],
) -> None:
    zh, en = words
    db = ("--db", f"sqlite:///{tmp_path / 'county.sqlite3'}")
    said = refused(capsys, *command, *db)
    assert zh in said and en not in said, said
    said = refused(capsys, "--lang", "en", *command, *db)
    assert en in said and not HAN.search(said), said
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert refused(capsys, *command, *db) == said
    assert zh in refused(capsys, *command, *db, "--lang", "zh_TW")


def test_argparse_refusals_are_said_in_one_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["revoke"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "缺少必要的參數" in err and "required" not in err, err
    with pytest.raises(SystemExit) as ended:
        main(["--lang", "en", "revoke"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: device_key" in err and not HAN.search(err)


def test_json_and_results_do_not_change_with_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", f"sqlite:///{tmp_path / 'county.sqlite3'}")
    outputs = []
    for lang in ("zh_TW", "en"):
        assert main(["--lang", lang, "stats", "--json", *db]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and json.loads(outputs[0])["events"] == 0
    assert main(["devices", *db]) == 0
    assert capsys.readouterr().out == "沒有已登記的設備\n"
    assert main(["devices", *db, "--lang", "en"]) == 0
    assert capsys.readouterr().out == "No enrolled device\n"


def test_version_names_the_build_in_either_language(capsys: pytest.CaptureFixture[str]) -> None:
    """IT asks a server which build it is, as it asks the office's command line (the county
    answered ``--version`` with argparse's refusal of an unknown option, exit 2)."""
    from eservice_desktop import __version__

    for argv in (["--version"], ["--lang", "en", "--version"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        assert capsys.readouterr().out == f"{PROG} {__version__}\n"
