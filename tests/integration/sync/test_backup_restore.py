"""Backups through the real command line, restored onto a wiped data directory and recovered
from a real county server on loopback: nothing the county acknowledged is lost."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sync_helpers import CountyServer, enrol, local_event_ids, new_case, pending, sync_now

from eservice_desktop.cli.main import main
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services import backup, cases
from eservice_desktop.services.core import App, open_app
from eservice_desktop.storage import cipher


def _cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["--data-dir", str(data), *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _numbers(app: App) -> set[str]:
    return {r.case_number for r in cases.queue(app, "all")}


def test_backup_wipe_restore_recover_loses_nothing(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = office(url=sqlite_county.url)
    data = app.settings.data_dir
    usb = tmp_path / "usb"
    app.settings.backup_dir = str(usb)
    app.settings.save()
    enrol(app, sqlite_county)
    for _ in range(3):
        new_case(app)
    sync_now(app)

    code, taken = _cli(capsys, data, "backup", "now")
    assert code == 0 and Path(taken["file"]).parent == usb
    backup_file = Path(taken["file"])
    assert not cipher.is_plain(backup_file) and b"A123456789" not in backup_file.read_bytes()
    assert oct(backup_file.stat().st_mode & 0o777) == "0o600"

    # after the backup: more work, synced (the county has it), then the disk dies
    later = {new_case(app) for _ in range(2)}
    sync_now(app)
    assert pending(app) == 0
    everything = _numbers(app)
    own_events = set(local_event_ids(app))
    app.close()

    code, listed = _cli(capsys, data, "backup", "list")
    assert [b["file"] for b in listed["backups"]] == [str(backup_file)]
    code, verified = _cli(capsys, data, "backup", "verify")
    assert code == 0 and verified["ok"] and verified["cases"] == 3
    assert verified["integrity"] == ["ok"] and verified["age_h"] < 1

    escrowed_key = (data / "keys" / "db.key").read_bytes()  # IT's sealed copy of the key
    settings_file = (data / "settings.json").read_bytes()
    shutil.rmtree(data)
    data.mkdir()
    (data / "keys").mkdir(mode=0o700)
    (data / "keys" / "db.key").write_bytes(escrowed_key)
    (data / "settings.json").write_bytes(settings_file)

    code, restored = _cli(capsys, data, "backup", "restore", str(backup_file))
    assert code == 0, restored
    assert restored["verified"] is True and restored["previous_kept_as"] is None
    recovery = restored["recovery"]
    assert recovery["restored"] >= len(later)  # own acknowledged events pulled back
    assert recovery["lost"] == [] and recovery["lost_known"] is False
    assert recovery["last_own_event_at"]

    again = open_app(app.settings)
    again.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        assert _numbers(again) == everything
        assert set(local_event_ids(again)) >= own_events
        assert pending(again) == 0
        # the device keeps numbering past what it had issued before the loss
        assert new_case(again) not in everything
    finally:
        again.close()


def test_restore_names_unsynced_work_lost_since_the_backup(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = office(url=sqlite_county.url)
    data = app.settings.data_dir
    app.settings.save()
    enrol(app, sqlite_county)
    new_case(app)
    sync_now(app)
    info = backup.take(app, "manual")
    unsynced = new_case(app)  # never reached the county
    app.close()
    code, restored = _cli(capsys, data, "backup", "restore", str(info.path))
    assert code == 0
    lost = restored["recovery"]["lost"]
    assert restored["recovery"]["lost_known"] is True
    assert {x["case_number"] for x in lost} == {unsynced}
    assert Path(restored["previous_kept_as"]).exists()  # the database it replaced is kept


def test_retention_keeps_recent_and_one_a_day(office: Callable[..., App], clock) -> None:  # type: ignore[no-untyped-def]
    app = office()
    start = clock.now
    for hours in range(0, 24 * 6, 6):  # a backup every 6 hours for 6 days
        clock.set(start + timedelta(hours=hours))
        backup.take(app, "hourly")
    app.settings.backup_keep_days = 4
    removed = backup.prune(app.settings, clock.now)
    kept = backup.list_backups(app.settings)
    ages = [(clock.now - b.taken_at).total_seconds() / 3600 for b in kept]
    assert removed and all(a <= 24 * 4 for a in ages)
    assert sum(1 for a in ages if a <= 48) == 9  # every one of the last 48 hours
    days = [b.taken_at.date() for b in kept if (clock.now - b.taken_at).total_seconds() > 48 * 3600]
    assert len(days) == len(set(days))  # older: one a day


def test_hourly_backup_rides_the_sync_loop_during_office_hours(
    office: Callable[..., App],
    clock,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from datetime import UTC, datetime

    from eservice_desktop.services import daily_closing

    app = office()
    rounds: list[int] = []
    wrapped = backup.with_scheduled_backups(app, lambda: rounds.append(1) or len(rounds))
    clock.set(datetime(2026, 3, 10, 1, 30, tzinfo=UTC))  # 09:30 Taipei
    wrapped()
    assert len(backup.list_backups(app.settings)) == 1
    clock.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # half an hour later: not yet
    wrapped()
    assert len(backup.list_backups(app.settings)) == 1
    clock.set(datetime(2026, 3, 10, 2, 31, tzinfo=UTC))  # an hour on: the next one
    wrapped()
    assert len(backup.list_backups(app.settings)) == 2
    clock.set(datetime(2026, 3, 10, 14, 0, tzinfo=UTC))  # 22:00 Taipei: office closed
    wrapped()
    assert len(backup.list_backups(app.settings)) == 2
    assert len(rounds) == 4  # the sync round ran every time
    # the daily closing takes its own backup, whatever the hour
    day = datetime(2026, 3, 10, 14, 0, tzinfo=UTC).date()
    daily_closing.write_closing(app, day, tmp_path / "c.csv")
    labels = [b.label for b in backup.list_backups(app.settings)]
    assert labels[0] == "closing" and len(labels) == 3


def test_a_failed_hourly_backup_is_not_tried_at_every_round(
    office: Callable[..., App],
    clock,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The backup disk unplugged or full: the loop tried the hourly backup again at every
    round (every 5 s), each try on a full disk writing a database-sized copy before the disk
    refused it, and logged only "DomainError". It waits ten minutes and logs the reason."""
    from datetime import UTC, datetime

    app = office()
    app.settings.backup_dir = str(tmp_path / "usb" / "eservice")  # the USB disk is not there
    rounds: list[int] = []
    wrapped = backup.with_scheduled_backups(app, lambda: rounds.append(1) or len(rounds))
    start = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)  # 09:30 Taipei
    for seconds in range(0, 300, 5):  # five minutes of rounds
        clock.set(start + timedelta(seconds=seconds))
        wrapped()
    tries = [r for r in caplog.records if "scheduled backup failed" in r.getMessage()]
    assert len(tries) == 1 and "backup.not_written" in tries[0].getMessage()
    assert len(rounds) == 60  # the sync round ran every time
    (tmp_path / "usb").mkdir()  # plugged in again
    clock.set(start + backup.RETRY_AFTER)
    wrapped()
    assert [b.label for b in backup.list_backups(app.settings)] == ["hourly"]


def test_retention_pseudonymises_finished_acknowledged_cases_only(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    clock,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    from eservice_desktop.services import retention
    from eservice_desktop.storage.models import EventRow

    app = office(url=sqlite_county.url)
    enrol(app, sqlite_county)
    finished, still_open = new_case(app), new_case(app)
    cases.reject_case(app, finished, "不符申請資格")
    sync_now(app)
    unsynced = new_case(app)
    cases.reject_case(
        app, unsynced, "不符申請資格"
    )  # finished, but the county does not have it yet
    later = clock.now + timedelta(days=app.settings.retention_days + 1)
    assert retention.pseudonymise(app, now=clock.now)["due"] == 0  # too recent
    assert retention.pseudonymise(app, now=later, dry_run=True)["due"] == 1
    code, dry = _cli(capsys, app.settings.data_dir, "db", "retention", "--dry-run")
    assert code == 0 and dry["due"] == 1 and dry["pseudonymised"] == 0
    result = retention.pseudonymise(app, now=later)
    assert result == {"due": 1, "pseudonymised": 1, "retention_days": 180}
    rows = {r.case_number: r for r in cases.queue(app, "all")}
    assert rows[finished].applicant_name == "王○明"
    assert rows[still_open].applicant_name == "王小明"
    assert rows[unsynced].applicant_name == "王小明"
    found = {r.case_number for r in cases.search(app, "王小明")}
    assert finished not in found and still_open in found  # the search index follows
    view = cases.show_case(app, finished)
    assert view.applicant_id == "A12345****" and view.status == "rejected"
    with app.reading() as s:
        from sqlalchemy import select

        payloads = [
            json.dumps(p, ensure_ascii=False)
            for p in s.scalars(select(EventRow.payload).where(EventRow.case_id == view.case_id))
        ]
    text = "\n".join(payloads)
    assert "A123456789" not in text and "王小明" not in text and "0912345678" not in text
    assert "縣府路" not in text  # the service's own fields (an address) are emptied
    assert retention.pseudonymise(app, now=later)["due"] == 0  # done once
    verified = backup.verify(app, backup.take(app, "manual").path)
    assert verified["ok"], verified["problems"]  # projections still equal their events
