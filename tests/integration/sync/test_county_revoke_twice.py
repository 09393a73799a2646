"""``eservice-county-server revoke`` of a device already revoked is refused (exit 2, one line
``zh / en`` naming when it was revoked) and changes nothing: it used to move the recorded
revocation time to its own, audit a second revocation and send the office's other counters a
second revocation bearing the later time, which they kept in place of the real one."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.county import cli as county_cli
from eservice_desktop.county.store import DeviceAuditRow, DeviceRow, FeedRow, make_engine
from eservice_desktop.storage.models_sync import SyncReferenceRow


def _revoke(monkeypatch: pytest.MonkeyPatch, db: str, key: str, *more: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = county_cli.main(["revoke", key, "--db", db, *more])
    return code, out.getvalue(), err.getvalue()


def _county_rows(db: str) -> tuple[Any, int, int]:
    """H01-01's revocation time, its audited revocations and the feed's revocations."""
    engine = make_engine(db)
    try:
        with Session(engine) as s:
            dev = s.get(DeviceRow, "H01-01")
            assert dev is not None
            audited = s.scalar(
                select(func.count()).where(
                    DeviceAuditRow.device_key == "H01-01", DeviceAuditRow.action == "revoked"
                )
            )
            fed = s.scalar(select(func.count()).where(FeedRow.kind == "revocation"))
            return dev.revoked_at, int(audited or 0), int(fed or 0)
    finally:
        engine.dispose()


def test_a_device_revoked_twice_keeps_its_first_revocation_at_the_county_and_the_office(
    county_db: str,
    server_factory: Callable[[str], CountyServer],
    office: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv = server_factory(county_db).start_in_thread()
    first, second = office("H01", "01", url=srv.url), office("H01", "02", url=srv.url)
    enrol(first, srv)
    enrol(second, srv)
    assert _revoke(monkeypatch, county_db, "H01-01")[:2] == (0, "已撤銷\n")
    revoked = _county_rows(county_db)
    assert revoked[1:] == (1, 1)

    code, out, err = _revoke(monkeypatch, county_db, "H01-01")
    assert code == 2 and out == "", (out, err)
    assert err.count("\n") == 1 and " / " not in err and "Traceback" not in err, err
    assert "已於" in err and "revoked on" not in err, err
    code, out, err = _revoke(monkeypatch, county_db, "H01-01", "--lang", "en")
    assert code == 2 and out == "" and "revoked on" in err and "已於" not in err, err
    assert _county_rows(county_db) == revoked  # nothing written

    sync_now(second)  # the office's other counter holds the one, first, revocation
    with second.reading() as s:
        row = s.get(SyncReferenceRow, "revocation:H01-01")
        assert row is not None
        at = row.data["at"]
    assert at[:19] == revoked[0].isoformat()[:19]  # the first revocation's time (UTC)
