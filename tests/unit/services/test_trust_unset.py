"""A counter with no trust anchor directory set says so when a MOICA card is to be verified,
in the clerk's language, not the loader's English words about an empty path."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import doctor
from eservice_desktop.services.identity_crl import trust_store

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "cards"))
import cards_pki as cp


def test_no_trust_anchor_directory_is_said_as_such(settings: Settings) -> None:
    settings.trust_anchor_dir = ""
    with pytest.raises(DomainError) as e:
        trust_store(settings)
    assert e.value.code == "pki.trust_config"  # the same refusal, its words plain
    assert e.value.message_zh == "未設定信任錨目錄，無法驗證自然人憑證，請洽資訊人員"
    assert e.value.message_en == (
        "No trust anchor directory is set: MOICA cards cannot be verified; call IT"
    )


def _anchors(tmp_path: Path, case: str) -> Path:
    """A trust anchor directory IT got wrong in one way (``case``)."""
    tpki = cp.shared_pki()[0]
    folder = tpki.write_anchors(tmp_path / "anchors")
    if case == "no pins":
        (folder / "pins.sha256").unlink()
    elif case == "a pinned file gone":
        (folder / "moica.cer").unlink()
    elif case == "no root":
        (folder / "grca.pem").unlink()
        pins = (folder / "pins.sha256").read_text(encoding="utf-8").splitlines()
        (folder / "pins.sha256").write_text(pins[1] + "\n", encoding="utf-8")
    elif case == "a file not a certificate":
        (folder / "broken.cer").write_bytes(b"not a certificate")
    elif case == "pins not text":
        (folder / "pins.sha256").write_bytes(b"\xff\xfe\x00\xd8" + b"\x80\x81")
    return folder


@pytest.mark.parametrize(
    ("case", "zh", "en"),
    [
        ("no folder", "找不到信任錨目錄", "The trust anchor directory does not exist"),
        ("no pins", "信任錨目錄缺少 pins.sha256", "pins.sha256 is missing from the trust"),
        ("a pinned file gone", "有 1 個憑證找不到憑證檔", "1 certificate(s) pinned in"),
        ("no root", "沒有釘選的根憑證", "No pinned root certificate is in the trust"),
        ("a file not a certificate", "broken.cer 不是可讀的憑證", "broken.cer is not a readable"),
        ("pins not text", "pins.sha256 不是 UTF-8 或 UTF-16 文字", "pins.sha256 is not text"),
    ],
)
def test_each_trust_anchor_fault_is_said_in_the_clerk_s_language(
    settings: Settings, tmp_path: Path, case: str, zh: str, en: str
) -> None:
    """Past "not set", every fault appended the loader's English to the Chinese
    (「信任錨設定有誤，請洽資訊人員：pins.sha256 missing in the trust anchor directory」), and a
    file that is not a certificate was no refusal at all but the loader's ValueError. Each
    says its own reason in each language; the code stays, the doctor says the same words."""
    folder = tmp_path / "nothing" if case == "no folder" else _anchors(tmp_path, case)
    settings.trust_anchor_dir = str(folder)
    with pytest.raises(DomainError) as e:
        trust_store(settings)
    assert e.value.code == "pki.trust_config"
    assert zh in e.value.message_zh and e.value.message_zh.endswith(
        "，無法驗證自然人憑證，請洽資訊人員"
    )
    assert not re.search(
        "[A-Za-z]{3}", re.sub("pins.sha256|broken.cer|UTF-(8|16)", "", e.value.message_zh)
    )
    assert e.value.message_en.startswith(en) and e.value.message_en.endswith(
        ": MOICA cards cannot be verified; call IT"
    )
    verdict = doctor.check_trust_anchors(settings)
    assert verdict.status == "fail" and zh in verdict.detail_zh and en in verdict.detail_en


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_pins_saved_by_notepad_are_read(settings: Settings, tmp_path: Path, encoding: str) -> None:
    """pins.sha256 saved by Windows' Notepad, with a BOM (UTF-8) or as "Unicode" (UTF-16),
    ended doctor and the MOICA check in a UnicodeDecodeError traceback."""
    folder = _anchors(tmp_path, "as it should be")
    pins = folder / "pins.sha256"
    pins.write_bytes(pins.read_text(encoding="utf-8").encode(encoding))
    settings.trust_anchor_dir = str(folder)
    assert trust_store(settings).roots
    assert doctor.check_trust_anchors(settings).status == "ok"
