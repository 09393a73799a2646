"""How the closing names a counter that may not have sent its day (printing/closing_behind.py):
one that never said it had nothing left to push read 未回報同步狀態, the wording for an older
build, though a counter of this build whose push was stuck since its first round reads so too:
IT upgraded a counter whose push did not go through."""

from __future__ import annotations

from datetime import UTC, datetime

from eservice_desktop.printing.closing_behind import CounterBehind, behind_note

SEEN = datetime(2026, 12, 5, 6, 5, tzinfo=UTC)  # 115/12/05 14:05 in Taipei


def test_each_state_of_a_counter_is_said_as_it_is() -> None:
    synced = CounterBehind("02", SEEN, SEEN)
    stuck = CounterBehind("03", None, SEEN)
    never = CounterBehind("04", None, None)
    assert synced.shown() == "櫃檯 02 最後同步於 115/12/05 14:05"
    assert stuck.shown() == "櫃檯 03 未曾同步完成（最後連線於 115/12/05 14:05）"
    assert never.shown() == "櫃檯 04 從未同步"
    assert (
        stuck.shown_en()
        == "counter 03 never reported being fully synced (last seen 115/12/05 14:05)"
    )
    assert never.shown_en() == "counter 04 never synced"
    note = behind_note((synced, stuck))
    assert note.startswith("櫃檯 02 最後同步於") and "；櫃檯 03 未曾同步完成" in note
    assert note.endswith("其後收費可能未列入本表，請待該櫃檯同步後重新產出。")
    assert behind_note(()) == ""
    assert stuck.to_json() == {
        "counter": "03",
        "synced_at": None,
        "last_seen_at": "2026-12-05T06:05:00+00:00",
    }
