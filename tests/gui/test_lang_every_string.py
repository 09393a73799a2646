"""Every string the window code marks for translation (``self.tr``, ``QCoreApplication.translate``,
``QT_TRANSLATE_NOOP``) has an English translation in some ``resources/translations/*_en.ts``.

Qt's own lupdate finds the strings, so a new label without English fails here before anyone
sees it in the English window (the language sweep also catches strings built at run time).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from eservice_desktop.gui.i18n import translations_dir

GUI = Path(__file__).resolve().parents[2] / "eservice_desktop" / "gui"


def _lupdate() -> str:
    here = Path(sys.executable).parent / "pyside6-lupdate"
    found = str(here) if here.exists() else shutil.which("pyside6-lupdate")
    if found is None:
        pytest.fail("pyside6-lupdate is part of PySide6 and must be installed")
    return found


def _translated(ts: Path) -> set[tuple[str, str]]:
    out = set()
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            tr = message.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "obsolete"):
                continue
            forms = [f.text or "" for f in tr.iter("numerusform")]
            if (tr.text or "").strip() or any(f.strip() for f in forms):
                out.add((name, message.findtext("source") or ""))
    return out


_HELPER = re.compile(
    r"def (_\w+)\(text: str\) -> str:\s+return QCoreApplication\.translate\(\"(\w+)\", text\)"
)


_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _helper_strings() -> set[tuple[str, str]]:
    """Strings passed to a module's one-argument helper around ``QCoreApplication.translate``
    (``_t("...")`` in timeline.py): lupdate does not know those helpers. A call whose text
    stands on lines of its own, or is literals Python joins, is found too: case_end's sentence
    about the fees paid was written so and stayed Chinese in the English window."""
    out: set[tuple[str, str]] = set()
    for path in GUI.glob("*.py"):
        code = path.read_text(encoding="utf-8")
        for name, context in _HELPER.findall(code):
            call = re.escape(name) + r'\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)'
            for literals in re.findall(call, code):
                out.add((context, "".join(_LITERAL.findall(literals))))
    return out


def test_helpers_are_found() -> None:
    found = _helper_strings()
    assert ("Timeline", "收 {tendered} 元，找零 {change} 元") in found
    paid = "本案已繳規費 {paid} 元：結束案件不會退費；民眾申請退費時，請在收費頁（F6）辦理。"
    assert ("CaseDetail", paid) in found  # case_end.py: a call over three lines


def test_every_marked_string_has_english(tmp_path: Path) -> None:
    found = tmp_path / "found.ts"
    subprocess.run(
        [_lupdate(), "-silent", *map(str, sorted(GUI.glob("*.py"))), "-ts", str(found)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    marked = {
        (context.findtext("name") or "", message.findtext("source") or "")
        for context in ET.parse(found).getroot().iter("context")
        for message in context.iter("message")
    }
    assert len(marked) > 200  # lupdate really read the pages
    marked |= _helper_strings()
    english: set[tuple[str, str]] = set()
    for ts in translations_dir().glob("*_en.ts"):
        english |= _translated(ts)
    assert sorted(marked - english) == []


def _mnemonics(text: str) -> list[str]:
    """The Alt+letter marks of a label (``&&`` is a plain ampersand)."""
    return re.findall(r"&(.)", text.replace("&&", ""))


def test_english_labels_have_one_mnemonic_and_no_escaped_markup() -> None:
    """A label reads as one label: at most one Alt+letter, one where the Chinese has one, and
    no XML escape pasted into the text (``(&G)amp;Y`` shows as "(G)amp;Y" on the button)."""
    wrong: list[tuple[str, str, str]] = []
    for ts in sorted(translations_dir().glob("*_en.ts")):
        for context in ET.parse(ts).getroot().iter("context"):
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                found = message.find("translation")
                if found is None:
                    continue
                texts = [found.text or ""] + [f.text or "" for f in found.iter("numerusform")]
                for text in filter(None, texts):
                    marks = _mnemonics(text)
                    if (
                        len(marks) > 1
                        or (_mnemonics(source) and not marks)
                        or re.search(r"&?(amp|lt|gt|quot|apos);", text)
                    ):
                        wrong.append((ts.name, source, text))
    assert wrong == []
