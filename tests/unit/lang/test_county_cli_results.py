"""Every line ``eservice-county-server`` prints for a command that worked is in the chosen
language only, as its help pages and refusals are: ``stats``, ``revoke``, ``secret change``,
``db upgrade``, ``db current`` and the ``operator`` results said "events 0  cases 0",
"revoked", "passphrase changed", "upgraded from (none) to 0006", "active" ... to zh-TW county
IT. Their ``--json`` forms do not change with the language."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from eservice_desktop.county.cli import main
from eservice_desktop.county.cli_common import open_sessions
from eservice_desktop.county.devices import enrol, new_enrol_code
from eservice_desktop.county.migrate import head
from eservice_desktop.county.store import utcnow

#: CJK ideographs and the full-width punctuation Chinese text uses.
HAN = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uff01-\uff1f]")
#: A word of Latin letters (an English word; an account's letters too).
LATIN = re.compile(r"[A-Za-z]{3,}")
#: The data of these commands' lines: the operator's account and role, as typed.
DATA = {"clerk"}


def _run(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> str:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = main(list(args))
    assert (code, err.getvalue()) == (0, ""), (args, code, err.getvalue())
    return out.getvalue()


def _enrolled(url: str, device: str) -> None:
    engine, sessions = open_sessions(url)
    try:
        with sessions() as s, s.begin():
            code = new_enrol_code(s, "H01", utcnow())
            enrol(s, code, device, "counter", utcnow(), office="H01")
    finally:
        engine.dispose()


def _results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> dict[str, str]:
    """Each command's printed lines, run on a new county database in ``lang``."""
    url = f"sqlite:///{tmp_path / lang}.sqlite3"
    monkeypatch.setenv("ESERVICE_COUNTY_PASSPHRASE", "old county passphrase 1")
    monkeypatch.setenv("ESERVICE_COUNTY_NEW_PASSPHRASE", "new county passphrase 2")

    def run(*args: str, stdin: str = "") -> str:
        return _run(monkeypatch, "--lang", lang, *args, "--db", url, stdin=stdin)

    said = {"db upgrade": run("db", "upgrade")}
    said["db upgrade again"] = run("db", "upgrade")
    said["db current"] = run("db", "current")
    said["operator add"] = run(
        "operator", "add", "clerk01", "--office", "H01", "--name", "王小明", "--role", "clerk",
        "--password-stdin", stdin="pw-Abcdefgh1234!\n",
    )  # fmt: skip
    said["operator disable"] = run("operator", "disable", "clerk01", "--office", "H01")
    said["operator list"] = run("operator", "list", "--office", "H01")
    said["stats"] = run("stats")
    _enrolled(url, "02")
    said["revoke"] = run("revoke", "H01-02")
    said["secret change"] = run("secret", "change")
    return said


def test_every_result_is_said_in_the_chosen_language_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ESERVICE_LANG", raising=False)
    zh = _results(tmp_path, monkeypatch, "zh_TW")
    en = _results(tmp_path, monkeypatch, "en")
    for command, text in zh.items():
        assert text.strip(), command
        english = set(LATIN.findall(text)) - DATA
        assert not english, f"{command}: {text!r}"
    for command, text in en.items():
        assert text.strip() and not HAN.search(text.replace("王小明", "")), f"{command}: {text!r}"
    assert zh["db upgrade"] == f"已升級至 {head()}（原無版本）\n"
    assert en["db upgrade"] == f"upgraded from (none) to {head()}\n"
    assert (zh["revoke"], en["revoke"]) == ("已撤銷\n", "revoked\n")
    assert zh["operator list"] == "clerk01\t王小明\tclerk\t已停用\n"
    assert en["operator list"] == "clerk01\t王小明\tclerk\tdisabled\n"


def test_the_json_of_stats_and_db_does_not_change_with_the_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    for args in (("db", "upgrade", "--json"), ("db", "current", "--json"), ("stats", "--json")):
        zh = _run(monkeypatch, *args, "--db", url)
        en = _run(monkeypatch, "--lang", "en", *args, "--db", url)
        if args[1] != "upgrade":  # the second upgrade has no "from" revision to name
            assert zh == en, args
        assert not HAN.search(zh) and json.loads(zh)
