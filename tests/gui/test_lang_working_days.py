"""A count of working days reads right in English: one working day, two working days (the
intake form's time limit and the case detail's days left); zh-TW has no plural."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from factories import new_case
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.services import cases, payments


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    translators = install_translators(qapp, "en")
    yield
    remove_translators(qapp, translators)


def _info(qtbot, ctx: GuiContext, code: str) -> str:
    form = IntakeForm(ctx)
    qtbot.addWidget(form)
    form.service_combo.setCurrentIndex(form.service_combo.findData(code))
    return form.service_info.text()


def test_intake_time_limit_of_one_working_day_is_singular(
    qtbot, sync_ctx: GuiContext, english: None
) -> None:
    sync_ctx.lang = "en"
    assert _info(qtbot, sync_ctx, "HR-TRANSCRIPT") == (
        "Time limit 1 working day, fee NT$15 per sheet"
    )


def test_intake_time_limit_of_several_working_days_is_plural(
    qtbot, land_ctx: GuiContext, english: None
) -> None:
    land_ctx.lang = "en"
    service = next(s for s in land_ctx.app.services if s.time_limit_working_days > 1)
    text = _info(qtbot, land_ctx, service.code)
    assert text.startswith(f"Time limit {service.time_limit_working_days} working days, fee ")


def test_intake_time_limit_in_chinese(qtbot, sync_ctx: GuiContext) -> None:
    assert _info(qtbot, sync_ctx, "HR-TRANSCRIPT") == "處理期限 1 個工作天　規費每張 15 元"


def test_a_land_fee_is_said_per_its_own_unit(qtbot, land_ctx: GuiContext) -> None:
    """A boundary survey is charged per parcel (筆), a doorplate survey per building number:
    the line said 規費每份 4000 元, and 份數 read as copies of a form, so a survey of two
    parcels was taken in at 1 and charged for one."""
    assert _info(qtbot, land_ctx, "LR-BOUNDARY-SURVEY") == "處理期限 15 個工作天　規費每筆 4000 元"
    assert _info(qtbot, land_ctx, "LR-DOORPLATE-SURVEY").endswith("規費每建號 500 元")


def test_a_land_fee_is_said_per_its_own_unit_in_english(
    qtbot, land_ctx: GuiContext, english: None
) -> None:
    land_ctx.lang = "en"
    assert _info(qtbot, land_ctx, "LR-BOUNDARY-SURVEY") == (
        "Time limit 15 working days, fee NT$4000 per parcel"
    )
    assert "fee NT$1000 per 1,000 records," in _info(qtbot, land_ctx, "LR-LAND-DATA-SHARING")


def test_one_working_day_left_is_singular(qtbot, sync_ctx: GuiContext, english: None) -> None:
    sync_ctx.lang = "en"
    number = new_case(sync_ctx.app)
    payments.record_payment(
        sync_ctx.app, number, "cash", cases.show_case(sync_ctx.app, number).balance
    )
    view = cases.show_case(sync_ctx.app, number)
    assert view.working_days_left == 1 and view.due is not None
    detail = CaseDetail(sync_ctx)
    qtbot.addWidget(detail)
    detail.load(number)
    assert detail.deadline_label.text() == f"Due {view.due} (1 working day left)"
