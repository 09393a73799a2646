"""A revocation list the county publishes reaches the office's identity checks even when the
round that pulled it failed after its pages (the county gone before the round's end): it was
imported from that round's memory, the next round pulled nothing new, and the counter went on
checking ID cards against the older list, a certificate revoked since accepted as valid."""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.config import Settings
from eservice_desktop.county import service as county_service
from eservice_desktop.county.store import make_engine, utcnow
from eservice_desktop.county_link.client import CountyClient, SyncError
from eservice_desktop.services.core import App
from eservice_desktop.services.identity_crl import cached_lists

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cards"))
import cards_pki as cp


def _publish_crl(county: CountyServer, der: bytes) -> None:
    engine = make_engine(county.db_url)
    try:
        with Session(engine) as s, s.begin():
            data = {"kind": "crl", "name": "moica.crl", "der_b64": base64.b64encode(der).decode()}
            county_service.publish(s, "revocation", data, utcnow())
    finally:
        engine.dispose()


def test_a_crl_pulled_by_a_round_that_failed_after_its_pages_is_imported_by_the_next(
    county: CountyServer,
    make_app: Callable[[Settings], App],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tpki = cp.shared_pki()[0]
    app = make_app(
        Settings(
            data_dir=tmp_path / "office",
            office_code="H01",
            device_id="01",
            county_url=county.url,
            trust_anchor_dir=str(tpki.write_anchors(tmp_path / "anchors")),
        )
    )
    enrol(app, county)
    sync_now(app)
    assert cached_lists(app) == []
    revoked = 10**20 + 7
    _publish_crl(county, cp.big_crl(tpki.intermediate, [revoked], cp.NOW, cp.NOW + timedelta(1)))

    def county_gone(self: CountyClient, *args: object, **kwargs: object) -> None:
        raise SyncError("connection refused")

    with monkeypatch.context() as m:  # the round's last request, after every page
        m.setattr(CountyClient, "operators", county_gone)
        with pytest.raises(SyncError):
            sync_now(app)
    assert cached_lists(app) == []  # the page is kept, the list not imported yet
    sync_now(app)
    [(info, _)] = cached_lists(app)
    assert info.revoked_count == 1
