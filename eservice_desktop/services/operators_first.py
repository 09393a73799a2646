"""A PC that holds no operator account yet (a new office's first day, before ``setup --admin``
or the county's accounts by sync): a refused sign-in says how the first account is made.

"Sign in first (login ACCOUNT)" and 查無此帳號 named no way on there, since no account could
sign in; the refusals keep their reasons (``auth.required``, ``auth.unknown_account``) and add
``"no_account": 1`` (the login screen shows these words, not 帳號或密碼不正確)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import AuthError
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_operators import OperatorRow

FIRST_ADMIN = (
    "本機尚無任何操作員帳號：請先執行 eservice-desktop setup --admin 帳號 --password-stdin "
    "建立第一位事務所管理者（帳號由縣府佈建的事務所：本機登記並同步後即有帳號）",
    "This PC holds no operator account yet: create the first office admin with "
    "eservice-desktop setup --admin ACCOUNT --password-stdin (an office whose accounts the "
    "county provisions gets them once this PC is enrolled and has synced)",
)


def or_first_admin_in(s: Session, refusal: AuthError) -> AuthError:
    """``refusal``, or (no account at all) the same reason saying how to make the first."""
    from eservice_desktop.services.operators_signin import DEMO_SUPERVISOR  # it imports this

    anyone = select(OperatorRow.account).where(OperatorRow.account != DEMO_SUPERVISOR.account)
    if s.scalar(anyone.limit(1)) is not None:
        return refusal
    return AuthError(refusal.code, *FIRST_ADMIN, extra={"no_account": 1})


def or_first_admin(app: App, refusal: AuthError) -> AuthError:
    with app.reading() as s:
        return or_first_admin_in(s, refusal)
