"""The intake form as data: what a draft stores and how a stored draft is put back.

Apart from ``gui/intake_form.py`` (which delegates ``state``/``set_state`` here) because the
draft's shape (the keys below) is a format of its own: a draft written by one version of the
form must come back in the next, so its reading and writing sit side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eservice_desktop.gui import intake_cards

if TYPE_CHECKING:
    from eservice_desktop.gui.intake_form import IntakeForm


def form_state(form: IntakeForm) -> dict[str, Any]:
    """The whole form as JSON-ready data (what the draft stores)."""
    return {
        "service_code": form.service.code if form.service else "",
        "service_text": "" if form.service else form.service_combo.currentText(),
        "applicant_id": form.applicant_id.text(),
        "applicant_name": form.applicant_name.text(),
        "phone": form.phone.text(),
        "email": form.email.text(),
        "copies": form.copies.value(),
        "fields": {**form.fields_aside, **form.field_values()},  # set aside ones too
        "consent": sorted(k for k, b in form.consent_boxes.items() if b.isChecked()),
        "documents": form.documents_presented(),
        "pickup_method": form.pickup_method.currentData() or "",
        "pickup_office": form.pickup_office.currentData() or "",
        "card": dict(form._card),
        "card_source": form._card_source,
        "intake_key": form.intake_key,
    }


def set_form_state(form: IntakeForm, state: dict[str, Any]) -> None:
    """Puts a stored state back (a restored draft); the form records no change meanwhile."""
    form._restoring = True
    try:
        code = str(state.get("service_code") or "")
        index = form.service_combo.findData(code) if code else 0
        form.service_combo.setCurrentIndex(max(index, 0))
        if index <= 0 and state.get("service_text"):
            form.service_combo.setEditText(str(state["service_text"]))
        form.applicant_id.setText(str(state.get("applicant_id", "")))
        form.applicant_name.setText(str(state.get("applicant_name", "")))
        form.phone.setText(str(state.get("phone", "")))
        form.email.setText(str(state.get("email", "")))
        form.copies.setValue(int(state.get("copies") or 1))
        for key, value in dict(state.get("fields") or {}).items():
            form._set_field_value(key, value)
            if key not in form.field_widgets:  # for a service that has it, once chosen
                form.fields_aside[key] = value
        for kind in state.get("consent") or []:
            if kind in form.consent_boxes:
                form.consent_boxes[kind].setChecked(True)
        for doc in state.get("documents") or []:
            if doc in form.document_boxes:
                form.document_boxes[doc].setChecked(True)
        i = form.pickup_method.findData(state.get("pickup_method") or "")
        if i >= 0:
            form.pickup_method.setCurrentIndex(i)
        office = state.get("pickup_office", "")
        form.pickup_office.setCurrentIndex(form.pickup_office.findData(office) if office else -1)
        form.intake_key = str(state.get("intake_key") or form.intake_key)  # a draft of before: new
        form._card = {k: str(v) for k, v in dict(state.get("card") or {}).items()}
        form._card_source = str(state.get("card_source") or "")
        intake_cards.show_source(form)
    finally:
        form._restoring = False
