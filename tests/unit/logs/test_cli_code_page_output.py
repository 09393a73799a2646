"""Output to a console or file in a code page without every character: a Traditional Chinese
Windows writes redirected output in cp950 (Big5), which has no 堃; ``case show`` of 陳堃 ended
in a UnicodeEncodeError traceback, exit 1, nothing printed. Now the character is written as its
escape and a ``--json`` document in JSON's own escapes, which read back as the very name."""

from __future__ import annotations

import argparse
import io
import json
import sys

import pytest

from eservice_desktop.cli.common import emit
from eservice_desktop.cli.console import fit_streams
from eservice_desktop.cli.main import main


def _code_page_out(monkeypatch: pytest.MonkeyPatch, encoding: str = "cp950") -> io.BytesIO:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(io.BytesIO(), encoding=encoding))
    return raw


def _written(raw: io.BytesIO, encoding: str = "cp950") -> str:
    sys.stdout.flush()
    return raw.getvalue().decode(encoding)


def test_a_name_big5_lacks_is_written_as_its_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _code_page_out(monkeypatch)
    fit_streams()
    emit(argparse.Namespace(json=False), {}, "H01-01-115-000303-3  陳堃  payment_due")
    assert _written(raw) == "H01-01-115-000303-3  陳\\u5803  payment_due\n"


def test_json_on_a_code_page_reads_back_as_the_very_names(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _code_page_out(monkeypatch)
    fit_streams()
    names = ["陳堃", "林𡘙", "王小明"]  # 𡘙: beyond the Basic Multilingual Plane
    emit(argparse.Namespace(json=True), {"names": names})
    assert json.loads(_written(raw)) == {"names": names}


def test_a_unicode_stream_is_written_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _code_page_out(monkeypatch, "utf-8")
    fit_streams()
    assert sys.stdout.errors == "strict"
    emit(argparse.Namespace(json=True), {"name": "陳堃"})
    assert '"name": "陳堃"' in _written(raw, "utf-8")


def test_every_command_fits_its_streams_first(monkeypatch: pytest.MonkeyPatch) -> None:
    _code_page_out(monkeypatch)
    with pytest.raises(SystemExit):
        main(["--version"])
    assert sys.stdout.errors == "backslashreplace" and sys.stderr.errors == "backslashreplace"
