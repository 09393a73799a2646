"""What several CLI tests do: add the office supervisor who approves exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: The office supervisor the approval tests add (``add_supervisor``) and approve with.
SUPERVISOR, SUPERVISOR_PASSWORD = "super01", "super-secret-1"


def add_supervisor(cli: Callable[..., Any]) -> None:
    """An office supervisor (``SUPERVISOR``) who approves exceptions on this counter."""
    added = cli(
        "operator",
        "add",
        SUPERVISOR,
        "--name",
        "林主管",
        "--roles",
        "supervisor",
        "--password-stdin",
        stdin=FIRST_PASSWORD + "\n",
    )
    assert added.code == 0, added.err
    # outside demo mode: there the demo operator is signed in, whatever session there is
    choose_own(cli, SUPERVISOR, FIRST_PASSWORD, SUPERVISOR_PASSWORD, env={"ESERVICE_DEMO": ""})


#: The one-time password an office admin gives a new account (``add_supervisor``).
FIRST_PASSWORD = "first-password-1"


def choose_own(cli: Callable[..., Any], account: str, first: str, own: str, **kwargs: Any) -> None:
    """The new account's owner signs in with the admin's one-time password and chooses their
    own (``passwd --own``, which ends the session: whoever was signed in before is not)."""
    signed_in = cli("login", account, "--password-stdin", stdin=first + "\n", **kwargs)
    assert signed_in.code == 0, signed_in.err
    args = ("operator", "passwd", account, "--own", "--password-stdin")
    changed = cli(*args, stdin=f"{first}\n{own}\n", **kwargs)
    assert changed.code == 0, changed.err
