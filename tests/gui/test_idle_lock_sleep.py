"""The idle lock counts the time the PC slept: a monotonic clock stops while a laptop's lid is
closed (CLOCK_MONOTONIC on Linux), so a counter closed at lunch with a clerk signed in came back
an hour later still signed in. And a wall clock set back does not hold the lock off."""

from __future__ import annotations

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.screen_lock import IdleWatch


class _Clocks:
    def __init__(self) -> None:
        self.mono, self.wall = 1000.0, 1_764_800_000.0

    def watch(self, ctx: GuiContext) -> IdleWatch:
        return IdleWatch(ctx, clock=lambda: self.mono, wall=lambda: self.wall, watch_input=False)


def _locks(idle: IdleWatch) -> list[str]:
    """The locks ``idle`` asks for, as they come."""
    seen: list[str] = []
    idle.lock_due.connect(seen.append)
    return seen


def test_an_hour_asleep_locks_the_window_at_the_first_tick_after_waking(
    ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    ctx.settings.idle_lock_min = 5
    clocks = _Clocks()
    idle = clocks.watch(ctx)
    seen = _locks(idle)
    idle.arm()
    clocks.mono += 60  # a minute at the counter, then the lid closes ...
    clocks.wall += 60
    idle.check()
    assert seen == []
    clocks.wall += 3600  # ... for an hour: the monotonic clock stood still
    idle.check()
    assert seen == ["idle"]


def test_a_wall_clock_set_back_does_not_hold_the_lock_off(ctx: GuiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx.settings.idle_lock_min = 5
    clocks = _Clocks()
    idle = clocks.watch(ctx)
    seen = _locks(idle)
    idle.arm()
    clocks.wall -= 86400  # the time server sets the PC's clock back a day
    clocks.mono += 4 * 60
    idle.check()
    assert seen == []
    clocks.mono += 61
    idle.check()
    assert seen == ["idle"]
