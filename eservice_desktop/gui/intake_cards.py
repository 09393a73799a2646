"""The intake form taking an applicant from an identity card (``ctx.applicant_read``).

Empty fields take the card's values at once; a field that already holds something else is
replaced only when the clerk says so, in a question that names each difference (asked when
the form comes to the front if another page was in front when the card was read). The form shows
where its values came from ("讀自健保卡") until the clerk edits them. A card leaving its reader
closes an open question and keeps every value in the form.

Apart from ``gui/intake_form.py`` (which delegates here) because this is one conversation with
the clerk about one card, with its own state (``card_question``, ``_card_pending``, ``_card``,
kept on the form where the tests and the form's other steps see them). The texts keep the
translation context ``IntakeForm``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QMessageBox

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id
from eservice_desktop.gui.dialog_life import open_once
from eservice_desktop.gui.intake_view import SOURCE_LABELS

if TYPE_CHECKING:
    from eservice_desktop.gui.intake_form import IntakeForm


def _t(text: str) -> str:
    return QCoreApplication.translate("IntakeForm", text)


def fill_from_card(form: IntakeForm, person: dict[str, Any]) -> None:
    """Applies what does not conflict; asks about the rest (a previous question is closed)."""
    values = {
        "applicant_id": str(person.get("id", "")).strip(),
        "applicant_name": str(person.get("name", "")).strip(),
    }
    values = {k: v for k, v in values.items() if v}
    conflicts = {
        k: v
        for k, v in values.items()
        if _edit(form, k).text().strip() and not _same(k, _edit(form, k).text(), v)
    }
    if form.card_question is not None:
        form.card_question.close()
        form.card_question = None
    form._card_deferred = None
    source = str(person.get("source", ""))
    _apply(form, source, {k: v for k, v in values.items() if k not in conflicts})
    if conflicts and form.window().isVisible() and not form.isVisible():
        # Another page is in front (a case the clerk is looking at): a question about "the
        # form" over it read as one about that case; it waits for the form (F2).
        form._card_deferred = (source, conflicts)
    elif conflicts:
        _ask(form, source, conflicts)


def ask_deferred(form: IntakeForm) -> None:
    """The form came to the front: the question a card read behind it raised, if that card is
    still in the reader and its values still differ from the form's."""
    pending, form._card_deferred = form._card_deferred, None
    if pending is None or form.card_question is not None:
        return
    source, conflicts = pending
    still = {
        k: v
        for k, v in conflicts.items()
        if _edit(form, k).text().strip() and not _same(k, _edit(form, k).text(), v)
    }
    if still:
        _ask(form, source, still)


def _ask(form: IntakeForm, source: str, conflicts: dict[str, str]) -> None:
    """The question: replace the typed values with the card's, or keep them (the default)."""
    labels = {"applicant_id": _t("申請人證號"), "applicant_name": _t("申請人姓名")}
    lines = [
        _t("{field}：表單為「{typed}」，卡片為「{card}」").format(
            field=labels[k], typed=_edit(form, k).text().strip(), card=v
        )
        for k, v in conflicts.items()
    ]
    box = QMessageBox(form)
    box.setObjectName("card_replace_question")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_t("卡片資料與表單不同"))
    box.setText(_t("卡片資料與表單已輸入的資料不同，要以卡片資料取代嗎？"))
    box.setInformativeText("\n".join(lines))
    form.card_replace_button = box.addButton(
        _t("以卡片資料取代(&R)"), QMessageBox.ButtonRole.AcceptRole
    )
    form.card_keep_button = box.addButton(_t("保留表單資料(&K)"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(form.card_keep_button)
    box.setEscapeButton(form.card_keep_button)
    form._card_pending = {"source": source, "values": conflicts}
    box.finished.connect(lambda _r, b=box: _answered(form, b))
    form.card_question = open_once(box)


def _answered(form: IntakeForm, box: QMessageBox) -> None:
    pending = form._card_pending
    if box is not form.card_question or pending is None:
        return
    form.card_question = None
    form._card_pending = None
    if box.clickedButton() is form.card_replace_button:
        _apply(form, str(pending["source"]), dict(pending["values"]))


def _same(key: str, typed: str, card: str) -> bool:
    """The typed value is the card's, written another way (lower case, full-width, spaces):
    the intake would store the same, so the card's form replaces it without a question."""
    if key == "applicant_name":
        return " ".join(typed.split()) == " ".join(card.split())
    try:
        return classify_applicant_id(typed)[2] == classify_applicant_id(card)[2]
    except DomainError:
        return typed.strip() == card


def _edit(form: IntakeForm, key: str) -> QLineEdit:
    return form.applicant_id if key == "applicant_id" else form.applicant_name


def _apply(form: IntakeForm, source: str, values: dict[str, str]) -> None:
    if not values:
        return
    for key, value in values.items():
        _edit(form, key).setText(value)
    form._card.update(values)
    form._card_source = source
    show_source(form)
    if "applicant_id" in values:
        form.check_applicant_id()
    form._changed()


def close_question(form: IntakeForm) -> None:
    """The card left its reader: an open question goes, the form's values stay."""
    form._card_deferred = None
    if form.card_question is not None:
        form.card_question.close()
        form.card_question = None
        form._card_pending = None


def card_edited(form: IntakeForm, key: str, text: str) -> None:
    """The clerk changed a value the card gave: it no longer comes from the card."""
    if key in form._card and text != form._card[key]:
        del form._card[key]
        if not form._card:
            form._card_source = ""
        show_source(form)


def show_source(form: IntakeForm) -> None:
    zh_en = SOURCE_LABELS.get(form._card_source)
    form.card_source.setText(form.ctx.pick(*zh_en) if zh_en and form._card else "")
