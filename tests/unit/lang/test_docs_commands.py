"""The command lines README.md and docs/*.md quote name commands and options the programs have.

IT and clerks type what the pages show (``eservice-desktop sync enrol --server URL --code
CODE``, ``report closing --date D --out F.pdf``): each quoted line that starts with
``eservice-desktop``, ``eservice-county-server`` or a command of theirs is walked down the real
argparse tree, and every ``--option`` on it must be one that command (or the program) takes. A
word standing for any command (``…``, ``KIND``) checks the options against all of them.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from eservice_desktop.cli.main import build_parser
from eservice_desktop.county.cli import build_parser as county_parser

ROOT = Path(__file__).resolve().parents[3]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROGRAMS = {"eservice-desktop": build_parser, "eservice-county-server": county_parser}
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
#: Words that stand for "any command here", not a command's name.
ANY = re.compile(r"^(\.\.\.|…|[A-Z][A-Z_]*)$")
#: A version string after a program's name (``eservice-county-server 0.1.0``).
VERSION = re.compile(r"^\d+(\.\d+)+$")


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings}


def _all_options(parser: argparse.ArgumentParser) -> set[str]:
    """A command's options and those of every command under it."""
    found = _options(parser)
    for child in _commands(parser).values():
        found |= _all_options(child)
    return found


def problem(words: list[str], root: argparse.ArgumentParser) -> str | None:
    """What is wrong with one quoted command line (its words after the program), or None."""
    parsers = [root]
    path: list[str] = []
    rest = iter(words)
    for word in rest:
        if word.startswith("-"):
            rest = iter([word, *rest])
            break
        commands: dict[str, argparse.ArgumentParser] = {}
        for p in parsers:
            commands.update(_commands(p))
        if not commands:
            rest = iter([word, *rest])
            break
        names = word.replace("\\|", "|").split("|")
        if all(n in commands for n in names):
            parsers = [commands[n] for n in names]
        elif ANY.match(word) or (not path and VERSION.match(word)):
            parsers = list(commands.values())
            if VERSION.match(word):
                return None
        elif path:
            return f"{' '.join(path)}: no command {word!r}"
        else:
            return f"no command {word!r}"
        path.append(word)
    known = _options(root) | {o for p in parsers for o in _all_options(p)}
    unknown = [m for w in rest for m in OPTION.findall(w) if m not in known]
    return f"{' '.join(path)}: no option {', '.join(unknown)}" if unknown else None


def _quoted(text: str) -> Iterator[tuple[str, bool]]:
    """Each line of the fenced blocks (``\\``-continued lines joined), then the inline code
    spans, each with whether it is inline (a block's line names its program; a diagram's
    words are no command)."""
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").replace("^\n", " ").splitlines():
            yield line, False
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for span in re.findall(r"`([^`\n]+)`", text):
        yield span, True


def _lines() -> Iterator[tuple[str, str, list[str], list[argparse.ArgumentParser]]]:
    """(page, quoted text, words after the program, the parsers it may be a line of)."""
    roots = {name: build() for name, build in PROGRAMS.items()}
    bare = {name: set(_commands(root)) for name, root in roots.items()}
    for page in PAGES:
        for quoted, inline in _quoted(page.read_text(encoding="utf-8")):
            for name, root in roots.items():
                for m in re.finditer(re.escape(name) + r"((?:[ \t]+[^\s;&`#]+)*)", quoted):
                    words = [w.strip("[]()") for w in m.group(1).split()]
                    words = [w for w in words if w and w != "|"]
                    if words:
                        yield page.name, quoted, words, [root]
            words = [w.strip("[]()") for w in quoted.split()]
            if (
                inline
                and len(words) > 1
                and not any(quoted.lstrip().startswith(p) for p in PROGRAMS)
            ):
                candidates = [roots[n] for n in PROGRAMS if words[0] in bare[n]]
                if candidates:
                    yield page.name, quoted, [w for w in words if w], candidates


def test_every_quoted_command_line_is_one_the_programs_take() -> None:
    wrong, checked = [], 0
    for page, quoted, words, roots in _lines():
        checked += 1
        said = [problem(words, root) for root in roots]
        if all(said):
            wrong.append(f"{page}: `{quoted[:120]}`: {said[0]}")
    assert wrong == []
    assert checked > 300  # the pages' command lines were found (434 when written)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("eservice-desktop case intake --service X --no-such-option", "no option --no-such-option"),
        ("eservice-desktop case intkae --service X", "case: no command 'intkae'"),
        ("eservice-county-server operator add a01 --office H01 --roles clerk", "--roles"),
        ("eservice-desktop report on-time|usage --from D --out F", "--out"),
    ],
)
def test_a_line_the_programs_do_not_take_is_found(line: str, said: str) -> None:
    program, *words = line.split()
    found = problem(words, PROGRAMS[program]())
    assert found is not None and said in found


@pytest.mark.parametrize(
    "line",
    [
        "eservice-desktop --data-dir DIR sync run",
        "eservice-desktop report … --csv F --xlsx F --pdf F",
        "eservice-desktop pickup verify\\|handover --applicant-id ID --pickup-number N",
        "eservice-county-server 0.1.0",
    ],
)
def test_a_line_the_programs_take_passes(line: str) -> None:
    program, *words = line.split()
    assert problem(words, PROGRAMS[program]()) is None
