"""Every page of the counter, and the dialogs a clerk reaches from them, in both languages: no
visible text in the wrong language outside user data.

English: no Han character (nor CJK punctuation) except inside what a person typed or the demo
generated (names, addresses, reasons). Chinese: no Latin word except codes (case numbers,
service codes: upper case and digits), key names, and the short list ``ALLOWED_LATIN``.

The data is built through the services the counter itself uses: a paid case collected by a
proxy with an identity verdict, one waiting for a supplement, one ready for pickup, one whose
due date is provisional, and a batch of demo cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pickup_support import County
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDockWidget,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QProgressBar,
    QSpinBox,
    QTabBar,
    QTextEdit,
    QToolBar,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.ids import mask_name
from eservice_desktop.gui import help_menu
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.identity_panel import OverrideDialog
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.shift_start import ShiftStartDialog
from eservice_desktop.gui.sync_status import ConflictDialog
from eservice_desktop.services import cases, doctor, fees, payments, pickup, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage.models import CaseRow, EventRow

TPE = ZoneInfo("Asia/Taipei")

#: Latin words a Chinese screen may show: key names, format names, units of the trade.
ALLOWED_LATIN = frozenset(
    {
        "Ctrl",
        "Alt",
        "Shift",
        "Enter",
        "Esc",
        "Tab",
        "Del",
        "Space",
        "PgUp",
        "PgDown",
        "Home",
        "End",
        "NT",
        "pcscd",
        "Python",  # 關於 names the runtime IT reports with a problem
        "PySide",
    }
)
#: Han characters and the CJK punctuation an untranslated Chinese phrase or format brings along
#: (、。「」（），：；). Not the ideographic space or the full-width asterisk: layout, not language.
HAN = re.compile(
    r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff09\uff0b-\uff1f"
    r"\U00020000-\U0003ffff]+"
)
LATIN_WORD = re.compile(r"[A-Za-z]+")
TAGS = re.compile(r"<[^>]+>")


# --- data -----------------------------------------------------------------------------------


def _transcript(app: App, name: str, applicant_id: str, **kw: Any) -> cases.CaseView:
    return intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id=applicant_id,
            applicant_name=name,
            fields={
                "registered_address": "桃園市桃園區縣府路1號",
                "transcript_kind": "全戶",
                "record_detail": "省略記事",
            },
            **kw,
        ),
    )


def _pay_in_full(app: App, number: str) -> payments.PaymentResult:
    state = cases.load_case(app, number)
    total = fees.compute(app.catalogue.service(state.service_code), state.copies).total
    due = total - state.paid
    result = payments.record_payment(app, number, "cash", due, tendered=due + 100)
    payments.confirm_printed(app, result.receipt_number)
    return result


def _ready(app: App, county: County, number: str, pickup_number: str) -> str:
    """The county makes the case ready here with a signed pickup code (as sync delivers it)."""
    view = cases.show_case(app, number)
    token = county.token(
        case_id=view.case_id, case_number=number, office="H01", pickup_number=pickup_number
    )
    with app.transaction() as s:
        cases.record(
            app,
            s,
            view.case_id,
            ev.READY_FOR_PICKUP,
            {"office": "H01", "pickup_number": pickup_number, "token": token},
        )
    return token


def build_cases(app: App, clock: Any) -> dict[str, str]:
    """The cases the sweep opens; returns their numbers by role."""
    seed_demo(app, 40, seed=7)
    collected = _transcript(app, "王小明", "A123456789").case_number
    _pay_in_full(app, collected)
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, collected)
        cases.record(
            app,
            s,
            case_id,
            ev.IDENTITY_VERIFIED,
            {
                "method": "moica",
                "verdict": "verified_with_override",
                "cert_serial": "0A1B2C",
                "holder_matched": True,
                "override": {"supervisor": "林主任", "reason": "憑證廢止清單逾時"},
            },
        )
    cases.close_case(app, collected)
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    pickup.handover(
        app,
        _ready(app, county, collected, "0427"),
        {"name": "陳大文", "id": "Y140479669", "relation": "子"},
    )
    ready = _transcript(app, "李美玲", "P283378871").case_number
    _pay_in_full(app, ready)
    cases.close_case(app, ready)
    _ready(app, county, ready, "0428")
    waiting = _transcript(app, "張志明", "H159791907").case_number
    cases.request_supplement(app, waiting, "請補附戶口名簿影本")
    now = clock.now
    # Taken in after hours on the last day of 2027: due in 2028, a year with no calendar yet.
    clock.set(datetime(2027, 12, 31, 18, 0, tzinfo=TPE))
    try:
        late = _transcript(app, "吳建宏", "M132860120").case_number
        _pay_in_full(app, late)  # paid: the clock runs, towards a due date in 2028
    finally:
        clock.set(now)
    return {"collected": collected, "ready": ready, "waiting": waiting, "late": late}


USER_KEYS = {"reason", "note", "name", "relation", "items", "exemption_reason", "supervisor"}


def user_data(app: App) -> list[str]:
    """Everything a person typed or the demo generated: allowed in either language."""
    from eservice_desktop.services.operators import DEMO_SUPERVISOR

    account = app.operator.account if app.operator else ""
    found: set[str] = {account, app.settings.device_id, app.settings.county_url}
    found.add(str(app.settings.data_dir))  # a folder IT chose (關於 shows it)
    if app.operator is not None:  # the signed-in operator's name, as the office typed it
        found.add(app.operator.name)
    found |= {DEMO_SUPERVISOR.account, DEMO_SUPERVISOR.name}  # the demo data's supervisor

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in USER_KEYS:
            found.add(value)

    with app.reading() as s:
        for row in s.scalars(select(CaseRow)):
            found |= {row.applicant_name, mask_name(row.applicant_name)}
        for payload in s.scalars(select(EventRow.payload)):
            walk(payload)
            if isinstance(payload, dict) and isinstance(payload.get("fields"), dict):
                code = str(payload.get("service_code", ""))
                if app.catalogue.has_service(code):
                    service = app.catalogue.service(code)
                    for spec in service.fields:
                        value = payload["fields"].get(spec.key)
                        if spec.type != "choice" and isinstance(value, str):
                            found.add(value)
    return sorted((f for f in found if f), key=len, reverse=True)


# --- what is on screen ----------------------------------------------------------------------


def _model_texts(view: QAbstractItemView, limit: int = 60) -> list[str]:
    model = view.model()
    if model is None:
        return []
    out = []
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # a list model hides columnCount: one column
        columns = 1
    for c in range(columns):
        out.append(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
    for r in range(min(model.rowCount(root), limit)):
        for c in range(columns):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(model.index(r, c, QModelIndex()), role)
                if isinstance(value, str):
                    out.append(value)
    return out


def _action_texts(actions: list[Any]) -> list[str]:
    out = []
    for a in actions:
        out += [a.text(), a.toolTip()]
        menu = a.menu()
        if isinstance(menu, QMenu):
            out += _action_texts(menu.actions())
    return out


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a clerk can see, or hear from a screen reader, on ``root``
    right now."""
    out: list[tuple[str, str]] = [(type(root).__name__, root.windowTitle())]
    for w in [root, *root.findChildren(QWidget)]:
        if w is not root and not w.isVisibleTo(root):
            continue
        where = f"{type(w).__name__}#{w.objectName()}"
        # a screen reader says the accessible name and description: Qt's dock button read
        # "取消 Dock 並重新加上 Dock 小工具" to a zh-TW clerk
        texts: list[str] = [w.toolTip(), w.accessibleName(), w.accessibleDescription()]
        if isinstance(w, QLabel):
            texts.append(TAGS.sub(" ", w.text()))
        elif isinstance(w, QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QLineEdit):
            texts += [w.placeholderText(), w.text()]
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())] + [w.placeholderText()]
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView):
            texts += _model_texts(w)
        elif isinstance(w, QDockWidget):
            texts.append(w.windowTitle())
        elif isinstance(w, (QMenuBar, QToolBar)):
            texts += _action_texts(w.actions())
        elif isinstance(w, QProgressBar) and w.isVisible():
            texts.append(w.text())
        elif isinstance(w, QTextEdit):
            texts.append(w.toPlainText())
        if isinstance(w, QSpinBox):
            texts += [w.specialValueText(), w.prefix(), w.suffix()]
        if isinstance(w, QDateTimeEdit):
            texts.append(w.text())
        if isinstance(w, QAbstractSpinBox) and not isinstance(w, QDateTimeEdit):
            texts.append(w.text())
        out += [(where, t) for t in texts if t and t.strip()]
    return out


def wrong_language(texts: list[tuple[str, str]], lang: str, allowed: list[str]) -> list[str]:
    bad = []
    for where, text in texts:
        rest = text
        for item in allowed:
            rest = rest.replace(item, " ")
        if lang == "en":
            if HAN.search(rest):
                bad.append(f"{where}: {text!r}")
        else:
            words = [
                w
                for w in LATIN_WORD.findall(rest.replace("&", ""))
                if not (w.isupper() or w in ALLOWED_LATIN)
            ]
            if words:
                bad.append(f"{where}: {text!r} ({' '.join(words)})")
    return bad


def modal_texts(trigger: Callable[[], object], qtbot: QtBot) -> list[tuple[str, str]]:
    """Opens a modal dialog with ``trigger``, reads it, closes it."""
    seen: list[list[tuple[str, str]]] = []

    def grab() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, grab)
            return
        seen.append(visible_texts(dialog))
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    QTimer.singleShot(0, grab)
    trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    return seen[0]


# --- the sweep ------------------------------------------------------------------------------


@pytest.fixture(params=["zh_TW", "en"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def test_every_page_speaks_one_language(
    lang: str, ctx: GuiContext, qtbot: QtBot, clock: Any
) -> None:
    app = ctx.app
    numbers = build_cases(app, clock)
    allowed = user_data(app)
    ctx.lang = ctx.tasks.lang = lang
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    seen: list[tuple[str, str]] = []

    def settle() -> None:
        qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=15000)
        QApplication.processEvents()

    for path, page in window.pages.items():
        window.show_page(path)
        settle()
        loader = getattr(page, "load", None)
        if callable(loader) and path.endswith("payment_page"):
            loader(numbers["collected"])
            settle()
        if path.endswith("intake_form"):
            combo = page.service_combo  # type: ignore[attr-defined]
            for i in range(combo.count()):
                combo.setCurrentIndex(i)
                QApplication.processEvents()
                seen += [(f"intake[{i}] {w}", t) for w, t in visible_texts(window)]
        if path.endswith("pickup_desk"):
            token = pickup.stored_token(app, numbers["ready"])
            assert token
            page.scan(token)  # type: ignore[attr-defined]
            settle()
            shown = page.case_labels  # type: ignore[attr-defined]
            qtbot.waitUntil(lambda s=shown: s["case_number"].text() == numbers["ready"])
            assert shown["documents"].text()
        seen += [(f"{path.rsplit('.', 1)[-1]} {w}", t) for w, t in visible_texts(window)]
    queue = window.pages["eservice_desktop.gui.queue_page"]
    window.show_page("eservice_desktop.gui.queue_page")
    for i in range(queue.tabs.count()):  # type: ignore[attr-defined]
        queue.tabs.setCurrentIndex(i)  # type: ignore[attr-defined]
        settle()
        seen += [(f"queue tab {i} {w}", t) for w, t in visible_texts(window)]
    for role, number in numbers.items():
        window.open_case(number)
        settle()
        qtbot.waitUntil(lambda n=number: window.case_detail.shown_number() == n)
        seen += [(f"case {role} {w}", t) for w, t in visible_texts(window)]

    # dialogs
    conflicts = ConflictDialog(ctx, window)
    seen += [(f"conflicts {w}", t) for w, t in visible_texts(conflicts)]
    conflicts.close()
    payment = window.pages["eservice_desktop.gui.payment_page"]
    seen += [(f"closing {w}", t) for w, t in modal_texts(payment.closing_dialog, qtbot)]  # type: ignore[attr-defined]
    for name, opener in (("about", help_menu.show_about), ("key help", help_menu.show_keys)):
        seen += [(f"{name} {w}", t) for w, t in modal_texts(partial(opener, window), qtbot)]
    override = OverrideDialog(window.panels[0].panel)
    seen += [(f"override {w}", t) for w, t in visible_texts(override)]
    override.close()
    window.show_page("eservice_desktop.gui.payment_page")
    payment.load(numbers["ready"])  # type: ignore[attr-defined]  # paid, not handed over
    settle()
    payment.receipts_table.selectRow(0)  # type: ignore[attr-defined]
    seen += [(f"void {w}", t) for w, t in modal_texts(payment.void_selected, qtbot)]  # type: ignore[attr-defined]

    approval = ApprovalDialog(
        ctx, ctx.pick("作廢收據", "Void a receipt"), lambda a, p, r: None, window
    )
    approval.account.setText(app.operator.account if app.operator else "")
    approval.submit()  # the signed-in operator's own account: refused with a sentence
    seen += [(f"approval {w}", t) for w, t in visible_texts(approval)]
    approval.close()
    report = doctor.Report([doctor.check_calendar(app.settings, app.now())])
    shift = ShiftStartDialog(ctx, report, window)
    seen += [(f"shift start {w}", t) for w, t in visible_texts(shift)]
    shift.close()
    window.lock("idle")
    seen += [(f"locked {w}", t) for w, t in visible_texts(window)]

    bad = wrong_language(seen, lang, allowed)
    assert bad == [], "\n".join(sorted(set(bad)))


def test_qt_dialogs_follow_the_language(lang: str, qtbot: QtBot) -> None:
    """Qt's own file and print dialogs speak the window's language: Chinese from Qt's
    qtbase_zh_TW plus qtgaps_zh_TW for what Qt leaves untranslated."""
    dialog = QFileDialog(None, "x")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    printer = QPrinter()
    printing = QPrintDialog(printer)
    qtbot.addWidget(printing)
    texts = [
        (where, text)
        for d in (dialog, printing)
        for where, text in visible_texts(d)
        if not text.startswith("/") and where != "QHeaderView#" and text != "x"
    ]
    texts = [(w, t) for w, t in texts if "QLineEdit" not in w and "sidebar" not in w]
    joined = " ".join(t for _, t in texts)
    if lang == "en":
        assert "Cancel" in joined and "&Look in:" in joined
    else:
        assert "取消" in joined and "搜尋位置" in joined and "列印" in joined, joined
        assert wrong_language(texts, lang, ["Drive"]) == []


def test_date_controls_show_roc_dates(lang: str, ctx: GuiContext, qtbot: QtBot) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    payment = window.pages["eservice_desktop.gui.payment_page"]
    texts = modal_texts(payment.closing_dialog, qtbot)  # type: ignore[attr-defined]
    today = cases.today(ctx.app)  # the office's day by the App's clock (Taipei)
    roc = f"{today.year - 1911}/{today.month:02d}/{today.day:02d}"
    dates = [t for w, t in texts if re.fullmatch(r"\d+/\d\d/\d\d", t)]
    assert dates and all(roc in d for d in dates), texts
