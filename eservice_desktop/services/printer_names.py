"""The configured printer among the installed ones.

Windows and CUPS both take printer names without regard to case ("EPSON TM-T82" and
"Epson TM-T82" are one queue), while IT types the name into settings.json by hand: compared
exactly, a name in other letters was "not found" and no receipt printed, though the queue was
there. The installed spelling is what the printer is then opened by.
"""

from __future__ import annotations

from collections.abc import Iterable


def installed_name(configured: str, installed: Iterable[str]) -> str | None:
    """The installed printer ``configured`` names: the same name, else the only one that is
    the same regardless of case; None for none (or two that differ only in case)."""
    names = list(installed)
    if configured in names:
        return configured
    alike = [n for n in names if n.casefold() == configured.casefold()]
    return alike[0] if len(alike) == 1 else None
