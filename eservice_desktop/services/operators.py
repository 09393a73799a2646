"""Operators: sign-in, the role check every guarded use case makes, and account management.

The one name callers import from; the work is in three modules, one job each:

- ``operators_signin``: passwords (argon2id) and the lockout, the guard (``require``: raises
  ``auth.required`` without a signed-in operator, ``auth.forbidden`` when no role, office kind
  or scope allows the action), login, the county's sign-in, the demo operator;
- ``operators_accounts``: the office admin's accounts (create, list, password, roles, disable),
  the accounts the county provisions, the demo supervisor;
- ``operators_sessions``: the command line's sessions (a random token whose SHA-256 and expiry
  the database keeps; each use moves the expiry forward by ``idle_lock_min``).
"""

from __future__ import annotations

# Importable from here before the split (tests name the roles as operators.Role).
from eservice_desktop.domain.operators import (  # noqa: F401
    DEMO_OPERATOR,
    PASSWORD_MAX,
    PASSWORD_MIN,
    Action,
    Operator,
    Role,
    check_password,
)
from eservice_desktop.services.operators_accounts import (
    activate,
    create_first_admin,
    create_operator,
    deactivate,
    ensure_demo_supervisor,
    get_operator,
    set_password,
    set_roles,
)
from eservice_desktop.services.operators_county import upsert_provisioned
from eservice_desktop.services.operators_demo import sign_in_demo
from eservice_desktop.services.operators_sessions import (
    end_session,
    idle_timeout,
    open_session,
    record_refused_unlock,
    record_screen_lock,
    record_sign_out,
    resume_session,
)
from eservice_desktop.services.operators_signin import (
    DEMO_SUPERVISOR,
    DEMO_SUPERVISOR_PASSWORD,
    accounts_exist,
    current,
    hash_password,
    login,
    logout,
    require,
    verify_password,
)
from eservice_desktop.services.operators_views import AccountView, list_operators

__all__ = [
    "DEMO_OPERATOR",
    "DEMO_SUPERVISOR",
    "DEMO_SUPERVISOR_PASSWORD",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "AccountView",
    "accounts_exist",
    "activate",
    "check_password",
    "create_first_admin",
    "create_operator",
    "current",
    "deactivate",
    "end_session",
    "ensure_demo_supervisor",
    "get_operator",
    "hash_password",
    "idle_timeout",
    "list_operators",
    "login",
    "logout",
    "open_session",
    "record_refused_unlock",
    "record_screen_lock",
    "record_sign_out",
    "require",
    "resume_session",
    "set_password",
    "set_roles",
    "sign_in_demo",
    "upsert_provisioned",
    "verify_password",
]
