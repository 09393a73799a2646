"""doctor checks the screen's sans CJK face and that Ext-C..H names print on receipts."""

from __future__ import annotations

from pathlib import Path

import pytest

from eservice_desktop.services import doctor


def _fontconfig_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *dirs: str) -> None:
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig>'
        + "".join(f"<dir>{d}</dir>" for d in dirs)
        + f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))


def test_screen_sans_face_found_here() -> None:
    check = doctor.check_fonts()
    assert check.status == "ok", check
    assert check.data["screen_sans"] == "Noto Sans CJK TC"  # fonts-noto-cjk is declared
    assert "Noto Sans CJK TC" in check.detail_en


def test_kai_and_ming_only_is_a_warning_naming_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fontconfig_with(
        tmp_path,
        monkeypatch,
        "/usr/share/fonts/truetype/arphic",
        "/usr/share/fonts/truetype/cns11643",
    )
    check = doctor.check_fonts()
    assert check.status == "warn", check
    assert check.data["screen_sans"] == ""
    assert "fonts-noto-cjk" in check.fix_en and "fonts-noto-cjk" in check.fix_zh
    assert "楷書" in check.detail_zh


def test_receipt_fonts_print_ext_c_to_h_here() -> None:
    check = doctor.check_receipt_fonts()
    assert check.status == "ok", check
    assert "BabelStoneHan" in check.data["fonts"]
    assert check.data["rare_missing"] == []
    # the fonts listed as every zh-TW list is (it read "TWKai, TWKaiExtB, ..." in zh-TW)
    found = list(check.data["fonts"])
    assert len(found) > 1 and check.detail_zh == "、".join(found), check.detail_zh
    assert check.detail_en == ", ".join(found), check.detail_en


def test_receipt_verdict_warns_when_ext_c_to_h_would_print_as_codes() -> None:
    assert doctor.receipt_fonts_verdict(["TWKai", "BabelStoneHan"], []) == "ok"
    assert doctor.receipt_fonts_verdict(["TWKai"], ["U+2B740", "U+30EDE"]) == "warn"
    assert doctor.receipt_fonts_verdict(["UMingTW"], []) == "warn"
    assert doctor.receipt_fonts_verdict([], []) == "fail"


def test_receipt_check_without_babelstone_names_the_code_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eservice_desktop.printing import fonts

    real = fonts.unprintable
    monkeypatch.setattr(
        fonts, "unprintable", lambda text: [ch for ch in text if ord(ch) >= 0x2A700] or real(text)
    )
    check = doctor.check_receipt_fonts()
    assert check.status == "warn", check
    assert "U+2B740" in check.detail_en and "U+30EDE" in check.detail_zh
    assert "fonts-babelstone-han" in check.fix_en
