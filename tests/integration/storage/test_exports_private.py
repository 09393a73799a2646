"""Every ``--out`` export through the real command line: personal data never lands in clear in
the data directory (refused there, exit 2, nothing written); outside it a file with personal
data is owner-only (0600) and the command says so; one without is an ordinary file. The data
directory is then read as bytes and the test's name and ID number are not in it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from factories import request

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.services import exports, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import intake

NAME, ID = "王小明", "A123456789"
DAY = "2026-03-10"  # the fixture clock's day in Taipei: the receipt's day


def _clear_in(folder: Path) -> list[str]:
    """Files under ``folder`` in which the name or the ID number can be read."""
    found = []
    needles = [n.encode(enc) for n in (NAME, ID) for enc in ("utf-8", "utf-16-le", "big5")]
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if any(n in data for n in needles):
            found.append(str(path))
        elif data.startswith(b"%PDF"):
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=False
            ).stdout
            if NAME in text or ID in text:
                found.append(str(path))
    return found


def _run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    try:
        code = main(["--data-dir", str(data), *args, "--json"])
    except SystemExit as e:  # argparse refusals
        code = int(e.code or 0)
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


def test_exports_with_personal_data_are_refused_in_the_data_directory(
    paid_office: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    data, number = paid_office
    before = {p for p in data.rglob("*")}
    inside = data / "exports"
    attempts: list[tuple[str, ...]] = [
        ("receipt", "pdf", number, "--out", str(inside / "r.pdf")),
        ("report", "closing", "--date", DAY, "--out", str(data / "closing.csv")),
        ("report", "closing", "--date", DAY, "--out", str(inside / "closing.pdf")),
        ("pickup", "slip", number, "--out", str(inside / "slip.pdf")),
        ("pickup", "render-mms", number, "--out", str(data / "mms.png")),
    ]
    for args in attempts:
        code, out = _run(capsys, data, *args)
        assert code == 2, (args, out)
        assert out["error"] == "export.in_data_dir" and out["field"] == "out", out
        assert "資料目錄" in out["message"] or "data directory" in out["message"]
    after = {p for p in data.rglob("*")}
    new = {p for p in after - before if p.is_file() and not {"backups", "logs"} & set(p.parts)}
    assert new == set()  # no export file, no half-written part file
    assert _clear_in(data) == []


def test_exports_outside_are_owner_only_and_say_so(
    paid_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, number = paid_office
    desk = tmp_path / "desk"
    os.umask(0o022)
    code, receipt = _run(capsys, data, "receipt", "pdf", number, "--out", str(desk / "r.pdf"))
    assert code == 0, receipt
    assert receipt["personal_data"] is True and receipt["mode"] == "0600"
    assert (desk / "r.pdf").stat().st_mode & 0o777 == 0o600
    assert _clear_in(desk) == [str(desk / "r.pdf")]  # clear, as asked for, but owner-only
    for suffix in ("csv", "pdf"):
        target = desk / f"closing.{suffix}"
        code, closing = _run(capsys, data, "report", "closing", "--date", DAY, "--out", str(target))
        assert code == 0 and closing["personal_data"] is True and closing["mode"] == "0600"
        assert target.stat().st_mode & 0o777 == 0o600
    target = desk / "recon.csv"
    code, recon = _run(
        capsys, data, "report", "reconciliation", "--from", DAY, "--to", DAY, "--out", str(target)
    )
    assert code == 0 and recon["personal_data"] is False and recon["mode"] == "0644"
    # the text form tells the operator
    main(["--data-dir", str(data), "receipt", "pdf", number, "--out", str(desk / "again.pdf")])
    text = capsys.readouterr().out
    assert "含個人資料" in text and "0600" in text
    # (a second reprint would need a supervisor's approval: the English notice on the closing)
    en = ["--data-dir", str(data), "--lang", "en", "report", "closing", "--date", DAY]
    main([*en, "--out", str(desk / "closing-en.pdf")])
    assert "readable by this account only (0600)" in capsys.readouterr().out
    assert _clear_in(data) == []  # nothing of it was left in the data directory


def test_write_replaces_a_wider_file_and_leaves_no_part_file(
    settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "list.csv"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o644)
    written = exports.write(settings, target, NAME.encode(), personal=True)
    assert target.read_bytes() == NAME.encode() and written.mode == 0o600
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["list.csv"]
    link = tmp_path / "into-data"
    link.symlink_to(settings.data_dir, target_is_directory=True)
    with pytest.raises(Exception, match="data directory"):
        exports.write(settings, link / "sneaky.csv", b"x", personal=True)
    assert not (settings.data_dir / "sneaky.csv").exists()


def _device(path: Path, minor: int) -> Path:
    """A character device node of the memory driver (3: null, 7: full) at ``path``."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("no permission to make a device node here")
    return path


def test_an_export_to_a_device_is_refused_and_never_replaces_it(
    paid_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--out /dev/null`` or a full disk's ``/dev/full``: refused before anything is written,
    and the device stays a device (the atomic rename, run as root, put a file with the payer's
    name in its place). A device cannot keep the 0600 promise of a personal export."""
    data, number = paid_office
    dev = tmp_path / "dev"
    dev.mkdir()
    full, null = _device(dev / "full", 7), _device(dev / "null", 3)
    for args in (
        ("receipt", "pdf", number, "--out", str(full)),
        ("receipt", "pdf", number, "--out", str(null)),
        ("report", "closing", "--date", DAY, "--out", str(_device(dev / "full.csv", 7))),
    ):
        code, out = _run(capsys, data, *args)
        assert code == 2 and out["error"] == "export.not_a_file", out
        assert args[-1] in out["message"]
    for node in dev.iterdir():
        assert stat.S_ISCHR(node.stat().st_mode), node
    assert sorted(p.name for p in dev.iterdir()) == ["full", "full.csv", "null"]


def test_gui_closing_save_follows_the_same_rule(app: App, tmp_path: Path) -> None:
    """The payments page saves the closing through services.daily_closing.write_closing."""
    from datetime import date

    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services import daily_closing

    number = intake(app, request()).case_number
    payments.record_payment(app, number, "cash", 15)
    with pytest.raises(DomainError) as refused:
        daily_closing.write_closing(app, date(2026, 3, 10), app.settings.data_dir / "c.pdf")
    assert refused.value.code == "export.in_data_dir"
    assert not (app.settings.data_dir / "c.pdf").exists()
    out = tmp_path / "c.pdf"
    daily_closing.write_closing(app, date(2026, 3, 10), out)
    assert out.stat().st_mode & 0o777 == 0o600
