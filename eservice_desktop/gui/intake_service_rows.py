"""The service's part of the intake form: its own fields, the consents to document-free
lookups, the required documents, the pickup ways, and the Tab order through them, rebuilt
whenever the clerk picks another service.

Between ``IntakeView`` (the fixed widgets) and ``IntakeForm`` (drafts, cards, checks, submit):
these rows change with the service while the rest of the form stays, and the values typed in
them are read and written here (``field_values``). A change in a row calls ``_changed``, which
``IntakeForm`` turns into a draft save. The texts keep the translation context ``IntakeForm``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from eservice_desktop.domain import values
from eservice_desktop.domain.catalogue import (
    DOCUMENT_FREE_KINDS,
    DOCUMENT_FREE_KINDS_EN,
    PICKUP_LABELS,
    FieldSpec,
    Service,
    fee_total,
)
from eservice_desktop.gui import labels
from eservice_desktop.gui.intake_view import IntakeView, _error_label, _row
from eservice_desktop.gui.wrapped_check_box import WrappedCheckBox

if TYPE_CHECKING:  # the identity stack (cryptography) loads when a proof is first made
    pass


def _t(text: str) -> str:
    return QCoreApplication.translate("IntakeForm", text)


class IntakeServiceRows(IntakeView):
    """The rows that follow the chosen service."""

    service: Service | None
    field_widgets: dict[str, QWidget]
    _field_specs: dict[str, FieldSpec]
    consent_boxes: dict[str, QCheckBox]
    document_boxes: dict[str, QCheckBox]
    #: The values of the service's rows, kept while another service (or none) is chosen.
    fields_aside: dict[str, Any]
    documents_aside: dict[str, bool]

    def _changed(self, *_args: Any) -> None:
        """A value in a row changed (``IntakeForm`` saves the draft)."""

    def _edited(self, *keys: str) -> None:
        """The clerk changed the value of ``keys``: a refusal beside it is about the value it
        held and goes (it stayed, and the corrected name still read as refused); the checks of
        leaving the field and of the next submit say again what is still wrong."""
        for key in keys:
            label = self.error_labels.get(key)
            if label is not None:
                label.clear()

    def _set_service(self, service: Service | None) -> None:
        """Rebuilds the service's part of the form (fields, consents, documents, pickup ways),
        keeping what was typed in fields and ticked in documents both services share."""
        if service is self.service and service is not None:
            return
        # What the rows held stays aside for a service that has them again: a service text
        # naming none (a slip in the box) dropped the rows, and what was typed in them with it.
        old = self.fields_aside = {**self.fields_aside, **self.field_values()}
        self.documents_aside.update({k: b.isChecked() for k, b in self.document_boxes.items()})
        old_docs = {k for k, ticked in self.documents_aside.items() if ticked}
        self.service = service
        self.error_labels["service"].clear()
        self._clear_service_rows()
        self.pickup_method.blockSignals(True)
        self.pickup_method.clear()
        if service is None:
            self.service_info.setText(_t("請先選擇申辦項目"))
            self.fields_box.setVisible(False)
            self.consent_box.setVisible(False)
            self.documents_box.setVisible(False)
            self.pickup_method.addItem(self.ctx.pick(*PICKUP_LABELS["counter"]), "counter")
            self.pickup_method.blockSignals(False)
            self._pickup_changed()
            self._chain_tab_order()
            return
        fee = fee_total(service, 1) if service.fee_items else 0
        # %n: Qt's plural forms ("1 working day", "3 working days" in English)
        info = QCoreApplication.translate(
            "IntakeForm",
            "處理期限 %n 個工作天　規費每{unit} {fee} 元",
            None,
            service.time_limit_working_days,
        ).format(fee=fee, unit=labels.fee_unit(self.ctx, service.code))
        if service.requires_moica:
            info += _t("　需以自然人憑證驗證身分")
        self.service_info.setText(info)
        self._add_field_rows(service, old)
        self._add_consent_boxes(service)
        self._add_document_boxes(service, old_docs)
        self._add_pickup_options(service)
        self.pickup_method.blockSignals(False)
        self._pickup_changed()
        self._chain_tab_order()

    def _clear_service_rows(self) -> None:
        """Removes the previous service's fields, consent and document boxes."""
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        for key in list(self.field_widgets):
            self.error_labels.pop(key, None)
        self.field_widgets.clear()
        self._field_specs.clear()
        for box in self.consent_boxes.values():
            box.deleteLater()
        self.consent_boxes.clear()
        for box in self.document_boxes.values():
            box.deleteLater()
        self.document_boxes.clear()

    def _add_field_rows(self, service: Service, old: dict[str, Any]) -> None:
        """One row per field of the service (its label, the input, its error line); a value
        typed for a field of the same key before the service changed is kept."""
        for spec in service.fields:
            widget = self._field_widget(spec)
            widget.setObjectName(f"field_{spec.key}")
            self.field_widgets[spec.key] = widget
            self._field_specs[spec.key] = spec
            error = _error_label(spec.key)
            self.error_labels[spec.key] = error
            label = self.ctx.pick(spec.label, spec.label_en) + ("＊" if spec.required else "")
            title = QLabel(label)
            title.setBuddy(widget)
            self.fields_form.addRow(title, _row(widget, error))
            if spec.key in old:
                self._set_field_value(spec.key, old[spec.key])
        self.fields_box.setVisible(bool(service.fields))

    def _add_consent_boxes(self, service: Service) -> None:
        """The applicant's consent to each lookup that replaces a paper document."""
        for kind in sorted(service.document_free_lookups):
            box = WrappedCheckBox(
                self.ctx.pick(
                    DOCUMENT_FREE_KINDS.get(kind, kind), DOCUMENT_FREE_KINDS_EN.get(kind, kind)
                )
            )
            box.setObjectName(f"consent_{kind}")
            box.toggled.connect(self._changed)
            box.toggled.connect(lambda _on: self._edited("consent"))
            self.consent_layout.addWidget(box)
            self.consent_boxes[kind] = box
        self.consent_box.setVisible(bool(self.consent_boxes))

    def _add_document_boxes(self, service: Service, old_docs: set[str]) -> None:
        """The documents the service requires, the first nine with Alt+1..9."""
        for i, doc in enumerate(service.required_documents):
            text = service.document_name(doc, self.ctx.lang)
            box = WrappedCheckBox(f"{text} (&{i + 1})" if i < 9 else text)
            box.setObjectName(f"document_{i}")
            box.setChecked(doc in old_docs)
            box.toggled.connect(self._changed)
            box.toggled.connect(lambda _on: self._edited("documents"))
            self.documents_layout.addWidget(box)
            self.document_boxes[doc] = box
        self.documents_box.setVisible(bool(self.document_boxes))

    def _add_pickup_options(self, service: Service) -> None:
        for option in service.pickup_options:
            self.pickup_method.addItem(self.ctx.pick(*PICKUP_LABELS[option]), option)
        # The default is the office's own: pick up here at the counter. A service without
        # counter pickup and with several ways gets no default (never "the first option").
        options = service.pickup_options
        if "counter" in options:
            self.pickup_method.setCurrentIndex(self.pickup_method.findData("counter"))
        elif len(options) != 1:
            self.pickup_method.setCurrentIndex(-1)

    def _field_widget(self, spec: FieldSpec) -> QWidget:
        if spec.type == "choice":
            # Never pre-filled: a required choice starts empty and says so.
            combo = QComboBox()
            combo.setPlaceholderText(_t("請選擇"))
            if not spec.required:
                combo.addItem("", "")
            for choice in spec.choices:
                combo.addItem(spec.choice_label(choice, self.ctx.lang), choice)
            combo.setCurrentIndex(-1)
            combo.currentIndexChanged.connect(self._changed)
            combo.currentIndexChanged.connect(lambda _i, k=spec.key: self._edited(k))
            return combo
        if spec.type == "int":
            spin = QSpinBox()
            spin.setRange(0, values.AMOUNT_MAX)  # an endowment in NTD runs to millions
            spin.setSpecialValueText(" ")
            spin.valueChanged.connect(self._changed)
            spin.valueChanged.connect(lambda _v, k=spec.key: self._edited(k))
            return spin
        edit = QLineEdit()  # spec.max_length is checked on submit, beside the field: a longer
        # text pasted is kept whole instead of being cut where the clerk cannot see it
        if spec.type == "date":
            edit.setPlaceholderText(_t("民國年/月/日，例如 115/03/10"))
            edit.installEventFilter(self)
        elif spec.type == "land_parcel":
            edit.setPlaceholderText(_t("地段及地號，例如 中正段 0123-0000"))
        elif spec.type == "address":
            edit.setPlaceholderText(_t("地址"))
        edit.textChanged.connect(self._changed)
        edit.textChanged.connect(lambda _t, k=spec.key: self._edited(k))
        return edit

    def _chain(self) -> list[QWidget]:
        chain: list[QWidget] = [
            self.discard_draft_button,
            self.keep_draft_button,
            self.service_combo,
            self.applicant_id,
            self.applicant_name,
            self.phone,
            self.email,
        ]
        chain += list(self.field_widgets.values())
        chain += [self.copies, self.pickup_method, self.pickup_office]
        chain += list(self.consent_boxes.values())
        chain += list(self.document_boxes.values())
        chain += [self.submit_button, self.clear_button]
        return chain

    def _chain_tab_order(self) -> None:
        chain = self._chain()
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        # Enter moves on to the next field still to fill (see focus_next_needed); on a consent
        # or a document box too (Alt+1 left the focus on its box, where Enter did nothing).
        line = self.service_combo.lineEdit()
        for widget in [line, *chain[2 : chain.index(self.submit_button)]]:
            if widget is not None:
                widget.installEventFilter(self)

    def _pickup_changed(self, _index: int = 0) -> None:
        other = self.pickup_method.currentData() == "other_office"
        self.pickup_office.setEnabled(other)

    # -- values ------------------------------------------------------------------------------

    def field_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, widget in self.field_widgets.items():
            if isinstance(widget, QComboBox):
                out[key] = widget.currentData() or ""
            elif isinstance(widget, QSpinBox):
                out[key] = widget.value() or None
            elif isinstance(widget, QLineEdit):
                out[key] = widget.text()
        return out

    def documents_presented(self) -> list[str]:
        """The ticked required documents, in the catalogue's order."""
        return [doc for doc, box in self.document_boxes.items() if box.isChecked()]

    def _set_field_value(self, key: str, value: Any) -> None:
        widget = self.field_widgets.get(key)
        if isinstance(widget, QComboBox):
            i = widget.findData(value) if value else -1
            widget.setCurrentIndex(i)
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value or 0))
        elif isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
