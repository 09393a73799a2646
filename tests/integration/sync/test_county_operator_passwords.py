"""A password county IT pipes to ``operator add|password --password-stdin`` follows the office's
own rule (``domain.operators.check_password``): the office receives only its hash, and one the
office would refuse (a ``\\r`` left by a file saved with CRLF, a space around it, a NUL) reached
every PC of the office as a hash no clerk could type. Input that is not UTF-8 is one line, not
a traceback; nothing is stored for a refused password."""

from __future__ import annotations

import io
import json

import pytest
from sync_helpers import TEST_SECRET

from eservice_desktop.county import cli as county_cli
from eservice_desktop.county.vault import PASSPHRASE_ENV

GOOD = "counter pass 1234"


def _county(
    monkeypatch: pytest.MonkeyPatch, db_url: str, *args: str, stdin: bytes = b""
) -> tuple[int, str, str]:
    """``eservice-county-server ARGS --db URL`` in this process; stdin as bytes, read the way
    Python reads a real one on Linux (UTF-8, surrogateescape, no newline translation)."""
    monkeypatch.setenv(PASSPHRASE_ENV, TEST_SECRET.decode())
    stream = io.TextIOWrapper(
        io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape", newline="\n"
    )
    monkeypatch.setattr("sys.stdin", stream)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = county_cli.main([*args, "--db", db_url])
    return code, out.getvalue(), err.getvalue()


def _add(monkeypatch: pytest.MonkeyPatch, db: str, account: str, stdin: bytes) -> tuple:
    return _county(
        monkeypatch, db, "operator", "add", account, "--office", "H01", "--name", "王小明",
        "--role", "clerk", "--password-stdin", stdin=stdin,
    )  # fmt: skip


BAD_LINES = [
    pytest.param(GOOD.encode() + b"\r\n", id="crlf"),
    pytest.param(b" " + GOOD.encode() + b"\n", id="leading-space"),
    pytest.param(GOOD.encode() + b" \n", id="trailing-space"),
    pytest.param(b"counter\x00pass 1234\n", id="nul"),
    pytest.param(b"counter pass \xff\xfe 1234\n", id="not-utf8"),
]


@pytest.mark.parametrize("line", BAD_LINES)
def test_a_password_the_office_would_refuse_is_refused_at_the_county(
    county_db: str, monkeypatch: pytest.MonkeyPatch, line: bytes
) -> None:
    code, _out, err = _add(monkeypatch, county_db, "a01", line)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and " / " not in err, err
    assert "密碼" in err or "標準輸入" in err, err
    code, out, _err = _county(monkeypatch, county_db, "operator", "list", "--office", "H01",
                              "--json")  # fmt: skip
    assert code == 0 and json.loads(out) == []  # nothing stored


@pytest.mark.parametrize("line", BAD_LINES)
def test_a_reset_to_a_password_the_office_would_refuse_changes_nothing(
    county_db: str, monkeypatch: pytest.MonkeyPatch, line: bytes
) -> None:
    assert _add(monkeypatch, county_db, "a01", GOOD.encode() + b"\n")[0] == 0
    code, _out, err = _county(
        monkeypatch, county_db, "operator", "password", "a01", "--office", "H01",
        "--password-stdin", stdin=line,
    )  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    code, out, _err = _county(monkeypatch, county_db, "operator", "list", "--office", "H01",
                              "--json")  # fmt: skip
    assert [o["version"] for o in json.loads(out)] == [1]  # no new version for the offices


def test_a_password_of_the_office_rule_is_taken(
    county_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spaces inside, a last line without its line end: as the office takes them."""
    assert _add(monkeypatch, county_db, "a01", GOOD.encode() + b"\n")[0] == 0
    assert _add(monkeypatch, county_db, "a02", "密碼 counter 99".encode())[0] == 0


def test_a_byte_order_mark_before_the_password_is_the_files_not_the_passwords(
    county_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A password file saved as Notepad's "UTF-8 with BOM": the mark reached every PC of the
    office as the password's first character, which no clerk can type at the window."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from eservice_desktop.county import operators
    from eservice_desktop.county.store import utcnow
    from eservice_desktop.county.vault import unlock

    assert _add(monkeypatch, county_db, "a01", b"\xef\xbb\xbf" + GOOD.encode() + b"\n")[0] == 0
    engine = create_engine(county_db)
    try:
        with Session(engine) as s, s.begin():
            box = unlock(s, TEST_SECRET, utcnow())
        with Session(engine, info={"vault": box}) as s:
            assert operators.verify(s, "H01", "a01", GOOD) == ("", ["clerk"])
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["王\u200b小明", "\u3164"], ids=["zero-width-space", "filler"])
def test_a_display_name_that_hides_what_it_is_is_refused_at_the_county(
    county_db: str, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """County IT's ``operator add --name`` took a zero-width space or a Hangul filler alone, a
    name the office now refuses when typed there (domain.operators.check_shown_name)."""
    code, _out, err = _county(
        monkeypatch, county_db, "operator", "add", "a02", "--office", "H01", "--name", name,
        "--role", "clerk", "--password-stdin", stdin=GOOD.encode() + b"\n",
    )  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "不允許的字元" in err, err
    code, out, _err = _county(monkeypatch, county_db, "operator", "list", "--office", "H01",
                              "--json")  # fmt: skip
    assert code == 0 and json.loads(out) == []  # nothing stored
