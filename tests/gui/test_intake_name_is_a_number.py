"""The previous citizen's case slip scanned into 申請人姓名 (only a pickup code is caught on the
way, gui/stray_scans.py): the case was taken in under the name H01-01-115-000001-7 and its
receipt printed to that payer; so was a receipt number, the ID typed one field too low or the
mobile one field too high. The name is now refused beside it, saying what it is, in the
window's language; the text stays in the field and nothing is stored (domain/name_slips.py)."""

from __future__ import annotations

import pytest
from factories import new_case
from gui_keys import type_text

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.name_slips import looks_like
from eservice_desktop.domain.values import check_applicant
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo


def _count(app: App) -> int:
    with app.reading() as s:
        return repo.count_cases(s)


def _form(qtbot, ctx: GuiContext) -> IntakeForm:  # type: ignore[no-untyped-def]
    form = IntakeForm(ctx)
    qtbot.addWidget(form)
    form.show()
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.field_widgets["registered_address"].setText("桃園市桃園區縣府路1號")  # type: ignore[attr-defined]
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    return form


def test_a_case_number_scanned_into_the_name_is_refused_beside_it(
    qtbot,  # type: ignore[no-untyped-def]
    sync_ctx: GuiContext,
) -> None:
    before = new_case(sync_ctx.app, name="陳堃")  # the previous citizen's slip
    form = _form(qtbot, sync_ctx)
    form.applicant_name.setFocus()
    qtbot.waitUntil(form.applicant_name.hasFocus)
    type_text(before)
    form.submit()
    assert form.error_labels["applicant_name"].text() == (
        "申請人姓名是案號，不是姓名（掃描或打錯欄位？），請輸入申請人姓名"
    )
    assert form.applicant_name.text() == before  # nothing typed is lost
    assert _count(sync_ctx.app) == 1
    form.applicant_name.setText("林美玲")
    form.submit()
    assert _count(sync_ctx.app) == 2


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("H01-01-115-000001-7", "case"),
        ("h0101115000001 7", "case"),
        ("H01-01-115-R000287", "receipt"),
        ("Ａ１２３４５６７８９", "id"),
        ("AB12345678", "id"),
        ("0912-345-678", "digits"),
        ("04595257", "digits"),
        ("王小明", None),
        ("3M 台灣", None),
        ("Nguyễn Văn An", None),
        ("7-ELEVEN", None),
    ],
)
def test_which_names_are_numbers(name: str, kind: str | None) -> None:
    assert looks_like(name) == kind


def test_the_refusal_in_english() -> None:
    _applicant, errors = check_applicant("A123456789", "H01-01-115-R000287", "", "")
    error = errors["applicant_name"]
    assert isinstance(error, DomainError) and error.code == "value.not_a_name"
    assert error.message_en == (
        "Applicant's name is a receipt number, not a name (scanned or typed into the wrong "
        "field?); type the applicant's name"
    )
