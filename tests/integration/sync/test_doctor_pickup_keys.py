"""doctor's pickup-key line against the real county server on loopback: the keys that verify a
citizen's MMS code are here, whole, in force, and the county's. Doctor said nothing of them,
and a desk without the county's key of the day refused every MMS code (簽章金鑰不在本機)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sync_helpers import CountyServer, county_cli, enrol, sync_now

from eservice_desktop.county_link import pickup_crypto
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.services import doctor
from eservice_desktop.services.core import App
from eservice_desktop.services.pickup_keys import import_county_keys, key_document
from eservice_desktop.storage.models_pickup import CountyKeyRow


@pytest.fixture(autouse=True)
def _not_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESERVICE_DEMO", raising=False)


def _line(app: App, network: bool = True, now: datetime | None = None) -> doctor.Check:
    return doctor.check_pickup_keys(app.settings, now or datetime.now(UTC), network=network)


def _synced(office: Callable[..., App], county: CountyServer) -> App:
    app = office("H01", "01", county.url)
    before = _line(app)
    assert before.status == "warn" and "first sync round" in before.detail_en, before
    assert "第一次同步" in before.detail_zh and "sync once" in before.fix_en
    enrol(app, county)
    sync_now(app)
    return app


def test_the_county_key_of_the_day_must_be_here(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    app = _synced(office, sqlite_county)
    line = _line(app)
    assert line.status == "ok", line
    (kid,) = line.data["in_force"]
    assert kid in line.detail_en and "1 in force" in line.detail_en
    # the county rotates its key; this desk has not synced since
    new_kid = county_cli("keys", "rotate", "--purpose", "pickup", "--db", sqlite_county.db_url)
    new_kid = new_kid.strip()
    stale = _line(app)
    assert stale.status == "fail", stale
    assert f"key in force {new_kid} is not here" in stale.detail_en
    assert f"領件金鑰 {new_kid} 不在本機" in stale.detail_zh
    assert "sync once" in stale.fix_en and "sync once" in stale.fix_zh
    assert _line(app, network=False).status == "ok"  # offline it cannot know
    sync_now(app)
    assert _line(app).status == "ok" and new_kid in _line(app).data["in_force"]


def test_a_key_the_county_never_published_fails(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    app = _synced(office, sqlite_county)
    own = pickup_crypto.public_bytes(pickup_crypto.generate())
    key = pt.CountyKey(pt.key_id(own), own, datetime.now(UTC) - timedelta(days=1))
    import_county_keys(app, key_document([key], datetime.now(UTC)))
    line = _line(app)
    assert line.status == "fail", line
    assert f"{key.kid} here was never published by the county" in line.detail_en
    assert "不是縣府發布的" in line.detail_zh and "county IT" in line.fix_en


def test_keys_altered_ended_or_gone(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    app = _synced(office, sqlite_county)
    now = datetime.now(UTC)
    # every key ends within the month: the county's next key has not come
    with app.transaction() as s:
        s.execute(update(CountyKeyRow).values(not_after=now + timedelta(days=10)))
    soon = _line(app, network=False)
    assert soon.status == "warn" and "next key has not reached" in soon.detail_en, soon
    # every key ended
    with app.transaction() as s:
        s.execute(update(CountyKeyRow).values(retired_at=now - timedelta(hours=1)))
    ended = _line(app, network=False)
    assert ended.status == "fail" and "No pickup key in force" in ended.detail_en, ended
    assert "沒有有效的領件金鑰" in ended.detail_zh
    # a key whose bytes no longer match its id (the database altered)
    with app.transaction() as s:
        s.execute(update(CountyKeyRow).values(public_key=b"\x01" * 32, retired_at=None))
    altered = _line(app, network=False)
    assert altered.status == "fail" and "does not match the key" in altered.detail_en, altered
    assert "代碼與金鑰內容不符" in altered.detail_zh
    # synced, but none here
    with app.transaction() as s:
        s.execute(delete(CountyKeyRow))
    gone = _line(app, network=False)
    assert gone.status == "fail" and "every MMS pickup code is refused" in gone.detail_en, gone


def test_doctor_runs_the_line_in_the_shift_start_set(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    app = _synced(office, sqlite_county)
    report = doctor.run_checks(app.settings, shift_start=True, network=False)
    (line,) = [c for c in report.checks if c.key == "pickup_keys"]
    assert line.status == "ok", line


def test_a_silent_county_is_not_asked_for_its_keys_too(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """A county that takes connections and never answers: the county line fails after its
    wait, and the pickup-key line asked it again and waited as long (doctor 11.6 s instead of
    9.1 s; the shift start every morning)."""
    app = _synced(office, sqlite_county)
    asked: list[bytes] = []
    held: list[socket.socket] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(20)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            conn.settimeout(2)
            with contextlib.suppress(OSError):
                asked.append(conn.recv(4096).split(b"\r\n", 1)[0])

    threading.Thread(target=serve, daemon=True).start()
    app.settings.county_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        report = doctor.run_checks(app.settings, timeout=1.0)
    finally:
        listener.close()
        for conn in held:
            conn.close()
    by_key = {c.key: c for c in report.checks}
    assert by_key["county"].status == "fail", by_key["county"]
    assert by_key["pickup_keys"].status == "ok", by_key["pickup_keys"]
    assert asked and not any(b"/v1/keys" in line for line in asked), asked
