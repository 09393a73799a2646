"""Intake form (收件), generated from the catalogue entry of the chosen service.

Everything is reachable from the keyboard in a fixed tab order: service picker (type a code or
part of the name), applicant ID (person or business is decided by the number's shape), name,
phone, e-mail, the service's own fields, copies, document-free lookup consent, pickup. Ctrl+Enter
submits. Enter moves on to the next field still to fill (skipping what a card filled and what is
optional), and to the submit button when nothing is left, where Enter submits. Each field has
its error label right beside it, filled in zh-TW (or English) from the ``DomainError`` the
service raised for that field; IDs and phone numbers are also checked when the field loses focus.

The form state is saved as a draft (``DATA_DIR/drafts/intake.json.sealed``: encrypted with the
office key, written atomically, debounced) on every change and restored when the form opens, so
closing the window or a crash loses nothing; a successful intake deletes it. A restored draft is
announced in a banner at the top of the page with "捨棄草稿 (Alt+D)" and "保留 (Alt+R)".

Required choice fields (the service's choices, the pickup office) start empty ("請選擇"); saving
without a choice puts the error beside the field. The service's required documents (應備文件)
are a checklist (Alt+1 … Alt+9); the ticks go into the intake event.

Identity cards: ``ctx.applicant_read`` fills the empty ID and name fields and asks before
replacing anything already in them; a card leaving the reader (``ctx.identity_cleared``) clears
nothing in the form. A MOICA proof made while no case is on screen arrives by
``ctx.intake_proof`` and is recorded with the case when the form is saved; changing the applicant
drops it. Esc does not leave the page while the form holds input.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)
from shiboken6 import isValid

from eservice_desktop.domain.catalogue import (
    FieldSpec,
    Service,
)
from eservice_desktop.domain.uuid7 import new_id
from eservice_desktop.gui import intake_cards, intake_state
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.context import intake_draft_path as draft_path
from eservice_desktop.gui.intake_drafts import DRAFT_DEBOUNCE_MS
from eservice_desktop.gui.intake_submit import IntakeSubmit
from eservice_desktop.services.cases import CaseView
from eservice_desktop.services.drafts import DraftKeeper, DraftStore

if TYPE_CHECKING:  # the identity stack (cryptography) loads when a proof is first made
    from eservice_desktop.services import identity


log = logging.getLogger("eservice.gui")


class IntakeForm(IntakeSubmit):
    """What the intake form does; its widgets are ``IntakeView``'s, the service's rows
    ``IntakeServiceRows``', the field checks ``IntakeFieldChecks``', the draft
    ``IntakeDrafts``', the submit and the MOICA proof ``IntakeSubmit``'."""

    #: The buttons of the question a card's differing values raise (``gui.intake_cards``).
    card_replace_button: QPushButton
    card_keep_button: QPushButton

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intake_form")
        self.ctx = ctx
        assert ctx.app.sealer is not None
        self.drafts = DraftKeeper(DraftStore(draft_path(ctx), ctx.app.sealer))
        self._init_state()
        self._build_draft_banner()
        form = self._build_service_picker()
        self._build_applicant(form)
        self._build_details(form)
        buttons = self._build_buttons()
        self._lay_out(form, buttons)
        self._connect()
        self._set_service(None)
        self.restore_draft()
        self._applicant_changed()

    def _init_state(self) -> None:
        """What the form holds besides its widgets: the service, card and proof state."""
        self.service: Service | None = None
        self.services = self.ctx.app.services
        self.error_labels: dict[str, QLabel] = {}
        self.field_widgets: dict[str, QWidget] = {}
        self._field_specs: dict[str, FieldSpec] = {}
        self.consent_boxes: dict[str, QCheckBox] = {}
        self.document_boxes: dict[str, QCheckBox] = {}
        self.fields_aside: dict[str, Any] = {}
        self.documents_aside: dict[str, bool] = {}
        self._card: dict[str, str] = {}  # field -> value the card gave
        self._card_source = ""
        self.intake_key = new_id()  # the case id its intake takes (intake_state, the draft)
        #: A card read waiting for the clerk's answer (replace typed values or not).
        self.card_question: QMessageBox | None = None
        self._card_pending: dict[str, Any] | None = None
        #: A card's question waiting for the form to come to the front: (source, conflicts).
        self._card_deferred: tuple[str, dict[str, str]] | None = None
        #: A passed MOICA proof made on this form, and the (ID, name) it was made for.
        self.identity_proof: identity.ProofResult | None = None
        self._proof_for: tuple[str, str] = ("", "")
        self._restoring = False
        self._submitting = False
        self._sent: dict[str, Any] | None = None  # the form as last submitted
        #: Where the focus was when another page came to the front (``on_shown`` returns it).
        self._left_focus: QWidget | None = None
        self.last_case: CaseView | None = None

    def _connect(self) -> None:
        """What the buttons and pickers do; Ctrl+Enter submits; edits save the draft (debounced);
        card and proof signals fill in."""
        self.discard_draft_button.clicked.connect(self.discard_draft)
        self.keep_draft_button.clicked.connect(self.hide_draft_banner)
        line = self.service_combo.lineEdit()
        assert line is not None
        line.editingFinished.connect(self._service_text_done)
        self.service_combo.currentIndexChanged.connect(self._service_index_changed)
        self.pickup_method.currentIndexChanged.connect(self._pickup_changed)
        self.submit_button.clicked.connect(self.submit)
        self.clear_button.clicked.connect(self.clear_form)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.submit)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        for edit in (self.applicant_id, self.applicant_name, self.phone, self.email):
            edit.textChanged.connect(self._changed)
        self.applicant_id.textChanged.connect(lambda t: self._card_edited("applicant_id", t))
        self.applicant_name.textChanged.connect(lambda t: self._card_edited("applicant_name", t))
        self.applicant_id.textChanged.connect(self._applicant_changed)
        self.applicant_name.textChanged.connect(self._applicant_changed)
        self.copies.valueChanged.connect(self._changed)
        self.pickup_method.currentIndexChanged.connect(self._changed)
        self.pickup_office.currentIndexChanged.connect(self._changed)
        for key, edit in (
            ("applicant_id", self.applicant_id),
            ("applicant_name", self.applicant_name),
            ("phone", self.phone),
            ("email", self.email),
        ):
            edit.textChanged.connect(lambda _t, k=key: self._edited(k))
        self.copies.valueChanged.connect(lambda _v: self._edited("copies"))
        self.pickup_method.currentIndexChanged.connect(
            lambda _i: self._edited("pickup_method", "pickup_office")
        )
        self.pickup_office.currentIndexChanged.connect(lambda _i: self._edited("pickup_office"))

        self.ctx.applicant_read.connect(self.fill_from_card)
        self.ctx.identity_cleared.connect(self.card_removed)
        self.ctx.intake_proof.connect(self.take_proof)
        self.ctx.restore_recovered.connect(self.restore_recovered)

    def _service_index_changed(self, index: int) -> None:
        code = self.service_combo.itemData(index) if index >= 0 else ""
        self._set_service(self.ctx.app.catalogue.service(code) if code else None)
        self._show_service_start()
        self._changed()

    def _show_service_start(self) -> None:
        """The chosen service reads from its code on: the box showed the end of a long name
        ("household registration transcript (online reservation)", HR-TRANSCRIPT's and
        HR-TRANSCRIPT-EN's alike in English); the whole text is its tooltip."""
        line = self.service_combo.lineEdit()
        if line is not None and self.service is not None:
            line.setCursorPosition(0)
        self.service_combo.setToolTip(self.service_combo.currentText() if self.service else "")

    def _service_text_done(self) -> None:
        """The typed text decides the service; text that names none never leaves an earlier
        choice silently in place."""
        combo = self.service_combo
        text = combo.currentText().strip()
        index = self.find_service(text)
        if index is None:
            if not text:
                combo.setCurrentIndex(0)
                return
            combo.setCurrentIndex(0)  # no service while the text names none
            combo.setEditText(text)
            self.error_labels["service"].setText(self.tr("查無此申辦項目，請輸入代碼或名稱"))
            return
        if index != self.service_combo.currentIndex():
            self.service_combo.setCurrentIndex(index)
        else:
            # Typing over the same item leaves stray text: show the item's own text again.
            self.service_combo.setEditText(self.service_combo.itemText(index))
            self._show_service_start()

    def find_service(self, text: str) -> int | None:
        """Index of the service meant by ``text``: the item itself, its code, or the only
        item containing it."""
        t = text.strip()
        if not t:
            return None
        up = t.upper()
        contains: list[int] = []
        for i in range(1, self.service_combo.count()):
            item = self.service_combo.itemText(i)
            code = str(self.service_combo.itemData(i))
            if t == item or up == code:
                return i
            if t in item or up in item.upper():
                contains.append(i)
        return contains[0] if len(contains) == 1 else None

    # -- values ------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The whole form as JSON-ready data (what the draft stores; ``gui.intake_state``)."""
        return intake_state.form_state(self)

    def set_state(self, state: dict[str, Any]) -> None:
        intake_state.set_form_state(self, state)

    # -- clearing (the draft goes too) ----------------------------------------------------------

    def clear_form(self) -> None:
        self._restoring = True
        try:
            self.service_combo.setCurrentIndex(0)
            self.service_combo.setEditText("")
            self.fields_aside.clear()
            self.documents_aside.clear()
            for edit in (self.applicant_id, self.applicant_name, self.phone, self.email):
                edit.clear()
            self.copies.setValue(1)
            self.pickup_office.setCurrentIndex(-1)
            self._card.clear()
            self._card_source = ""
            self.intake_key = new_id()  # the next citizen's intake
            intake_cards.show_source(self)
            self.applicant_kind.clear()
            self.clear_errors()
        finally:
            self._restoring = False
        self._drop_proof()
        self.draft_banner.hide()
        self._draft_timer.stop()
        self.drafts.clear()
        completer = self.service_combo.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None:
            popup.hide()
        self.service_combo.setFocus()

    # -- identity cards ----------------------------------------------------------------------

    def fill_from_card(self, person: dict[str, Any]) -> None:
        """A card was read: empty fields take its values; a field that holds something else
        is replaced only when the clerk says so (``gui.intake_cards``)."""
        intake_cards.fill_from_card(self, person)

    def card_removed(self) -> None:
        """The card left its reader: the panel forgets it; the form keeps every value (the
        clerk is still taking this citizen's application)."""
        intake_cards.close_question(self)

    # -- the applicant (a proof made for another one is dropped) -------------------------------

    def _applicant_changed(self, *_args: Any) -> None:
        now = (self.applicant_id.text().strip(), self.applicant_name.text().strip())
        if self.identity_proof is not None and now != self._proof_for:
            self._drop_proof()
        self.ctx.intake_applicant_now = now
        self.ctx.intake_applicant.emit(*now)

    def _card_edited(self, key: str, text: str) -> None:
        intake_cards.card_edited(self, key, text)

    # -- checks ------------------------------------------------------------------------------

    def _needs_input(self, widget: QWidget) -> bool:
        """A field the intake cannot go without that is still empty."""
        if not widget.isEnabled():
            return False
        if widget is self.service_combo:
            return self.service is None
        if widget is self.applicant_id:
            return not self.applicant_id.text().strip()
        if widget is self.applicant_name:
            return not self.applicant_name.text().strip()
        if widget is self.pickup_method:
            return self.pickup_method.currentIndex() < 0
        if widget is self.pickup_office:
            return self.pickup_office.currentIndex() < 0
        for key, field in self.field_widgets.items():
            if field is widget:
                return self._field_specs[key].required and self.field_values()[key] in ("", None)
        return False

    def _passes_on_enter(self, widget: QWidget) -> bool:
        """Enter in the ID, mobile or a date field checks what it holds; refused, the focus
        stays there with the text selected. It went on to the next empty field (a drop-down),
        where the clerk's retyped ID or date went nowhere, the refusal left behind."""
        if widget is self.applicant_id:
            ok = self.check_applicant_id() or not self.applicant_id.text().strip()
        elif widget is self.phone:
            ok = self.check_phone()
        else:
            dates = [k for k, w in self.field_widgets.items() if w is widget]
            ok = not dates or self._field_specs[dates[0]].type != "date"
            ok = ok or self._check_date(dates[0]) is not None
        if not ok and isinstance(widget, QLineEdit):
            widget.selectAll()
        return ok

    def focus_next_needed(self, after: QWidget) -> None:
        """Enter in a field: on to the next field still to fill, or to the submit button (where
        Enter submits) when none is left."""
        chain = self._chain()
        start = chain.index(after) + 1 if after in chain else 0
        for widget in chain[start : chain.index(self.submit_button)]:
            if self._needs_input(widget):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.submit_button.setFocus(Qt.FocusReason.TabFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            and isinstance(watched, QWidget)
        ):
            if watched is self._service_popup:
                index = self._service_popup.currentIndex()
                line = self.service_combo.lineEdit()
                if index.isValid() and line is not None:
                    line.setText(str(index.data()))
                self._service_popup.hide()
                watched = self.service_combo
            if watched in (self.service_combo, self.service_combo.lineEdit()):
                self._service_text_done()
                if self.service is None:
                    self.service_combo.setFocus()  # the error beside it says why
                    return True
                watched = self.service_combo
            if not self._passes_on_enter(watched):
                return True  # the error beside the field says why; the text is selected
            self.focus_next_needed(watched)
            return True
        if event.type() == QEvent.Type.FocusOut:
            if watched is self.applicant_id:
                self.check_applicant_id()
            elif watched is self.phone:
                self.check_phone()
            else:
                for key, widget in self.field_widgets.items():
                    if watched is widget and self._field_specs[key].type == "date":
                        self._check_date(key)
        return super().eventFilter(watched, event)

    # -- page hooks --------------------------------------------------------------------------

    def on_shown(self) -> None:
        """Back on the page, the focus is where the clerk left it (half a name typed, F3 to
        look something up, F2: the rest of the name went into the service box); a fresh or
        cleared form starts at the service."""
        last, self._left_focus = self._left_focus, None
        if last is not None and isValid(last) and last.isVisible() and last.isEnabled():
            last.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.service_combo.setFocus()
        intake_cards.ask_deferred(self)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        """Another page comes to the front: where the focus was, for :meth:`on_shown`."""
        focus = QApplication.focusWidget()
        self._left_focus = focus if focus is not None and self.isAncestorOf(focus) else None
        super().hideEvent(event)


def create_page(ctx: GuiContext) -> QWidget:
    return IntakeForm(ctx)
