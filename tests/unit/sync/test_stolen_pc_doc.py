"""docs/it-guide.md tells IT what to do in the first hour after a counter PC is stolen or lost
(it said only that LUKS protects a stolen disk): revoke the device, not a replacement code,
reset the passwords whose hashes the disk holds, enrol the replacement under a plain code. Every
command it names is one the programs take as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eservice_desktop.cli.main import build_parser as office_parser
from eservice_desktop.county.cli import build_parser as county_parser

DOC = Path(__file__).resolve().parents[3] / "docs" / "it-guide.md"
TITLE = "### A counter PC stolen or lost (the first hour)"


def _section() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert TITLE in text
    return text.split(TITLE, 1)[1].split("\n## ", 1)[0]


def test_the_first_hour_revokes_resets_the_passwords_and_enrols_a_new_pc() -> None:
    section = _section()
    steps = re.findall(r"^(\d)\. ", section, flags=re.MULTILINE)
    assert steps == ["1", "2", "3", "4", "5", "6"]
    for words in (
        "eservice-county-server revoke H01-02",
        "Do not issue a replacement code instead",
        "operator password ACCOUNT",
        "operator\n   passwd ACCOUNT",
        "enrol-code --office H01",
        "sync.enrol_revoked",
        "BitLocker",
        "LUKS",
        "PreserveJobFiles No",
    ):
        assert words in section, words
    operators = DOC.with_name("operators.md").read_text(encoding="utf-8")
    assert 'it-guide §6, "A counter PC stolen or\nlost"' in operators


@pytest.mark.parametrize(
    ("parser", "args"),
    [
        (county_parser, ["revoke", "H01-02"]),
        (county_parser, ["devices", "--office", "H01"]),
        (county_parser, ["operator", "list", "--office", "H01"]),
        (county_parser, ["operator", "password", "a01", "--office", "H01", "--password-stdin"]),
        (county_parser, ["enrol-code", "--office", "H01"]),
        (office_parser, ["operator", "passwd", "clerk07"]),
        (office_parser, ["sync", "recover"]),
    ],
)
def test_every_command_it_names_is_taken_as_written(parser: object, args: list[str]) -> None:
    shown = " ".join(a for a in args if a not in {"H01-02", "a01", "clerk07", "H01"})
    assert shown.split()[0] in _section()
    parser().parse_args(args)  # type: ignore[operator]
