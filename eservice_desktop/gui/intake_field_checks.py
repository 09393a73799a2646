"""The intake form's field checks as the clerk leaves a field (the applicant's ID, the mobile
number, a date in ROC or ISO form) and the errors shown beside the field they are about.

A layer of ``IntakeForm`` (over ``IntakeServiceRows``): the same checks run again on submit
and the service's refusals land in the same places (``show_errors``), so where an error goes
is decided here once. The texts keep the translation context ``IntakeForm``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QLineEdit,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id, validate_mobile
from eservice_desktop.domain.rocdate import format_roc, parse_roc
from eservice_desktop.domain.text_values import typed_date
from eservice_desktop.gui.intake_service_rows import IntakeServiceRows
from eservice_desktop.gui.keyboard import bring_into_view

if TYPE_CHECKING:  # the identity stack (cryptography) loads when a proof is first made
    pass


def _t(text: str) -> str:
    return QCoreApplication.translate("IntakeForm", text)


class IntakeFieldChecks(IntakeServiceRows):
    """Checks on leaving a field, and the errors beside the fields."""

    def check_applicant_id(self) -> bool:
        text = self.applicant_id.text().strip()
        label = self.error_labels["applicant_id"]
        if not text:
            label.clear()
            self.applicant_kind.clear()
            return False
        try:
            kind, id_type, _norm = classify_applicant_id(text)
        except DomainError as e:
            label.setText(self.ctx.message(e))
            self.applicant_kind.clear()
            return False
        label.clear()
        kinds = {
            "national_id": ("個人（國民身分證）", "Person (national ID)"),
            "resident_id": ("個人（居留證）", "Person (resident certificate)"),
            "ubn": ("法人／商號（統一編號）", "Business (unified business number)"),
        }
        self.applicant_kind.setText(self.ctx.pick(*kinds.get(id_type, (kind, kind))))
        return True

    def check_phone(self) -> bool:
        text = self.phone.text().strip()
        label = self.error_labels["phone"]
        if not text:
            label.clear()
            return True
        try:
            validate_mobile(text, field="phone")
        except DomainError as e:
            label.setText(self.ctx.message(e))
            return False
        label.clear()
        return True

    def _check_date(self, key: str) -> str | None:
        """ISO date of a date field (ROC or ISO input); shows the error beside it otherwise."""
        widget = self.field_widgets[key]
        assert isinstance(widget, QLineEdit)
        text = typed_date(widget.text())  # a zero-width space pasted along, full-width signs
        label = self.error_labels[key]
        if not text:
            label.clear()
            return ""
        try:
            day = date.fromisoformat(text)
        except ValueError:
            try:
                day = parse_roc(text, field=key)
            except DomainError as e:
                # a well-written date that does not exist (115/02/30) says so, not "format"
                label.setText(
                    _t("日期格式錯誤，請輸入民國年/月/日，例如 115/03/10")
                    if e.code == "date.format"
                    else self.ctx.message(e)
                )
                return None
        out_of_range = self._field_specs[key].kind_error(day.isoformat())
        if out_of_range is not None:  # 215/03/10 typed for 115/03/10: said as the clerk leaves
            label.setText(self.ctx.message(out_of_range))
            return None
        label.clear()
        widget.setToolTip(format_roc(day, "long") if self.ctx.is_zh else day.isoformat())
        return day.isoformat()

    def clear_errors(self) -> None:
        for label in self.error_labels.values():
            label.clear()
        self.form_error.clear()

    def show_errors(self, errors: dict[str, DomainError | str]) -> None:
        first: QWidget | None = None
        for key, error in errors.items():
            text = error if isinstance(error, str) else self.ctx.message(error)
            label = self.error_labels.get(key)
            if label is None:
                label = self.form_error
            label.setText(text)
            widget = self._widget_for(key)
            if first is None and widget is not None:
                first = widget
        if first is not None:
            first.setFocus()
        elif self.form_error.text():  # under the buttons: at 1024 × 768 below the fold, unseen
            bring_into_view(self.form_error)

    def _widget_for(self, key: str) -> QWidget | None:
        return {
            "service": self.service_combo,
            "applicant_id": self.applicant_id,
            "applicant_name": self.applicant_name,
            "phone": self.phone,
            "email": self.email,
            "copies": self.copies,
            "pickup_method": self.pickup_method,
            "pickup_office": self.pickup_office,
            "documents": next(iter(self.document_boxes.values()), None),
            "consent": next(iter(self.consent_boxes.values()), None),
        }.get(key) or self.field_widgets.get(key)
