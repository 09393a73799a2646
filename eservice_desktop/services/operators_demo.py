"""Demo mode's operator (``--demo``, ``ESERVICE_DEMO=1``, ``"demo": true`` in the settings):
``demo01``, every counter role, signed in without a password, on a demo database only.

A database is a demo one when demo mode first opened it with no operator account in it (only
the demo supervisor of demo data): it is marked so (``sync_state`` ``demo_database``), and the
accounts a demo then adds (``operator add`` as ``demo01``) keep it one. The first office admin
(``setup``) or the county's first accounts make it an office's: the mark goes, and demo mode is
refused there (``auth.forbidden``), as on any database that has accounts without the mark. The
environment variable alone signed in an office admin, no password, at a counter in use.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete
from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import DEMO_OPERATOR, Operator
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_signin import accounts_exist
from eservice_desktop.storage.models_sync import SyncStateRow

log = logging.getLogger("eservice.operators")

#: ``sync_state`` name of the mark of a demo database (its value: ``1``).
DEMO_DATABASE = "demo_database"


def _refused() -> AuthError:
    return AuthError(
        "auth.forbidden",
        "此資料庫已有操作員帳號，不能以示範模式開啟：請取消 --demo 或 ESERVICE_DEMO，再以帳號登入",
        "This database has operator accounts: it does not open in demo mode; leave out --demo "
        "or ESERVICE_DEMO and sign in with an account",
    )


def _demo_database(app: App) -> bool:
    """Whether this is a demo database, marking one that has no account yet."""
    with app.reading() as s:
        if s.get(SyncStateRow, DEMO_DATABASE) is not None:
            return True
    if accounts_exist(app):
        return False
    with app.transaction() as s:
        if s.get(SyncStateRow, DEMO_DATABASE) is None:
            s.add(SyncStateRow(name=DEMO_DATABASE, value="1", updated_at=app.now()))
    return True


def check_demo_seed(app: App) -> None:
    """``demo seed`` adds its synthetic cases to a demo database only (one with no account
    yet is marked one here). On an office's database, with its accounts, any clerk (or no one
    signed in) wrote made-up cases with their paid receipts into the counter's receipt
    series: the day's closing counted their money, a demo supervisor account appeared, and
    the next sync pushed it all to the county."""
    if not _demo_database(app):
        log.warning("demo seed refused: this database has operator accounts")
        raise DomainError(
            "demo.office_database",
            "此資料庫已有操作員帳號（事務所的資料庫），不能加入示範案件："
            "示範資料只加入示範資料庫（以 --demo 開啟的新資料目錄）",
            "This database has operator accounts (an office's): no demo cases are added to "
            "it; demo data goes into a demo database only (a new data directory opened with "
            "--demo)",
        )


def sign_in_demo(app: App) -> Operator:
    """Demo mode only: signs in :data:`DEMO_OPERATOR` without a password, on a demo database."""
    if not app.settings.demo:
        raise AuthError("auth.forbidden", "僅示範模式可用", "Only in demo mode")
    if not _demo_database(app):
        log.warning("demo mode refused: this database has operator accounts")
        raise _refused()
    app.operator = DEMO_OPERATOR
    return DEMO_OPERATOR


def office_database(s: Session) -> None:
    """In the transaction of the first office admin or of accounts from the county: the
    database is an office's from now on, never opened in demo mode again."""
    s.execute(delete(SyncStateRow).where(SyncStateRow.name == DEMO_DATABASE))
