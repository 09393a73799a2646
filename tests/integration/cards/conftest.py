"""Fixtures for the card tests: the real pcscd + vpcd with virtual cards, a SoftHSM2 token per
PKI scenario, and an App configured with the test trust anchors and revocation lists."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import cards_pki as cp
import cards_vcard as vc

from eservice_desktop.config import Settings
from eservice_desktop.services import identity
from eservice_desktop.services.core import App


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def pcscd() -> None:
    """vpcd stops listening while a card is in its reader, so this looks only while the test
    holds the readers (tests/shared_devices.py): per test, never once per worker."""
    deadline = time.monotonic() + 10  # vpcd listens again a moment after a card left
    while not _port_open(vc.PORTS[0]):
        if time.monotonic() < deadline:
            time.sleep(0.2)
            continue
        pytest.fail(
            "pcscd with vsmartcard-vpcd is not listening on 127.0.0.1:35963: run the suite "
            "through `make test` (tools/test-services.sh starts it)"
        )


@pytest.fixture
def cards(pcscd: None) -> Iterator[Callable[..., vc.VirtualCard]]:
    """Makes virtual cards; every card still inserted at the end of the test is removed."""
    made: list[vc.VirtualCard] = []

    def make(
        handler: vc.Handler, port: int = vc.PORTS[0], atr: bytes = vc.ATR_T1
    ) -> vc.VirtualCard:
        card = vc.VirtualCard(handler, port=port, atr=atr)
        made.append(card)
        return card

    yield make
    for card in made:
        card.remove()
    vc.wait_readers_empty()  # pcscd noticed: the next test starts with empty readers


@pytest.fixture(scope="session")
def pki() -> cp.TestPki:
    return cp.shared_pki()[0]


@pytest.fixture
def anchors(pki: cp.TestPki, tmp_path: Path) -> Path:
    return pki.write_anchors(tmp_path / "anchors")


@pytest.fixture
def card_settings(settings: Settings, anchors: Path) -> Settings:
    settings.trust_anchor_dir = str(anchors)
    settings.pkcs11_module = cp.SOFTHSM_MODULE
    settings.pkcs11_token_label = "valid"
    return settings


@pytest.fixture
def id_app(make_app: Callable[..., App], card_settings: Settings, pki: cp.TestPki) -> App:
    """An App trusting the test PKI, with a fresh CRL and ARL accepted."""
    app = make_app(card_settings)
    for data in (pki.crl(), pki.arl()):
        assert identity.accept_crl(app, data, "test").accepted
    return app
