"""The identity panel's widgets and the words it shows: the reader's state, the NHI card's data
(read, not proven), the MOICA proof's box, and the labels of the proof's checks and verdicts.

Apart from ``gui/identity_panel.py`` (the card monitor, the proof's flow; ``IdentityPanel`` is
an ``IdentityView``) so what the clerk sees reads on its own. The texts keep the translation
context ``IdentityPanel`` (``_t``), where the English file has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.context import GuiContext

if TYPE_CHECKING:  # loaded when the panel begins: cryptography and the card stack are heavy
    from eservice_desktop.services import identity
    from eservice_desktop.services.identity import ReaderStatus

CHECK_LABELS = {
    "signature": ("簽章驗證", "Signature"),
    "trusted_root": ("信任根憑證", "Trusted root"),
    "policy": ("憑證政策（保證等級）", "Certificate policy (assurance level)"),
    "chain_signatures": ("憑證串鏈簽章", "Chain signatures"),
    "ca_flags_key_usage": ("CA 旗標與金鑰用途", "CA flags and key usage"),
    "validity": ("有效期間", "Validity period"),
    "trusted_time": ("可信時間", "Trusted time"),
    "revocation_ee": ("憑證廢止清冊（CRL）", "Revocation (CRL)"),
    "revocation_ca": ("中繼憑證廢止清冊（ARL）", "CA revocation (ARL)"),
    "nonce": ("挑戰值（防重送）", "Challenge nonce (anti-replay)"),
    "holder": ("持卡人與申請人相符", "Holder matches applicant"),
}
STATUS_MARKS = {"passed": "✔", "failed": "✘", "unknown": "？", "not_checked": "－"}
VERDICTS = {
    "verified": ("身分驗證通過", "Identity verified"),
    "verified_with_override": ("經主管覆核通過（撤銷狀態未知）", "Accepted by supervisor override"),
    "revocation_unknown": (
        "撤銷狀態未知（廢止清冊過期、尚未下載或無法讀取），需主管覆核",
        "Revocation status unknown (the CRL is expired, not downloaded yet or unreadable): "
        "supervisor override needed",
    ),
    "refused": ("身分驗證未通過", "Identity NOT verified"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("IdentityPanel", text)


class IdentityView(QWidget):
    """The panel's widgets; ``IdentityPanel`` connects them to what they do."""

    ctx: GuiContext

    def _build_view(self) -> None:
        """The reader line, the NHI card's data (read, not proven), the MOICA proof's box."""
        layout = QVBoxLayout(self)
        # a card read or refused is said, not only shown (gui/identity_readers.py)
        self.reader_label = SpokenLabel(_t("尋找讀卡機…"))
        self.reader_label.setObjectName("reader_state")
        self.reader_label.setWordWrap(True)
        layout.addWidget(self.reader_label)

        self.nhi_box = QGroupBox(_t("讀自健保卡（未經驗證）"))
        self.nhi_box.setObjectName("nhi_box")
        form = QFormLayout(self.nhi_box)
        self.nhi_name = QLabel()
        self.nhi_name.setObjectName("nhi_name")
        self.nhi_id = QLabel()
        self.nhi_id.setObjectName("nhi_id")
        self.nhi_birth = QLabel()
        self.nhi_birth.setObjectName("nhi_birth")
        self.nhi_card = QLabel()
        self.nhi_card.setObjectName("nhi_card_number")
        # the card's warnings and another citizen's card beside the case: said, not only painted
        self.nhi_warning = SpokenLabel(assertive=True)
        self.nhi_warning.setObjectName("nhi_warning")
        self.nhi_warning.setStyleSheet("color: #b00020;")
        self.nhi_warning.setWordWrap(True)
        # wraps to the dock's width: a note naming the case in front widened the dock
        self.nhi_warning.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form.addRow(_t("姓名"), self.nhi_name)
        form.addRow(_t("身分證字號"), self.nhi_id)
        form.addRow(_t("出生日期"), self.nhi_birth)
        form.addRow(_t("卡號"), self.nhi_card)
        form.addRow(self.nhi_warning)
        layout.addWidget(self.nhi_box)

        self.moica_box = QGroupBox(_t("自然人憑證身分驗證"))
        box = QVBoxLayout(self.moica_box)
        self.case_label = QLabel()
        self.case_label.setObjectName("verify_case")
        self.case_label.setWordWrap(True)
        # Long sentences wrap to the dock's width instead of widening the dock (and squeezing
        # the queue's columns).
        self.case_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        box.addWidget(self.case_label)
        self.verify_button = QPushButton(_t("驗證自然人憑證(&V)"))
        self.verify_button.setObjectName("verify_button")
        box.addWidget(self.verify_button)
        self.verdict_label = SpokenLabel(assertive=True)  # the verdict: said, not only painted
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        box.addWidget(self.verdict_label)
        self.checks_list = QListWidget()
        self.checks_list.setObjectName("checks")
        box.addWidget(self.checks_list)
        self.override_button = QPushButton(_t("主管覆核(&O)"))
        self.override_button.setObjectName("override_button")
        self.override_button.hide()
        box.addWidget(self.override_button)
        layout.addWidget(self.moica_box)
        layout.addStretch(1)

    def _state_text(self, st: ReaderStatus) -> str:
        from eservice_desktop.services.identity_nhi import ReaderState

        s = st.state
        if s == ReaderState.NO_READER:
            return _t("未連接讀卡機")
        if s == ReaderState.NO_CARD:
            return _t("請插入健保卡")
        if s == ReaderState.READING:
            return _t("讀卡中…")
        if s == ReaderState.SHOWN:
            return _t("已讀取健保卡")
        if s == ReaderState.UNREADABLE:
            if st.detail == "not_nhi":
                return _t("此卡不是健保卡（已略過）")
            return _t("健保卡資料無法辨識，請重新插卡或改以人工輸入")
        if st.detail == "service_down":
            return _t("讀卡服務中斷，重新連線中…")
        return _t("讀卡發生錯誤，請重新插卡")

    def _show_checks(self, result: identity.ProofResult) -> None:
        """The verdict, with the checks it stopped at named in it (the list has them below the
        fold at 1024x768), and every check in the list, scrolled to the first that did not
        pass."""
        zh, en = VERDICTS[result.verdict]
        verdict = self.ctx.pick(zh, en)
        if not result.ok and result.reasons:
            names = [self.ctx.pick(*CHECK_LABELS.get(n, (n, n))) for n in result.reasons]
            marks = [STATUS_MARKS.get(result.report.status(n), "") for n in result.reasons]
            shown = [f"{m} {n}" for m, n in zip(marks, names, strict=True)]
            verdict += self.ctx.pick("：", ": ") + self.ctx.pick("、", ", ").join(shown)
        self.verdict_label.setText(verdict)
        color = "#1b5e20" if result.ok else "#b00020"
        self.verdict_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.checks_list.clear()
        first_problem: QListWidgetItem | None = None
        for check in result.report.to_json():
            zh, en = CHECK_LABELS.get(check["name"], (check["name"], check["name"]))
            text = f"{STATUS_MARKS.get(check['status'], '')} {self.ctx.pick(zh, en)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, check["status"])
            item.setToolTip(check["detail"])
            self.checks_list.addItem(item)
            if first_problem is None and check["status"] in ("failed", "unknown"):
                first_problem = item
        if first_problem is not None:
            self.checks_list.scrollToItem(first_problem)
