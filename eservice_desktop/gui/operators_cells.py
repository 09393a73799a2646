"""What the operators page (F11, ``gui/operators_page.py``) says of an account in its state and
last sign-in columns, in the page's words (its translation context, ``OperatorsPage``)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from eservice_desktop.domain.rocdate import roc_text
from eservice_desktop.services.operators import AccountView


def _tr(text: str) -> str:
    return QCoreApplication.translate("OperatorsPage", text)


def state_text(op: AccountView) -> str:
    """Active, locked or disabled; and whether its owner has yet to replace the password an
    office admin set (a one-time password): the page said 啟用 of an account whose password
    the admin still knew, and nobody could see who had not signed in since."""
    if not op.active:
        state = _tr("停用")
    elif op.locked:
        state = _tr("暫時鎖定（密碼錯誤過多）")
    else:
        state = _tr("啟用")
    if op.must_change_password:
        state += _tr("；待本人變更密碼")
    return state


def last_sign_in_text(op: AccountView) -> str:
    """When and where the account last signed in at this counter: the counter window or the
    command line (``login``), which the access log records and the page did not show."""
    if op.last_login_at is None:
        return _tr("未曾登入")
    when = roc_text(op.last_login_at)
    if op.last_login_via == "window":
        return _tr("{t} 櫃檯視窗").format(t=when)
    if op.last_login_via == "command line":
        return _tr("{t} 命令列").format(t=when)
    return when
