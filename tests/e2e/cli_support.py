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
        stdin=SUPERVISOR_PASSWORD + "\n",
    )
    assert added.code == 0, added.err
