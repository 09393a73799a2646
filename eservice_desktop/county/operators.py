"""The county's store of office operators: county IT adds, disables, re-roles and resets an
office's operators; each office pulls its own (``GET /v1/operators``) in every sync round, so
a clerk logs in offline with the argon2id hash the county gave.

Every change takes the next ``version`` (one counter for the county, under the feed lock so
versions commit in order on PostgreSQL); an office pulls the rows after the version it holds.
The hash is stored sealed by the vault and opened only to answer the office it belongs to.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.county import notify, vault
from eservice_desktop.county.service import BadRequest, check_office_code
from eservice_desktop.county.store import OperatorRow, aware, lock_feed
from eservice_desktop.county_link.protocol import OperatorRecord
from eservice_desktop.domain import operators as domain_operators
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, the library's current parameters


@cache
def _dummy_hash() -> str:
    return _hasher().hash("not an account of this office")


def _aad(office: str, account: str) -> str:
    return f"operator:{office}:{account}"


def _refused(e: DomainError) -> BadRequest:
    return BadRequest(e.message_zh, e.message_en)


def check_account(account: str) -> str:
    """The office's rule for account names (``domain.operators.check_account``)."""
    try:
        return domain_operators.check_account(account)
    except DomainError as e:
        raise _refused(e) from None


def check_roles(roles: Iterable[str]) -> list[str]:
    try:
        return sorted(r.value for r in domain_operators.parse_roles(roles))
    except DomainError as e:
        raise _refused(e) from None


def check_name(name: str) -> str:
    """A display name county IT types: the office's rule (domain.operators.check_shown_name)."""
    try:
        text = values.check_text(name, "name", max_len=domain_operators.NAME_MAX, min_len=1)
        return domain_operators.check_shown_name(text)
    except DomainError as e:
        raise _refused(e) from None


def check_departments(s: Session, departments: Iterable[str]) -> list[str]:
    """Department or service codes of the catalogue the offices hold (as the office checks
    them when it applies the record: a code it cannot read would stop its sync)."""
    catalogue = notify.county_catalogue(s)
    known = {d.code for d in catalogue.departments}
    out = sorted({c for raw in departments for c in str(raw).replace(",", " ").split()})
    for code in out:
        if code not in known and not catalogue.has_service(code):
            shown = values.printable(code, 30)
            raise BadRequest(
                f"不明的業務範圍（單位或申辦項目代碼）：{shown}",
                f"Unknown scope (department or service code): {shown}",
            )
    return out


def check_password(password: str, account: str = "") -> str:
    """The office's own rule (``domain.operators.check_password``): the office receives only
    the hash, so a password it would refuse there must be refused here."""
    try:
        return domain_operators.check_password(password, account)
    except DomainError as e:
        raise _refused(e) from None


def _next_version(s: Session) -> int:
    lock_feed(s)
    return int(s.scalar(select(func.max(OperatorRow.version))) or 0) + 1


def _get(s: Session, office: str, account: str) -> OperatorRow:
    row = s.get(OperatorRow, (check_office_code(office), check_account(account)))
    if row is None:
        raise BadRequest(
            f"{office} 查無帳號 {account}", f"No operator {account} in office {office}"
        )
    return row


def _active_admin(active: bool, roles: Iterable[str]) -> bool:
    return bool(active) and domain_operators.Role.ADMIN.value in roles


def _keep_an_admin(s: Session, row: OperatorRow, was_admin: bool) -> None:
    """Refused when ``row``, an active office admin before the change, was the office's last
    one (the office's own rule, ``operator.last_admin``): every counter of the office would
    receive the change at its next sync and be left with no account that manages operators."""
    if not was_admin or _active_admin(row.active, row.roles):
        return
    others = s.execute(
        select(OperatorRow.active, OperatorRow.roles).where(
            OperatorRow.office == row.office, OperatorRow.account != row.account
        )
    )
    if not any(_active_admin(active, roles) for active, roles in others):
        raise BadRequest(
            f"事務所 {row.office} 須保留至少一位啟用中的管理者：{row.account} 是最後一位，"
            "不能移除其管理者角色或停用；未做任何變更",
            f"Office {row.office} must keep at least one active office admin: {row.account} "
            "is the last one and cannot lose the admin role or be disabled; nothing was changed",
        )


def add(
    s: Session,
    office: str,
    account: str,
    *,
    name: str,
    roles: Iterable[str],
    password: str,
    now: datetime,
    departments: Iterable[str] = (),
) -> OperatorRow:
    check_office_code(office)
    check_account(account)
    name = check_name(name)
    if s.get(OperatorRow, (office, account)) is not None:
        raise BadRequest(
            f"{office} 已有帳號 {account}", f"Office {office} already has operator {account}"
        )
    row = OperatorRow(
        office=office,
        account=account,
        name=name,
        roles=check_roles(roles),
        departments=check_departments(s, departments),
        active=True,
        password_hash=vault.of(s).seal(
            _hasher().hash(check_password(password, account)).encode(), _aad(office, account)
        ),
        version=_next_version(s),
        updated_at=now,
    )
    s.add(row)
    return row


def set_active(s: Session, office: str, account: str, active: bool, now: datetime) -> OperatorRow:
    """Disables or enables an account; one already so is left as it is: a new version sent
    every counter of the office the same row again, and its change time moved to the repeat."""
    row = _get(s, office, account)
    if row.active != active:
        was_admin = _active_admin(row.active, row.roles)
        row.active, row.version, row.updated_at = active, _next_version(s), now
        _keep_an_admin(s, row, was_admin)
    return row


def set_roles(
    s: Session,
    office: str,
    account: str,
    roles: Iterable[str],
    *,
    now: datetime,
    departments: Iterable[str] | None = None,
    name: str | None = None,
) -> OperatorRow:
    """New roles (and scope, and display name when given) for an account."""
    row = _get(s, office, account)
    was_admin = _active_admin(row.active, row.roles)
    row.roles = check_roles(roles)
    _keep_an_admin(s, row, was_admin)
    if departments is not None:
        row.departments = check_departments(s, departments)
    if name is not None:
        row.name = check_name(name)
    row.version, row.updated_at = _next_version(s), now
    return row


def reset_password(
    s: Session, office: str, account: str, password: str, now: datetime
) -> OperatorRow:
    row = _get(s, office, account)
    row.password_hash = vault.of(s).seal(
        _hasher().hash(check_password(password, account)).encode(), _aad(office, account)
    )
    row.version, row.updated_at = _next_version(s), now
    return row


def summary(row: OperatorRow) -> dict[str, Any]:
    """What county IT sees of an operator: never the hash."""
    return {
        "office": row.office,
        "account": row.account,
        "name": row.name,
        "roles": list(row.roles),
        "departments": list(row.departments),
        "active": row.active,
        "version": row.version,
        "updated_at": aware(row.updated_at).isoformat(),
    }


def list_office(s: Session, office: str) -> list[dict[str, Any]]:
    check_office_code(office)
    rows = s.scalars(
        select(OperatorRow).where(OperatorRow.office == office).order_by(OperatorRow.account)
    )
    return [summary(r) for r in rows]


def records_since(s: Session, office: str, since: int) -> tuple[list[OperatorRecord], int]:
    """The office's operators changed after version ``since`` and the office's new version.
    Only rows at or below the high-water mark read first are returned (a version allocated
    by a transaction not yet committed is never skipped: appends hold the feed lock)."""
    high = int(s.scalar(select(func.max(OperatorRow.version))) or 0)
    box = vault.of(s)
    rows = list(
        s.scalars(
            select(OperatorRow)
            .where(
                OperatorRow.office == office,
                OperatorRow.version > since,
                OperatorRow.version <= high,
            )
            .order_by(OperatorRow.version)
        )
    )
    records = [
        OperatorRecord(
            account=r.account,
            name=r.name,
            roles=list(r.roles),
            departments=list(r.departments),
            active=r.active,
            password_hash=box.open(r.password_hash, _aad(r.office, r.account)).decode(),
            version=r.version,
            updated_at=aware(r.updated_at),
        )
        for r in rows
    ]
    return records, max(since, high)


def verify(s: Session, office: str, account: str, password: str) -> tuple[str, list[str]]:
    """Checks an operator's password at the county: ``("", roles)`` when right, else the
    reason (``auth.unknown_account`` | ``auth.inactive`` | ``auth.bad_password``). An unknown
    account costs the same hash computation as a known one."""
    row = s.get(OperatorRow, (office, account))
    if row is None:
        with contextlib.suppress(VerificationError):
            _hasher().verify(_dummy_hash(), password + "\x00")
        return "auth.unknown_account", []
    stored = vault.of(s).open(row.password_hash, _aad(office, account)).decode()
    try:
        _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return "auth.bad_password", []
    if not row.active:
        return "auth.inactive", []
    return "", list(row.roles)
