"""``eservice-county-server channel revoke``: the channel's token is refused from then on; a
channel revoked already is refused (exit 2, one line ``zh / en`` naming when) and keeps its
time, as a device's revocation does (a second revoke moved the time to its own); an unknown
channel is exit 2."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime

import pytest
import requests
from channel_helpers import APPLICATION
from sqlalchemy.orm import Session
from sync_helpers import CountyServer

from eservice_desktop.county import cli as county_cli
from eservice_desktop.county.channels import ChannelRow
from eservice_desktop.county.store import make_engine


def _channel(monkeypatch: pytest.MonkeyPatch, db: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = county_cli.main(["channel", *args, "--db", db])
    return code, out.getvalue(), err.getvalue()


def _revoked_at(db: str) -> datetime | None:
    engine = make_engine(db)
    try:
        with Session(engine) as s:
            row = s.get(ChannelRow, "web-portal")
            assert row is not None
            return row.revoked_at
    finally:
        engine.dispose()


def test_a_channel_revoked_twice_keeps_its_first_revocation(
    county_db: str,
    server_factory: Callable[[str], CountyServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _err = _channel(monkeypatch, county_db, "create", "web-portal", "--kind", "web")
    assert code == 0
    token = json.loads(out)["token"]
    srv = server_factory(county_db).start_in_thread()
    bearer = {"Authorization": f"Bearer {token}"}
    url = f"{srv.url}/v1/channel/applications"
    assert requests.post(url, json=APPLICATION, headers=bearer, timeout=30).status_code == 201

    assert _channel(monkeypatch, county_db, "revoke", "web-portal")[0] == 0
    revoked = _revoked_at(county_db)
    assert revoked is not None
    assert (
        requests.post(url, json=APPLICATION, headers=bearer, timeout=30).status_code == 403
    )  # revoked

    code, out, err = _channel(monkeypatch, county_db, "revoke", "web-portal")
    assert code == 2 and out == "", (out, err)
    assert err.count("\n") == 1 and " / " not in err and "Traceback" not in err, err
    assert "已於" in err and "revoked on" not in err, err
    code, out, err = _channel(monkeypatch, county_db, "revoke", "web-portal", "--lang", "en")
    assert code == 2 and out == "" and "revoked on" in err and "已於" not in err, err
    assert _revoked_at(county_db) == revoked  # nothing written
    code, out, _err = _channel(monkeypatch, county_db, "list")
    listed = json.loads(out)["channels"]
    assert [(c["name"], c["revoked"]) for c in listed] == [("web-portal", True)]


def test_an_unknown_channel_is_exit_2(county_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _channel(monkeypatch, county_db, "revoke", "no-such-channel")
    assert (code, out, err) == (2, "", "查無此通路\n")
    code, out, err = _channel(monkeypatch, county_db, "revoke", "no-such-channel", "--lang", "en")
    assert (code, out, err) == (2, "", "unknown channel\n")
