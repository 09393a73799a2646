"""The identity panel in English (``--lang en``) and the completeness of identity_en.ts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.devices.nhi import NhiRecord
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators, translations_dir
from eservice_desktop.gui.identity_panel import IdentityPanel, PinDialog
from eservice_desktop.services.identity import ReaderState, ReaderStatus


def _record() -> NhiRecord:
    from eservice_desktop.devices.nhi import parse_record

    name = "林美玲".encode("big5hkscs").ljust(20, b"\x00")
    return parse_record(b"000012345678" + name + b"F1311040930750312F1100101")


def test_panel_speaks_english(qtbot: QtBot, sync_ctx: GuiContext, qapp: QApplication) -> None:
    translators = install_translators(qapp, "en")
    try:
        sync_ctx.lang = "en"
        panel = IdentityPanel(sync_ctx, start_monitor=False)
        qtbot.addWidget(panel)
        panel.on_status(ReaderStatus("A", ReaderState.NO_CARD))
        assert panel.reader_label.text() == "Insert the NHI card"
        assert panel.verify_button.text() == "&Verify MOICA card"
        assert panel.nhi_box.title() == "Read from NHI card (not verified)"
        # the date of birth as the English window writes dates (it read "民國75年3月12日")
        card = ReaderStatus("A", ReaderState.SHOWN, generation=1, card="nhi", record=_record())
        panel.on_status(card)
        assert panel.nhi_birth.text() == "1986-03-12"
        dialog = PinDialog({"state": "full", "left": 3})
        qtbot.addWidget(dialog)
        assert dialog.tries_label.text() == "The holder types the PIN (3 tries allowed)."
    finally:
        remove_translators(qapp, translators)


def test_every_identity_string_has_an_english_translation() -> None:
    tree = ET.parse(translations_dir() / "identity_en.ts")
    untranslated = [
        m.findtext("source")
        for m in tree.iter("message")
        if (t := m.find("translation")) is None or t.get("type") == "unfinished"
    ]
    assert untranslated == []
