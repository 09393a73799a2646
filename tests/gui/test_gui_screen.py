"""The window on a 1366×768 counter screen, in both languages: it opens at the screen's
available size, draws Chinese and Latin in one sans face whose fallback chain has every CJK
extension, and the queue's columns fit (no header cut, no horizontal scroll bar).

The screen size is fixed when QApplication starts, so ``screen_probe.py`` runs the real start-up
(``gui.launcher.start``) in a subprocess on Qt's offscreen platform configured as a 1366×768 screen
and reports what it measured as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from probe_support import probe_env, run_json

PROBE = Path(__file__).with_name("screen_probe.py")


def probe(tmp_path: Path, lang: str, width: int, height: int) -> dict[str, Any]:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "counter", "x": 0, "y": 0, "width": width, "height": height}
                    | {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
                ]
            }
        )
    )
    env = probe_env(QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    env.pop("ESERVICE_DATA_DIR", None)
    return run_json([str(PROBE), str(tmp_path / "data"), lang], env=env, timeout=120)


#: 1366×768 in both languages, and 1366×728: what a 768-line screen leaves above a task bar.
SCREENS = [("zh_TW", 1366, 768), ("en", 1366, 768), ("en", 1366, 728)]


@pytest.fixture(scope="module", params=SCREENS, ids=[f"{s[0]}-{s[1]}x{s[2]}" for s in SCREENS])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    lang, width, height = request.param
    result = probe(tmp_path_factory.mktemp(f"screen-{lang}-{height}"), lang, width, height)
    result["screen"] = [width, height]
    return result


def test_window_opens_at_the_screens_available_size(report: dict[str, Any]) -> None:
    ax, ay, aw, ah = report["available"]
    fx, fy, fw, fh = report["frame_after"]
    assert [aw, ah] == report["screen"]
    # The whole frame on the screen, and the window using all of it (a frame is a few px).
    assert ax <= fx and ay <= fy and fx + fw <= ax + aw and fy + fh <= ay + ah
    assert fw >= aw - 2 and fh >= ah - 2, report["frame_after"]
    assert report["state_maximized"]
    assert report["minimum_after"][0] <= aw and report["minimum_after"][1] <= ah


def test_screen_font_is_a_sans_cjk_face_with_every_extension(report: dict[str, Any]) -> None:
    assert report["font_family"] == "Noto Sans CJK TC", report["font_family"]
    assert report["table_font_family"] == "Noto Sans CJK TC"
    assert not any("Kai" in f for f in report["font_families"][:1])
    assert report["font_point_size"] >= 10
    # Ext-B..H: 𡘙 U+21619, U+2A700, 𫝀 U+2B740, U+2B820, 𬺰 U+2CEB0, 𰻞 U+30EDE, U+31350
    assert report["glyphs"] == dict.fromkeys(report["glyphs"], True), report["glyphs"]
    assert len(report["glyphs"]) == 7


def test_queue_columns_fit_1366_px(report: dict[str, Any]) -> None:
    assert report["tabs"] and max(t["rows"] for t in report["tabs"]) >= 10
    for tab in report["tabs"]:
        assert not tab["hscroll_visible"] and tab["hscroll_max"] == 0, tab["tab"]
        assert sum(c["section"] for c in tab["columns"]) <= tab["viewport"], tab
        for column in tab["columns"]:
            assert column["text_width"] <= column["section"], (tab["tab"], column)
            assert column["needed"] <= column["section"], (tab["tab"], column)
        assert tab["cut_cells"] == [], (tab["tab"], tab["cut_cells"][:5])
