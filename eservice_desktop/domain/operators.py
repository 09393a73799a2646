"""Operators of an office: who may do what at the counter.

An operator is an office account with roles (counter clerk, cashier, pickup desk, supervisor,
office admin, IT) and a scope of departments or services. :data:`PERMISSIONS` is the one table
of which role may do which use case; every guarded service function asks it through
``services.operators.require`` before it reads or writes anything. The roles x actions table in
docs/operators.md is this mapping, and a test compares the two.

IT keeps the machine running (doctor, database, backups, certificate lists, sync) and is given
nothing that reads personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from eservice_desktop.domain.action_labels import ACTION_LABELS
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.text_values import (
    BLANK_LETTERS,
    FORMAT_CHAR,
    check_shown,
    refused_char,
)

#: The background sync service signs its work as the device (``device:01``), never as a person.
DEVICE_ACCOUNT_PREFIX: Final = "device:"

#: Account names: a letter, then letters, digits, ``.``, ``_`` or ``-`` (never a national ID).
ACCOUNT_RE: Final = re.compile(r"[a-z][a-z0-9._-]{1,31}")
NAME_MAX: Final = 40
#: Password lengths, the same at the office and at the county that provisions its operators.
PASSWORD_MIN: Final = 8
PASSWORD_MAX: Final = 128


class Role(StrEnum):
    CLERK = "clerk"  # 櫃檯承辦
    CASHIER = "cashier"  # 收費
    PICKUP = "pickup"  # 領件櫃檯
    SUPERVISOR = "supervisor"  # 主管
    ADMIN = "admin"  # 事務所管理者
    IT = "it"  # 資訊人員


class Action(StrEnum):
    """One member per guarded use case."""

    INTAKE = "intake"  # take in a new case
    VIEW_CASE = "view_case"  # open a case, queues, receipts of a case (personal data)
    SEARCH = "search"  # search cases by name, ID, number (personal data)
    PROCESS = "process"  # supplements, copies, fee assessment of a case in progress
    CLOSE = "close"  # close, reject or cancel a case
    VERIFY_IDENTITY = "verify_identity"  # MOICA / NHI card proof of identity
    RECORD_PAYMENT = "record_payment"  # cash and online payments, printed receipts
    VOID = "void"  # void a receipt
    REFUND = "refund"  # refund a payment
    PRINT = "print"  # print or reprint receipts and slips
    HANDOVER = "handover"  # verify a pickup code and hand over documents
    APPROVE = "approve"  # approve another operator's exception
    REPORTS = "reports"  # daily closing, reconciliation, statistics
    EXPORT = "export"  # files with personal data leaving the program
    AUDIT = "audit"  # hash chain verification, access log reports
    MANAGE_OPERATORS = "manage_operators"  # accounts, roles, passwords
    CALENDAR = "calendar"  # import the working-day calendar
    RETENTION = "retention"  # pseudonymise finished cases
    RESOLVE_CONFLICT = "resolve_conflict"  # close a sync conflict
    BACKUP = "backup"  # take and verify backups
    RESTORE = "restore"  # restore a backup
    DOCTOR = "doctor"  # health checks
    DB_ADMIN = "db_admin"  # schema upgrade, key custody, database commands


#: What a role reads: these actions show personal data (IT must have none of them).
PERSONAL_DATA_ACTIONS: Final = frozenset(
    {
        Action.INTAKE,
        Action.VIEW_CASE,
        Action.SEARCH,
        Action.PROCESS,
        Action.CLOSE,
        Action.VERIFY_IDENTITY,
        Action.RECORD_PAYMENT,
        Action.VOID,
        Action.REFUND,
        Action.PRINT,
        Action.HANDOVER,
        Action.APPROVE,
        Action.EXPORT,
        Action.RETENTION,
        Action.RESOLVE_CONFLICT,
    }
)

#: Actions that concern one service: the operator's scope and the office kind apply.
SERVICE_SCOPED: Final = frozenset({Action.INTAKE})

_A = Action
PERMISSIONS: Final[Mapping[Role, frozenset[Action]]] = MappingProxyType(
    {
        Role.CLERK: frozenset(
            {
                _A.INTAKE,
                _A.VIEW_CASE,
                _A.SEARCH,
                _A.PROCESS,
                _A.CLOSE,
                _A.VERIFY_IDENTITY,
                _A.PRINT,
            }
        ),
        # a void or a refund is asked for by whoever took the money and approved by a
        # supervisor (services/approvals.py): with only supervisors asking, and never their
        # own approval, an office with one supervisor could void nothing
        Role.CASHIER: frozenset(
            {_A.VIEW_CASE, _A.SEARCH, _A.RECORD_PAYMENT, _A.VOID, _A.REFUND, _A.PRINT, _A.REPORTS}
        ),
        Role.PICKUP: frozenset(
            {_A.VIEW_CASE, _A.SEARCH, _A.VERIFY_IDENTITY, _A.HANDOVER, _A.PRINT}
        ),
        Role.SUPERVISOR: frozenset(
            {
                _A.INTAKE,
                _A.VIEW_CASE,
                _A.SEARCH,
                _A.PROCESS,
                _A.CLOSE,
                _A.VERIFY_IDENTITY,
                _A.RECORD_PAYMENT,
                _A.VOID,
                _A.REFUND,
                _A.PRINT,
                _A.HANDOVER,
                _A.APPROVE,
                _A.REPORTS,
                _A.EXPORT,
                _A.AUDIT,
                _A.RESOLVE_CONFLICT,
            }
        ),
        Role.ADMIN: frozenset(
            {
                _A.VIEW_CASE,
                _A.SEARCH,
                _A.REPORTS,
                _A.EXPORT,
                _A.AUDIT,
                _A.MANAGE_OPERATORS,
                _A.CALENDAR,
                _A.RETENTION,
                _A.RESOLVE_CONFLICT,
                _A.BACKUP,
                _A.RESTORE,
                _A.DOCTOR,
            }
        ),
        Role.IT: frozenset({_A.DOCTOR, _A.DB_ADMIN, _A.BACKUP, _A.RESTORE}),
    }
)

#: Roles of the counter (the demo operator holds them all).
COUNTER_ROLES: Final = frozenset(
    {Role.CLERK, Role.CASHIER, Role.PICKUP, Role.SUPERVISOR, Role.ADMIN}
)

ROLE_LABELS: Final[Mapping[Role, tuple[str, str]]] = MappingProxyType(
    {
        Role.CLERK: ("櫃檯承辦", "Counter clerk"),
        Role.CASHIER: ("收費", "Cashier"),
        Role.PICKUP: ("領件櫃檯", "Pickup desk"),
        Role.SUPERVISOR: ("主管", "Supervisor"),
        Role.ADMIN: ("事務所管理者", "Office admin"),
        Role.IT: ("資訊人員", "IT"),
    }
)


def actions_of(roles: Iterable[Role]) -> frozenset[Action]:
    out: set[Action] = set()
    for role in roles:
        out |= PERMISSIONS[role]
    return frozenset(out)


@dataclass(frozen=True)
class Operator:
    """A signed-in (or provisioned) office account. ``departments`` narrows what the operator
    takes in to those department or service codes; empty means every service of the office
    kind."""

    account: str
    name: str
    roles: frozenset[Role]
    departments: frozenset[str] = field(default_factory=frozenset)
    active: bool = True
    #: Its password was set by someone else (a new account, an office admin's reset): it must
    #: choose its own before anything else (``auth.password_change_required``).
    must_change_password: bool = False

    @property
    def actions(self) -> frozenset[Action]:
        return actions_of(self.roles)

    def can(
        self,
        action: Action,
        service_code: str | None = None,
        catalogue: Catalogue | None = None,
        office_kind: str | None = None,
    ) -> bool:
        """True when a role allows ``action`` and, for a service, the service is of this
        office's kind and in the operator's scope."""
        if not self.active or action not in self.actions:
            return False
        if service_code is None:
            return True
        if catalogue is not None:
            if not catalogue.has_service(service_code):
                return False
            service = catalogue.service(service_code)
            if office_kind is not None and service.office_kind != office_kind:
                return False
            in_scope = service.department in self.departments or service.code in self.departments
            return not self.departments or in_scope
        return not self.departments or service_code in self.departments


#: The operator demo mode signs in without a password (README demo, ``--demo``, ESERVICE_DEMO=1):
#: known before the core opens, so the demo window is built signed in while the core opens.
DEMO_OPERATOR: Final = Operator(
    account="demo01",
    name="示範操作員",
    roles=COUNTER_ROLES,
)


#: A national ID or resident certificate number in lower case: never an account name.
_ID_SHAPE: Final = re.compile(r"[a-z][a-d0-9][0-9]{8}")


#: Upper-case ASCII letters to lower case, and nothing else: an account typed with Caps Lock on
#: is the same account, while a look-alike letter of another script (or the Kelvin sign, which
#: ``str.lower`` would turn into ``k``) stays what it is and is refused.
_ASCII_FOLD: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def account_key(value: str) -> str:
    """An account as typed, the way it is kept: without surrounding spaces, ASCII letters in
    lower case. Compare typed accounts with this (the self-approval check, unlocking)."""
    return value.strip().translate(_ASCII_FOLD)


def check_shown_name(name: str, label: tuple[str, str] | None = None) -> str:
    """An operator's display name as typed shows what it is, as an applicant's name must: no
    invisible format character (a zero-width space, a soft hyphen or a BOM pasted along made
    another name to every comparison, the same on screen) and no letter that shows nothing (a
    Hangul filler or a blank Braille pattern: 核准主管 and the operators page read blank).
    For a name typed in; an account the county provisioned keeps its name."""
    found = FORMAT_CHAR.search(name)
    blank = next((ch for ch in name if ch in BLANK_LETTERS), None)
    if found is not None or blank is not None:
        raise refused_char(found.group() if found else str(blank), "name", label)
    return check_shown(name, label or ("姓名", "Name"), "name")  # no emoji: 經收人 prints it


def check_account(value: object, field_name: str = "account") -> str:
    """An account name as kept (:func:`account_key`), or ``operator.account``."""
    text = account_key(value) if isinstance(value, str) else ""
    if not ACCOUNT_RE.fullmatch(text) or _ID_SHAPE.fullmatch(text.lower()):
        raise DomainError(
            "operator.account",
            "帳號須為 2 到 32 個英文小寫字母、數字或 . _ -，以字母開頭，且不可為身分證號",
            "An account is 2-32 lower-case letters, digits, '.', '_' or '-', starting with a "
            "letter, and never an ID number",
            field_name,
        )
    return text


def check_new_account(value: object) -> str:
    """An account name a new account may take (:func:`check_account`), never the demo
    operator's, ``operator.reserved``: ``demo01`` added to a demo database (the demo operator
    may add accounts) signed in as the demo operator, every role, while the list showed a clerk
    of that name, and whose events were whose nobody could say."""
    account = check_account(value)
    if account == DEMO_OPERATOR.account:
        raise DomainError(
            "operator.reserved",
            f"帳號 {account} 保留給示範模式的操作員，請另取帳號",
            f"The account {account} is demo mode's operator: choose another account",
            "account",
        )
    return account


def check_password(password: object, account: str = "") -> str:
    """A password as it may be set, at the office or by the county that provisions the office's
    operators: a password the office would refuse (a NUL, a space or line end around it, as a
    file saved with CRLF gives) reached the office as a hash no clerk could type. Never the
    ``account``'s own name, whatever its letters' case: the first guess anyone makes."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise DomainError(
            "operator.password",
            f"密碼須為 {PASSWORD_MIN} 到 {PASSWORD_MAX} 個字元",
            f"A password is {PASSWORD_MIN} to {PASSWORD_MAX} characters long",
            "password",
        )
    if "\x00" in password or password.strip() != password:
        raise DomainError(
            "operator.password",
            "密碼不可含 NUL 或前後空白",
            "A password may not hold NUL or begin or end with a space",
            "password",
        )
    # a Tab, a line end or an escape inside: the window's password field cannot take one (Tab
    # moves on, Enter signs in), so the account could sign in at the command line only
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in password):
        raise DomainError(
            "operator.password",
            "密碼不可含控制字元（Tab、換行等）",
            "A password may not hold a control character (Tab, line end…)",
            "password",
        )
    if account and password.casefold() == account.casefold():
        raise DomainError(
            "operator.password",
            "密碼不可與帳號相同",
            "A password may not be the account name",
            "password",
        )
    return password


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    roles: set[Role] = set()
    for raw in values:
        for part in str(raw).replace(",", " ").split():
            try:
                roles.add(Role(part.strip().lower()))
            except ValueError:
                known = ", ".join(r.value for r in Role)
                raise DomainError(
                    "operator.role",
                    f"不明的角色：{part[:20]}（可用：{known}）",
                    f"Unknown role: {part[:20]} (known: {known})",
                    "roles",
                ) from None
    if not roles:
        raise DomainError(
            "operator.role", "至少需要一個角色", "At least one role is needed", "roles"
        )
    return frozenset(roles)


def forbidden(
    action: Action, service_code: str | None = None, *, by_role: bool = True
) -> AuthError:
    """The refusal names the action in words, its code (and the service's) in brackets, and,
    when no role of the operator's allows it (``by_role``), the roles that do: IT following
    the guide to ``report access`` read only that it was not allowed, and could not tell whom
    to ask. A refusal by scope (the role allows it, not for that service) names no roles."""
    zh, en = ACTION_LABELS.get(action.value, (action.value, action.value))
    code = f"{action.value}, {service_code}" if service_code else action.value
    who_zh = who_en = ""
    if by_role:
        roles = [ROLE_LABELS[r] for r in Role if action in PERMISSIONS[r]]
        who_zh = "；可執行的角色：" + "、".join(z for z, _ in roles) if roles else ""
        who_en = "; roles that may: " + ", ".join(e for _, e in roles) if roles else ""
    return AuthError(
        "auth.forbidden",
        f"您的角色或業務範圍不允許這項作業：{zh}（{code}）{who_zh}",
        f"Your roles or scope do not allow this: {en} ({code}){who_en}",
    )
