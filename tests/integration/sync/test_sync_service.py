"""The headless service `eservice-desktop sync run` as a real process: kill -9 at random points,
SIGTERM, the database file copied while it syncs, and the CLI commands."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from db_support import connect_db
from sync_helpers import (
    PY,
    ROOT,
    CountyServer,
    enrol,
    local_event_ids,
    new_case,
    pending,
    service_env,
    write_keyring_file,
)
from test_sync_faults import assert_exactly_once

from eservice_desktop.config import Settings
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App, open_app


def office_cli(app: App, keyring_file: Path, *args: str) -> list[str]:
    s = app.settings
    return [
        PY,
        "-m",
        "eservice_desktop",
        "--data-dir",
        str(s.data_dir),
        "--office",
        s.office_code,
        "--device",
        s.device_id,
        *args,
    ]


def env_for(app: App, keyring_file: Path) -> dict[str, str]:
    env = service_env(keyring_file)
    env["ESERVICE_COUNTY_URL"] = app.settings.county_url
    return env


def start_service(app: App, keyring_file: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        office_cli(app, keyring_file, "sync", "run", "--interval", "0.1"),
        env=env_for(app, keyring_file),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_pushed(app: App, proc: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Until the running service has pushed everything this counter has pending. The wait ends
    as soon as it has, or when the service exits; ``seconds`` only bounds a service that never
    gets there: a process of this package takes 12-40 s to start at load 7-8 on two cores (the
    county server's, measured), and a 30 s budget for the start and two pushes failed."""
    deadline = time.monotonic() + seconds
    while pending(app) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pending(app) == 0, f"still pending after {seconds} s (service exit {proc.poll()})"


def cli_json(app: App, keyring_file: Path, *args: str) -> dict[str, object]:
    out = subprocess.run(
        office_cli(app, keyring_file, *args),
        env=env_for(app, keyring_file),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_kill_9_at_random_points_repeated(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    app = office(url=sqlite_county.url)
    enrol(app, sqlite_county)
    keyring_file = tmp_path / "credentials"
    write_keyring_file(app, keyring_file)
    rng = random.Random(2026)
    killed_with_work = 0
    for i in range(6):
        # fresh work for this run of the service (~1,000 events: demo cases pay their fee)
        seed_demo(app, 130, seed=i)
        proc = start_service(app, keyring_file)
        new_case(app)  # the counter keeps working while the service runs
        # start-up takes ~0.5-1 s, a full push ~0.5 s: the kill lands anywhere in between
        time.sleep(rng.uniform(0.4, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        killed_with_work += pending(app) > 0
    assert killed_with_work >= 2, "the kills should interrupt real work"
    local_before = local_event_ids(app)
    result = cli_json(app, keyring_file, "sync", "once", "--json")
    assert result["ok"] and result["pending"] == 0
    assert set(local_event_ids(app)) >= set(local_before)  # (plus any conflict notes)
    assert_exactly_once(app, sqlite_county, also_conflicts=True)
    status = cli_json(app, keyring_file, "sync", "status", "--json")
    assert status["pending"] == 0 and status["acknowledged"] == status["local_events"]


def test_sigterm_stops_cleanly_and_logs(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    app = office(url=sqlite_county.url)
    enrol(app, sqlite_county)
    keyring_file = tmp_path / "credentials"
    write_keyring_file(app, keyring_file)
    new_case(app)
    proc = start_service(app, keyring_file)
    try:
        wait_pushed(app, proc)
        new_case(app)  # local work while it runs is picked up by the next round
        wait_pushed(app, proc)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0  # the round under way ends first
    finally:
        if proc.poll() is None:  # a failure above leaves no service running
            proc.kill()
            proc.wait()
    log = (app.settings.data_dir / "logs" / "sync.log").read_text(encoding="utf-8")
    assert "sync service started" in log and "sync service stopped" in log
    assert "A123456789" not in log


def test_database_copied_while_syncing_then_restored(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    tmp_path: Path,
    make_app: Callable[[Settings], App],
) -> None:
    app = office(url=sqlite_county.url)
    enrol(app, sqlite_county)
    seed_demo(app, 300, seed=5)
    keyring_file = tmp_path / "credentials"
    write_keyring_file(app, keyring_file)
    proc = start_service(app, keyring_file)
    copies = []
    try:
        for i in range(4):
            time.sleep(0.3)
            new_case(app)
            target = tmp_path / f"copy{i}"
            target.mkdir()
            src = app.settings.db_path
            # a plain file copy, as an office backup script would do, WAL included
            for suffix in ("", "-wal"):
                if Path(str(src) + suffix).exists():
                    shutil.copy(str(src) + suffix, str(target / src.name) + suffix)
            # the database is encrypted: its key goes along (IT imports the escrowed key)
            shutil.copytree(app.settings.data_dir / "keys", target / "keys")
            copies.append(target)
        wait_pushed(app, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    assert_exactly_once(app, sqlite_county, also_conflicts=True)
    # every copy is a consistent database; restored, it syncs without doubling anything and
    # recovers from the county what it had missed
    for target in copies:
        with connect_db(target) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored = open_app(
            Settings(
                data_dir=target, office_code="H01", device_id="01", county_url=sqlite_county.url
            ),
            clock=app.clock,
        )
        restored.operator = app.operator
        try:
            client = sync.make_client(restored)
            try:
                sync.sync_round(restored, client)
                counts = sync.recover_from_county(restored, client)
            finally:
                client.close()
            assert pending(restored) == 0
            on_county = set(sqlite_county.event_ids())
            assert set(local_event_ids(restored)) >= set(local_event_ids(app)) & on_county
            assert counts["restored"] >= 0
            # a new case number continues after the last one the device used
            number = new_case(restored)
            assert number not in {c.case_number for c in cases.queue(app, "all")}
        finally:
            restored.close()
    assert_exactly_once(app, sqlite_county, also_conflicts=True)


def test_cli_enrol_once_status_stats(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    from sync_helpers import county_cli

    app = office(url="http://127.0.0.1:9")  # not yet pointing at the county
    new_case(app)
    code = json.loads(
        county_cli("enrol-code", "--db", sqlite_county.db_url, "--office", "H01", "--json")
    )["code"]
    keyring_file = tmp_path / "credentials"
    out = cli_json(
        app, keyring_file, "sync", "enrol", "--server", sqlite_county.url, "--code", code, "--json"
    )
    assert out["device_key"] == "H01-01"
    # The service account's own store: private to it, outside settings and database.
    assert oct(keyring_file.stat().st_mode & 0o777) == "0o700"
    stored = json.loads((keyring_file / "credentials.json").read_text())
    [entry] = list(stored)  # named after this data directory's own identity
    assert entry.startswith("eservice-desktop\x1fcounty:H01-01:")
    secret = stored[entry]
    settings_text = (app.settings.data_dir / "settings.json").read_text()
    assert sqlite_county.url in settings_text and secret not in settings_text
    env = env_for(app, keyring_file)
    env.pop("ESERVICE_COUNTY_URL")  # the URL now comes from settings.json
    once = subprocess.run(
        office_cli(app, keyring_file, "sync", "once", "--json"),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = json.loads(once.stdout)
    # received and the fee assessed at intake
    assert data["ok"] and data["pushed"] == 2 and data["pending"] == 0
    stats = json.loads(county_cli("stats", "--db", sqlite_county.db_url, "--json"))
    assert stats["offices"]["H01"] == {"events": 2, "cases": 1, "conflicts": 0}
    # the round's line in the user's language: zh-TW said "pushed 0  duplicates 0 …"
    zh = "已上傳 0 筆（重複 0）　衝突 0　已下載 0 筆　待上傳 0 筆"
    en = "pushed 0  duplicates 0  conflicts 0  pulled 0  pending 0"
    for lang, said in (("zh_TW", zh), ("en", en)):
        text = subprocess.run(
            office_cli(app, keyring_file, "--lang", lang, "sync", "once"),
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert text.returncode == 0 and text.stdout.strip() == said, text
    # the county is gone: exit 1, a JSON answer, nothing lost
    sqlite_county.stop()
    new_case(app)
    failed = subprocess.run(
        office_cli(app, keyring_file, "sync", "once", "--json"),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 1
    assert json.loads(failed.stdout) == {
        "ok": False,
        "error": "Offline",
        "detail": json.loads(failed.stdout)["detail"],
        "pending": 2,
    }
