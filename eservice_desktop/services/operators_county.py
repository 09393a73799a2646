"""Accounts the county provisions, as the operators pull applies them (services/sync/
provisioning.py): checked as an office admin's would be, the county's hash taken as given,
a disable at this counter kept (services/operators_held.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import check_account
from eservice_desktop.services import operators_audit as audit
from eservice_desktop.services import operators_sessions as sessions
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_accounts import _check_name, _roles_text
from eservice_desktop.services.operators_demo import office_database
from eservice_desktop.services.operators_held import held_here
from eservice_desktop.services.operators_scope import check_departments
from eservice_desktop.storage.models_operators import OperatorRow


def _stored(row: OperatorRow) -> audit.Provisioned:
    return row.name, row.roles, row.departments, row.active, row.password_hash


def _provisioned(app: App, rec: Mapping[str, Any]) -> audit.Provisioned:
    """A provisioned record checked, as :func:`_stored` gives a row."""
    account = check_account(rec.get("account"))
    password_hash = str(rec.get("password_hash") or "")
    if not password_hash.startswith("$argon2id$"):
        raise DomainError(
            "operator.hash",
            f"帳號 {account} 的密碼雜湊不是 argon2id",
            f"The password hash of {account} is not argon2id",
            "password_hash",
        )
    name = _check_name(rec.get("name") or account, typed=False)  # the county's, as it comes
    roles = _roles_text(rec.get("roles") or ())
    departments = check_departments(app, rec.get("departments") or (), here=False)
    return name, roles, departments, bool(rec.get("active", True)), password_hash


def upsert_provisioned(app: App, records: Iterable[Mapping[str, Any]]) -> int:
    """Accounts the county provisions by sync, hashes as given (argon2id PHC strings). Local
    lockout counters are kept, and an account disabled at this counter stays disabled
    (services/operators_held.py); returns how many rows changed. Runs as the device (sync)."""
    changed = 0
    now = app.now()
    county = app.device_actor.clerk  # the sync service applies what the county sent
    with app.transaction() as s:
        disabled_here = held_here(s)
        for rec in records:
            new = _provisioned(app, rec)
            account = check_account(rec.get("account"))
            if account in disabled_here:  # disabled at this counter: it stays so
                new = (*new[:3], False, new[4])
            row = s.get(OperatorRow, account)
            old = None if row is None else _stored(row)
            if new == old:
                continue
            audit.note(app, s, audit.provisioned(account, old, new), by=county)
            changed += 1
            if row is None:
                office_database(s)  # the county's accounts: an office's database
                row = OperatorRow(
                    account=account, failed_attempts=0, created_at=now, password_changed_at=now
                )
                s.add(row)
            elif row.password_hash != new[4]:
                row.password_changed_at = now
            row.name, row.roles, row.departments, row.active, row.password_hash = new
            row.source = "county"
            # the county's password, not a one-time one: a counter cannot change it
            row.password_must_change = False
            row.updated_at = now
            if old is not None and (not new[3] or old[4] != new[4]):  # disabled, new password
                why = "disabled" if not new[3] else "password changed"
                sessions.end_sessions(app, s, account, why)
    return changed
