"""A citizen certificate card that never answers, for real: OpenSC's PKCS#11 module over pcscd,
the card a virtual one in vpcd that takes every APDU and answers none (a card or reader gone
mute, a vendor module stuck in it). The identity panel read "讀取自然人憑證…" for good, its
button off, the I/O pool's thread held; each further try (another case, the override) held
one more, until the pool's three threads kept printing and the network waiting too. Now the
card has ``moica.ANSWER_S`` to answer, the clerk is told what to do, and a try while the card
is still stuck is refused at once without another thread."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "cards"))

import cards_pki as cp
import cards_vcard as vc
from test_identity_panel import _case, _on_screen, vcards  # noqa: F401  (a fixture)

from eservice_desktop.devices import moica
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.identity_panel import IdentityPanel
from eservice_desktop.services import identity

OPENSC = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"


@pytest.fixture
def mute_card(
    vcards: Callable[..., vc.VirtualCard],  # noqa: F811
) -> Iterator[threading.Event]:
    """A card in the first reader that answers no APDU until the event is set."""
    if not Path(OPENSC).exists():
        pytest.skip("OpenSC's PKCS#11 module (tools/apt-packages.txt: opensc)")
    release = threading.Event()

    def mute(_apdu: bytes) -> bytes:
        release.wait(120)
        return vc.INS_NOT_SUPPORTED

    vcards(mute).insert()
    vc.wait_for(_card_seen, 15)  # pcscd notices it on its next poll, later on a busy machine
    yield release
    release.set()


def _card_seen() -> bool:
    """pcscd reports a card in the first virtual reader (its state only: no APDU is sent)."""
    from eservice_desktop.devices import pcsc

    return any(
        status.reader == vc.READER_NAMES[0]
        and status.state not in (pcsc.ReaderState.NO_CARD, pcsc.ReaderState.NO_READER)
        for status in pcsc.snapshot(read_cards=False)
    )


def _card_threads() -> int:
    return sum(t.name == "moica-card" for t in threading.enumerate())


@pytest.mark.pcsc
def test_a_card_that_never_answers_is_said_and_holds_no_more_threads(
    ctx: GuiContext,
    qtbot: QtBot,
    tmp_path: Path,
    mute_card: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(moica, "ANSWER_S", 2.0)
    pki, _ = cp.shared_pki()
    s = ctx.app.settings
    s.trust_anchor_dir = str(pki.write_anchors(tmp_path / "anchors"))
    s.pkcs11_module, s.pkcs11_token_label = OPENSC, ""
    panel = IdentityPanel(ctx, start_monitor=False)
    qtbot.addWidget(panel)
    _on_screen(ctx, _case(ctx))

    began = time.monotonic()
    panel.verify_button.click()
    qtbot.waitUntil(panel.verify_button.isEnabled, timeout=15000)
    assert "秒未回應：請取出卡片重新插入" in panel.verdict_label.text()
    assert time.monotonic() - began < 10
    assert panel.pin_dialog is None and _card_threads() == 1

    # the card still stuck: a second and a third try are refused at once, no thread more
    for _ in range(2):
        began = time.monotonic()
        panel.verify_button.click()
        qtbot.waitUntil(panel.verify_button.isEnabled, timeout=5000)
        assert "仍未回應上一次的要求" in panel.verdict_label.text()
        assert time.monotonic() - began < 1.5
    assert _card_threads() == 1
    # nor did the tries keep the I/O pool: a print or a download goes on at once
    done: list[int] = []
    ctx.tasks.run_io(lambda: 7, on_done=done.append)
    qtbot.waitUntil(lambda: done == [7], timeout=2000)

    # the database writer is not held either: the signature is refused as the card is stuck
    with pytest.raises(DomainError) as stuck:
        identity.verify_moica(ctx.app, "123456", case_number=panel.target.case_number)  # type: ignore[union-attr]
    assert stuck.value.code == "card.still_busy"

    mute_card.set()  # the card answers at last (or is taken out): the card is free again
    qtbot.waitUntil(lambda: _card_threads() == 0, timeout=10000)
    panel.verify_button.click()
    qtbot.waitUntil(panel.verify_button.isEnabled, timeout=15000)
    assert "仍未回應" not in panel.verdict_label.text()
