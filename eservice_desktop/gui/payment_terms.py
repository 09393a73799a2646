"""The fees page's 核定 row (份數, 免徵, 減免, 原因) read and set as one ``fees.Terms``.

A case loaded on the page shows its recorded terms, so 核定 (Alt+A) re-assesses with what the
clerk changed and nothing else: with the row left at its defaults, one Alt+A on a case with an
approved reduction recorded the full fee again. :func:`choose` says which service call the
row's terms need.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import screen_masked_name
from eservice_desktop.services import cases, fees

#: What 核定 does with the row's terms: nothing (unchanged), only the copies (the exemption
#: or reduction already granted is kept), or a new assessment (approved if it reduces the fee).
Step = Literal["unchanged", "copies", "assess"]


def reason_of(combo: QComboBox) -> str:
    """A listed reason is recorded as listed (zh-TW, whatever the window shows); a typed one
    as typed."""
    i = combo.currentIndex()
    if i >= 0 and combo.currentText() == combo.itemText(i):
        return str(combo.itemData(i) or "")
    return combo.currentText()


def read(copies: QSpinBox, exempt: QCheckBox, reduction: QSpinBox, reason: QComboBox) -> fees.Terms:
    """The terms as the row shows them now."""
    return fees.Terms(
        copies.value(), exempt.isChecked(), reduction.value(), reason_of(reason).strip()
    )


def show(
    terms: fees.Terms,
    copies: QSpinBox,
    exempt: QCheckBox,
    reduction: QSpinBox,
    reason: QComboBox,
) -> None:
    """Sets the row to ``terms`` (a listed reason selected, another typed in)."""
    copies.setValue(terms.copies)
    exempt.setChecked(terms.exempt)
    reduction.setValue(terms.reduction)
    listed = reason.findData(terms.reason) if terms.reason else 0
    if listed >= 0:
        reason.setCurrentIndex(listed)
    else:
        reason.setCurrentIndex(0)
        reason.setEditText(terms.reason)


def choose(row: fees.Terms, recorded: fees.Terms, assessed: bool) -> Step:
    """``recorded``: the terms the page showed (a case not assessed yet: its copies, no
    relief; 核定 then records its first assessment whatever the row says)."""
    if assessed and row == recorded:
        return "unchanged"
    if row.same_relief(recorded) and row.copies != recorded.copies:
        return "copies"
    return "assess"


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


def relief_subject(catalogue: Catalogue, view: cases.CaseView, row: fees.Terms) -> str:
    """What the supervisor approves under 「減免規費」須經主管核准: the case, whose, and how
    much of its fee goes (the dialog named neither, and a supervisor called over typed the
    password for a whole fee waived without seeing the case or the amount; a void names its
    receipt and amount). Computed as the service will, at the row's copies; terms it refuses
    name the case only (the refusal follows)."""
    n, name = view.case_number, screen_masked_name(view.applicant_name)
    try:  # the reason is the service's to check: any one gives the amounts
        service = catalogue.service(view.service_code)
        fee = fees.compute(
            service, row.copies, exempt=row.exempt, reduction=row.reduction, reason="-"
        )
    except DomainError:
        return _t("案件 {n}（{name}）").format(n=n, name=name)
    if row.exempt:
        return _t("案件 {n}（{name}）免徵，規費 {s} 元全免").format(
            n=n, name=name, s=f"{fee.subtotal:,}"
        )
    return _t("案件 {n}（{name}）減免 {r} 元，規費 {s} 元減為 {t} 元").format(
        n=n, name=name, r=f"{fee.reduction:,}", s=f"{fee.subtotal:,}", t=f"{fee.total:,}"
    )
