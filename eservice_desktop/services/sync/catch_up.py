"""How far a long pull (a catch-up) is, kept across sync rounds.

A round ends after ``ROUND_DEADLINE_S``; a catch-up of a million changes takes several rounds,
each going on from the cursor the last one stored. The progress the round reports
(``pull_progress(done, total)``: the GUI's sync status shows it) used to start again at 0 of
"what is left" every round. Now the figures of an unfinished catch-up are stored in
``sync_state`` (``pull_progress``: ``"done/total"``) in the same transaction as each page and
its cursor, and the next round counts on from them; the pull that reaches the end of the feed
clears them. ``sync status`` reports them (``catch_up``) while a catch-up is unfinished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import get_state, set_state

#: The ``sync_state`` row holding an unfinished catch-up's ``done/total``.
STATE = "pull_progress"


def stored(s: Session) -> tuple[int, int] | None:
    """(changes received, total) of an unfinished catch-up, or None."""
    text = get_state(s, STATE) or ""
    done, _, total = text.partition("/")
    try:
        return int(done), max(int(total), int(done))
    except ValueError:
        return None


@dataclass
class CatchUp:
    """The running figures of one round's pull, counted on from an unfinished catch-up."""

    #: Received before this round (an earlier round's catch-up), and so far in all.
    base: int = 0
    done: int = 0
    total: int = 0
    #: Whether figures are stored (cleared when the pull ends).
    kept: bool = False

    @classmethod
    def resume(cls, app: App) -> CatchUp:
        with app.reading() as s:
            earlier = stored(s)
        if earlier is None:
            return cls()
        return cls(base=earlier[0], done=earlier[0], total=earlier[1], kept=True)

    def page(self, received: int, remaining: int | None) -> None:
        """A page of ``received`` changes arrived; ``remaining`` is the county's count of what
        is left after it (asked on the round's first page), None when it was not told."""
        if remaining is not None and self.done == self.base:
            self.total = self.base + received + remaining
        self.done += received
        self.total = max(self.total, self.done)

    def keep(self, s: Session, more: bool, now: datetime) -> None:
        """Stores the figures with the page (in its transaction), or clears them when this
        page ends the pull."""
        if more:
            set_state(s, STATE, f"{self.done}/{self.total}", now)
            self.kept = True
        elif self.kept:
            set_state(s, STATE, "", now)
            self.kept = False
