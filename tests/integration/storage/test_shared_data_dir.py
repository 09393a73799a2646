"""The .deb's shared data directory (setgid 2770, owned by the sync service's account
``eservice``, the clerks in its group) used by two real accounts: the service's and a clerk's.

The first program to write a log made the log folder and file its own only (0700, 0600): after
the .deb's ``db upgrade`` as ``eservice`` every clerk's command and window stopped with
無法存取 …/logs/eservice.log（沒有權限）, and the other way round the service could not start.

Each account runs in a child process of this one that has taken that account's ids (the
interpreter lives under /root, which no other account may read, so the child is forked after
the modules the commands need are loaded)."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import factories
import pytest
from operator_support import sign_in

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services.core import App, open_app
from eservice_desktop.storage import dbkey
from eservice_desktop.storage.sealed import Sealer

#: A PNG of one pixel (the attachments' check reads its signature and header).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
SERVICE, CLERK = 5000, 5001  # uid 5000 and its group: ``eservice``; 5001: a clerk in that group


@pytest.fixture
def shared() -> Iterator[Path]:
    if os.geteuid() != 0 or not hasattr(os, "fork"):
        pytest.fail("needs root to act as two accounts (the test machine runs the suite as root)")
    top = Path(tempfile.mkdtemp(prefix="eservice-shared-", dir="/tmp"))
    top.chmod(0o755)
    data = top / "office"
    data.mkdir()
    os.chown(data, SERVICE, SERVICE)
    data.chmod(0o2770)  # as the .deb's postinst makes /var/lib/eservice-desktop
    for name, mode in (("keys", 0o2750), ("backups", 0o2770)):
        (data / name).mkdir()
        os.chown(data / name, SERVICE, SERVICE)
        (data / name).chmod(mode)
    try:
        yield data
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _as(uid: int, *argv: str) -> int:
    """``eservice-desktop ARGV`` as account ``uid`` (group ``eservice`` among its groups) with
    the .deb wrapper's umask 007; its exit status."""
    return _run_as(uid, lambda: main(list(argv)))


def _run_as(uid: int, fn: Callable[[], int]) -> int:
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        code = 70
        try:
            os.setgroups([SERVICE])
            os.setgid(uid)
            os.setuid(uid)
            os.umask(0o007)
            code = fn()
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _signed_in(data: Path) -> App:
    app = open_app(Settings(data_dir=data))
    sign_in(app)
    return app


def _made(shared: Path) -> None:
    """The postinst's ``db upgrade`` as the service's account, and its chmod g+rw."""
    assert _as(SERVICE, "--data-dir", str(shared), "db", "upgrade") == 0
    for suffix in ("", "-wal", "-shm", ".lock"):
        f = shared / f"eservice.sqlite3{suffix}"
        if f.exists():
            f.chmod(0o660)


def _warm(where: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every module the commands use, loaded while /root is readable."""
    assert main(["--data-dir", str(where), "db", "upgrade"]) == 0
    assert main(["--data-dir", str(where), "db", "current"]) == 0
    number = factories.new_case(_signed_in(where))
    picture = where / "scan.png"
    picture.write_bytes(PNG)
    assert main(["--data-dir", str(where), "case", "attach", number, str(picture)]) == 0
    capsys.readouterr()


def test_the_service_s_account_and_a_clerk_share_the_logs(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _warm(tmp_path / "warm", capsys)
    _made(shared)
    assert _as(CLERK, "--data-dir", str(shared), "--lang", "en", "db", "current") == 0, (
        capsys.readouterr().err
    )
    assert "logs/eservice.log" not in capsys.readouterr().err
    logs = shared / "logs"
    assert stat.S_IMODE(logs.stat().st_mode) == 0o2770
    assert stat.S_IMODE((logs / "eservice.log").stat().st_mode) == 0o660
    text = (logs / "eservice.log").read_text(encoding="utf-8")
    assert text.count("database") >= 1  # both accounts' lines in the one file


def test_the_service_s_account_reads_a_clerk_s_attachment_to_upload_it(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clerk's attachment was sealed in a folder of the clerk's alone: the sync service
    could not read it to upload it, and every one of its rounds failed there (the pull after
    it too), as did another clerk's window's."""
    _warm(tmp_path / "warm", capsys)
    _made(shared)
    picture = shared.parent / "scan.png"  # where the clerk can read it
    picture.write_bytes(PNG)
    picture.chmod(0o644)

    def intake_and_attach() -> int:
        number = factories.new_case(_signed_in(shared))
        return main(["--data-dir", str(shared), "case", "attach", number, str(picture)])

    assert _run_as(CLERK, intake_and_attach) == 0, capsys.readouterr().err
    (sealed,) = (shared / "attachments").glob("*/*.sealed")

    def read_as_the_uploader_does() -> int:
        sealer = Sealer(dbkey.database_key(Settings(data_dir=shared), create=False))
        return 0 if sealer.read(sealed) == PNG else 1

    assert _run_as(SERVICE, read_as_the_uploader_does) == 0
    assert stat.S_IMODE(sealed.parent.stat().st_mode) == 0o2770
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o660


def test_a_clerk_s_backup_does_not_lock_the_service_out_of_its_own(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first backup made ``backups/.backup.lock`` its taker's alone (0600): every later
    backup of another account (the service's hourly ones, a clerk's at the closing) stopped
    with 無法存取 …/.backup.lock（沒有權限）."""
    _warm(tmp_path / "warm", capsys)
    assert main(["--data-dir", str(tmp_path / "warm"), "backup", "now"]) == 0
    _made(shared)
    assert _as(CLERK, "--data-dir", str(shared), "backup", "now") == 0
    assert _as(SERVICE, "--data-dir", str(shared), "backup", "now") == 0
    assert _as(CLERK, "--data-dir", str(shared), "backup", "now") == 0
    assert stat.S_IMODE((shared / "backups" / ".backup.lock").stat().st_mode) == 0o660
    assert list((shared / "backups").glob("eservice-*-manual-*.sqlite3"))  # one a second


def test_a_clerk_reads_the_revocation_list_the_service_took_from_the_county(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A revocation list the sync service wrote (it comes with the county's changes) was its
    own alone (0600): every MOICA card check of a clerk's window stopped on it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cards"))
    import cards_pki as cp

    from eservice_desktop.devices import crl as crlmod
    from eservice_desktop.devices import pki

    tpki = cp.shared_pki()[0]
    store = pki.TrustStore.load(tpki.write_anchors(tmp_path / "anchors"))
    revoked = 10**20 + 7
    der = cp.big_crl(tpki.intermediate, [revoked], cp.NOW, cp.NOW + timedelta(days=1))
    info, canon, serials = crlmod.verify(der, store)
    _warm(tmp_path / "warm", capsys)
    _made(shared)

    def as_the_service() -> int:
        crlmod.store_files(shared, info, canon, serials)
        return 0

    def as_a_clerk() -> int:
        crlmod._SETS._sets.clear()  # a window of its own: the list read from the file
        return 0 if crlmod.is_revoked(shared, info, revoked) else 1

    assert _run_as(SERVICE, as_the_service) == 0
    assert _run_as(CLERK, as_a_clerk) == 0
