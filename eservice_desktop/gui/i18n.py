"""UI language: zh-TW is the source language in code, English comes from Qt translation files.

How strings are written
    Every user-visible string in ``gui/`` is Traditional Chinese in the code, wrapped so Qt can
    translate it: ``self.tr("收件")`` inside a QObject subclass (the context is the class name),
    or ``QCoreApplication.translate("QueuePage", "收件")`` anywhere else. Texts that come from
    data (catalogue names, DomainError messages) carry both languages already: use
    ``ctx.pick(zh, en)`` / ``ctx.message(error)``, not the translation system.

Counts
    A text with a count that English must inflect ("1 working day", "3 working days") passes
    the count to Qt as ``%n``: ``QCoreApplication.translate("CaseDetail", "剩 %n 個工作天",
    None, n)``, and its ``<message numerus="yes">`` in the ``.ts`` has two ``<numerusform>``.

Qt's own dialogs
    File, print and page-setup dialogs take their texts from Qt's ``qtbase_<lang>.qm`` (in
    PySide6's translations directory, loaded for both languages). Where that zh-TW catalogue
    has gaps (the file dialog's "Look in:", the page-setup "Pages per sheet:"),
    ``resources/translations/qtgaps_zh_TW.ts`` fills them; it is compiled and loaded like the
    English files.

How an area adds its English (e.g. the pickup desk)
    1. Write ``resources/translations/<area>_en.ts`` (``pickup_en.ts``). Generate it with
       ``.venv/bin/pyside6-lupdate eservice_desktop/gui/pickup_page.py -ts
       resources/translations/pickup_en.ts -source-language zh_TW -target-language en``, then
       fill each ``<translation>`` (or write the XML by hand, see ``gui_en.ts``). The
       ``<name>`` of each context must be the class name that calls ``self.tr`` (or the first
       argument of ``QCoreApplication.translate``).
    2. Compile: ``make translations`` (runs ``pyside6-lrelease`` on every ``*_en.ts``; ``make
       venv``/``run``/``test`` do it too). The ``.qm`` files are build output, ignored by git.
    3. Nothing to register: :func:`install_translators` loads every ``*_<lang>.qm`` found in
       ``resources/translations``.

Why a runtime fallback
    A fresh checkout run without make (``python -m pytest``, an IDE) has no ``.qm`` yet. When a
    ``.ts`` has no ``.qm`` or is newer than it, :func:`compiled_translations` compiles it on the
    spot with ``pyside6-lrelease`` (next to the ``.ts`` if that directory is writable, else in a
    per-user temporary directory). That costs ~50 ms once; frozen installs ship compiled ``.qm``
    files and never take that path.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from eservice_desktop.services.shipped import resources_dir

log = logging.getLogger("eservice.gui")

SOURCE_LANG = "zh_TW"


def normalise_lang(lang: str | None) -> str:
    """``en``, ``en_US`` -> ``en``; anything Chinese or empty -> ``zh_TW``."""
    value = (lang or SOURCE_LANG).strip().replace("-", "_")
    return "en" if value.lower().startswith("en") else SOURCE_LANG


def translations_dir() -> Path:
    return resources_dir() / "translations"


def _lrelease() -> str | None:
    here = Path(sys.executable).parent / "pyside6-lrelease"
    if here.exists():
        return str(here)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def compile_ts(ts: Path, qm: Path) -> bool:
    tool = _lrelease()
    if tool is None:
        log.warning("pyside6-lrelease not found; %s stays untranslated", ts.name)
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [tool, "-silent", str(ts), "-qm", str(qm)], capture_output=True, check=False
    )
    if done.returncode != 0 or not qm.exists():
        log.warning("lrelease failed for %s: %s", ts.name, done.stderr.decode(errors="replace"))
        return False
    return True


def compiled_translations(lang: str, directory: Path | None = None) -> list[Path]:
    """The ``*_<lang>.qm`` files to load, compiling stale or missing ones (see module doc)."""
    directory = directory or translations_dir()
    if not directory.is_dir():
        return []
    out: dict[str, Path] = {qm.stem: qm for qm in sorted(directory.glob(f"*_{lang}.qm"))}
    if getattr(sys, "frozen", False):
        return sorted(out.values())  # installs ship compiled files and no lrelease
    fallback = (
        Path(tempfile.gettempdir()) / f"eservice-qm-{os.getuid() if hasattr(os, 'getuid') else 0}"
    )
    for ts in sorted(directory.glob(f"*_{lang}.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        target = qm if os.access(directory, os.W_OK) else fallback / qm.name
        fresh = target.exists() and target.stat().st_mtime >= ts.stat().st_mtime
        if fresh or compile_ts(ts, target):
            out[ts.stem] = target
        # else: keep a shipped .qm even if it looks older (file times in a bundle mean little)
    return sorted(out.values())


def install_translators(app: QCoreApplication, lang: str | None) -> list[QTranslator]:
    """Loads Qt's own strings and every area's translation for ``lang``; returns the
    translators (keep them referenced: Qt does not own them)."""
    lang = normalise_lang(lang)
    QLocale.setDefault(QLocale("en_US" if lang == "en" else "zh_TW"))
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    base = QTranslator(app)
    if base.load(f"qtbase_{lang}", qt_dir):
        app.installTranslator(base)
        installed.append(base)
    # English: every area's <area>_en.qm. Chinese: the code is the translation already; only
    # qtgaps_zh_TW.qm, which fills the strings of Qt's own dialogs that qtbase_zh_TW leaves in
    # English (installed after qtbase, so Qt asks it first).
    for qm in compiled_translations(lang):
        tr = QTranslator(app)
        if tr.load(str(qm)):
            app.installTranslator(tr)
            installed.append(tr)
        else:
            log.warning("could not load translation %s", qm.name)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for tr in translators:
        app.removeTranslator(tr)
