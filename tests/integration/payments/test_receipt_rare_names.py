"""Every name prints: CJK Ext-C..H characters on a real receipt read back with poppler, and a
character no installed font has printed as its code point instead of an empty box."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from payments_tools import new_case, pdffonts, pdftotext

from eservice_desktop.domain import values
from eservice_desktop.printing.fonts import CANDIDATES, font_chain, unprintable
from eservice_desktop.services import payments
from eservice_desktop.services.core import App
from eservice_desktop.services.glyphs import UNPRINTABLE, check_printable

#: 𫝀 U+2B740 (Ext-D), 𬺰 U+2CEB0 (Ext-F), 𰻞 U+30EDE (Ext-G), U+31350 (Ext-H), U+2A700 (Ext-C),
#: U+2B820 (Ext-E): TW-Kai and UMing have none of the first four.
RARE = "\U0002b740\U0002ceb0\U00030ede\U00031350\U0002a700\U0002b820"
#: U+2EBF0, the first character of Ext-I (Unicode 15.1): no font installed here has it.
NOWHERE = "\U0002ebf0"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_babelstone_han_closes_the_chain_after_tw_kai() -> None:
    names = [name for name, _file, _sub in CANDIDATES]
    assert names[0] == "TWKai" and names[-1] == "BabelStoneHan"
    chain = font_chain()
    assert chain.primary == "TWKai"  # the legal print stays in Kai
    assert {
        ch: chain.font_for(ch) for ch in "\U0002b740\U0002ceb0\U00030ede\U00031350"
    } == dict.fromkeys("\U0002b740\U0002ceb0\U00030ede\U00031350", "BabelStoneHan")
    assert chain.font_for("王") == "TWKai"


def test_ext_c_to_h_names_print_on_the_receipt(app: App, tmp_path: Path) -> None:
    name = "林" + RARE
    number = new_case(app, name=name)
    r = payments.record_payment(app, number, "cash", 30, tendered=30)
    pdf = tmp_path / "rare.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, "roll80"))
    text = pdftotext(pdf)
    assert squash(name) in squash(text)
    assert "[U+" not in text and "\ufffd" not in text
    fonts = {row[0].split("+", 1)[-1]: row for row in pdffonts(pdf)}
    assert "BabelStoneHan" in fonts, fonts
    assert fonts["BabelStoneHan"][-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, ToUnicode
    assert unprintable(name) == [] and check_printable(name) is None


def test_a_character_no_font_has_prints_as_its_code_point(app: App, tmp_path: Path) -> None:
    name = "王" + NOWHERE + "明"
    number = new_case(app, name=name)
    r = payments.record_payment(app, number, "cash", 30, tendered=30)
    pdf = tmp_path / "nowhere.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, "a6"))
    flat = squash(pdftotext(pdf))
    assert "王[U+2EBF0]明" in flat
    assert NOWHERE not in flat
    assert NOWHERE in font_chain().missing


def test_the_intake_check_names_the_code_point_in_both_languages() -> None:
    assert unprintable("王" + NOWHERE + "明" + NOWHERE) == [NOWHERE]
    warning = check_printable("王" + NOWHERE + "明")
    assert warning is not None and warning.code == UNPRINTABLE
    assert warning.field == "applicant_name"
    assert "U+2EBF0" in warning.message_zh and "[U+2EBF0]" in warning.message_zh
    assert "U+2EBF0" in warning.message_en
    assert check_printable("王小明 " + RARE) is None


def test_a_variation_selector_prints_no_glyph_of_its_own(app: App, tmp_path: Path) -> None:
    # 葛 with an ideographic variation selector (IVS), as the household register writes it:
    # BabelStone Han drew the selector as a dashed "VS17" box between 葛 and 雲
    name = "葛\U000e0100雲"
    number = new_case(app, name=name)
    r = payments.record_payment(app, number, "cash", 30, tendered=30)
    pdf = tmp_path / "ivs.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, "a6"))
    flat = squash(pdftotext(pdf))
    assert "葛雲" in flat and "\U000e0100" not in flat
    assert [row[0].split("+", 1)[-1] for row in pdffonts(pdf)] == ["TW-Kai-98_1"]
    chain = font_chain()
    assert chain.width(name, 10) == chain.width("葛雲", 10)
    assert unprintable(name + "\ufe00") == [] and check_printable(name) is None


def test_a_name_stored_decomposed_prints_its_letters_whole(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a name pasted decomposed, as a counter stored it before names were composed at intake:
    # each mark printed by itself, on a dotted circle, after its letter (Nguye◌̂◌̃n)
    monkeypatch.setattr(values, "composed", lambda text: text)
    name = "Nguyễn Thị Hồng"
    number = new_case(app, name=unicodedata.normalize("NFD", name))
    monkeypatch.undo()
    r = payments.record_payment(app, number, "cash", 30, tendered=30)
    pdf = tmp_path / "nfd.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, "a6"))
    text = pdftotext(pdf)
    assert name in text and "\u0302" not in text and "\u0303" not in text
    chain = font_chain()
    assert chain.width(unicodedata.normalize("NFD", name), 10) == chain.width(name, 10)


def test_accented_latin_letters_print_as_letters_not_as_wide_characters(
    app: App, tmp_path: Path
) -> None:
    # TW-Kai draws é ü ñ ç ễ one em wide, like a Chinese character: the receipt read
    # "Nguy ễ n Th ị H ồ ng", "Fran ç ois Mu ñ oz" with gaps inside the words
    from reportlab.pdfbase.pdfmetrics import stringWidth

    name = "Nguyễn Thị Hồng François Muñoz 王"
    number = new_case(app, name=name)
    r = payments.record_payment(app, number, "cash", 30, tendered=30)
    pdf = tmp_path / "latin.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, "a6"))
    assert name in pdftotext(pdf)
    assert {row[0].split("+", 1)[-1] for row in pdffonts(pdf)} == {"TW-Kai-98_1", "UMingTW-2"}
    runs = list(font_chain().runs(name))
    assert all(stringWidth(ch, face, 10) < 9 for face, run in runs if face != "TWKai" for ch in run)
    # each word in one face; the Chinese, the plain ASCII words and the spaces as before
    assert [run for _face, run in runs if _face != "TWKai"] == [
        "Nguyễn",
        "Thị",
        "Hồng",
        "François",
        "Muñoz",
    ]
    assert list(font_chain().runs("Pasuya Poiconx 王小明")) == [("TWKai", "Pasuya Poiconx 王小明")]


def test_a_long_foreign_name_wraps_between_its_words(app: App, tmp_path: Path) -> None:
    # the roll receipt broke it anywhere: "… de los Ángeles Rodrígu" and "ez-Hernández"
    name = "Maria Fernanda Guadalupe de los Ángeles Rodríguez-Hernández"
    number = new_case(app, name=name)
    r = payments.record_payment(app, number, "cash", 30, tendered=30)
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(payments.receipt_pdf(app, r.receipt_number, "roll80"))
    lines = [line.strip() for line in pdftotext(pdf).splitlines()]
    name_lines = [line for line in lines if line and line in name]
    assert len(name_lines) >= 2 and " ".join(name_lines) in name, lines
    assert all(name.split(" ").count(word) for line in name_lines for word in line.split(" "))
    # Chinese is still broken anywhere, and a word wider than the line too
    chain = font_chain()
    assert chain.wrap("王小明王小明", 10, 25) == ["王小", "明王", "小明"]
    assert "".join(chain.wrap("Rodríguez-Hernández", 10, 30)) == "Rodríguez-Hernández"
