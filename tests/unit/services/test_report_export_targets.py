"""The reports through the real command line: a report given several files (``--csv``,
``--xlsx``, ``--pdf``) writes all of them or none (exit 2, one line in the user's language),
whatever makes one of them impossible; a bad date says which option and what it got."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.storage import dbkey

PERIOD = ("--from", "2026-03-01", "--to", "2026-03-31")


@pytest.fixture
def run(
    tmp_path: Path, template_db: Path, db_key_dir: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    data = tmp_path / "data"
    (data / "keys").mkdir(parents=True)
    shutil.copy(template_db, data / "eservice.sqlite3")
    shutil.copy(db_key_dir / dbkey.KEY_FILE, data / "keys" / dbkey.KEY_FILE)

    def call(*argv: str, lang: str = "en") -> tuple[int, str, str]:
        try:
            rc = main(["--data-dir", str(data), "--office", "H01", "--device", "01",
                       "--lang", lang, *argv])  # fmt: skip
        except SystemExit as e:  # argparse refusals
            rc = int(e.code or 0)
        out = capsys.readouterr()
        return rc, out.out, out.err

    return call


@pytest.mark.parametrize("lang", ["en", "zh_TW"])
def test_a_file_whose_folder_is_a_file_leaves_none_of_the_others_written(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path, lang: str
) -> None:
    """``--csv`` fine and ``--pdf`` under a regular file: the check before writing passed the
    PDF (nothing at its path), the CSV was written, then the PDF's folder could not be made:
    exit 2 saying ``File exists``, and the CSV left behind though the command failed."""
    blocker = tmp_path / "closing.csv"
    blocker.write_text("not a folder")
    csv = tmp_path / "usage.csv"
    rc, out, err = run(
        "report", "usage", *PERIOD, "--csv", str(csv), "--pdf", str(blocker / "u.pdf"), lang=lang
    )
    assert rc == 2 and out == "" and err.count("\n") == 1, (out, err)
    assert str(blocker) in err and "File exists" not in err, err
    assert ("not a folder" in err) == (lang == "en") and ("不是資料夾" in err) == (lang != "en")
    assert not csv.exists()
    assert blocker.read_text() == "not a folder"


def test_a_folder_that_takes_no_file_leaves_none_of_the_others_written(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """/proc exists and is a folder, but no file can be made in it (even by root): found only
    when the PDF was written, after the CSV."""
    csv = tmp_path / "usage.csv"
    rc, out, err = run("report", "usage", *PERIOD, "--csv", str(csv), "--pdf", "/proc/u.pdf")
    assert rc == 2 and out == "" and err.count("\n") == 1, (out, err)
    assert "/proc/u.pdf" in err and ".part" not in err, err
    assert not csv.exists()


def test_a_report_never_replaces_the_office_database(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """A report without personal data may go anywhere: ``--xlsx DATA_DIR/eservice.sqlite3``
    replaced the office database with a workbook."""
    database = tmp_path / "data" / "eservice.sqlite3"
    before = database.read_bytes()
    for argv in (("usage", *PERIOD, "--xlsx"), ("targets", *PERIOD, "--csv")):
        rc, out, err = run("report", *argv, str(database))
        assert rc == 2 and out == "" and "cannot be overwritten" in err, (out, err)
    assert database.read_bytes() == before


def test_missing_folders_are_still_made(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    target = tmp_path / "new" / "deeper" / "usage.csv"
    rc, _out, err = run("report", "usage", *PERIOD, "--csv", str(target))
    assert rc == 0 and target.read_bytes().startswith(b"\xef\xbb\xbf"), err
    assert [p.name for p in target.parent.iterdir()] == ["usage.csv"]  # no probe left


@pytest.mark.parametrize("lang", ["en", "zh_TW"])
def test_two_formats_aimed_at_one_file_are_refused(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path, lang: str
) -> None:
    """``--csv out.csv --xlsx out.csv``: the workbook replaced the CSV and the command listed
    both as written, exit 0. The same file by another spelling (``./``, ``..``) too."""
    target = tmp_path / "usage.csv"
    other = tmp_path / "sub" / ".." / "usage.csv"
    rc, out, err = run(
        "report", "usage", *PERIOD, "--csv", str(target), "--xlsx", str(other), "--json", lang=lang
    )
    assert rc == 2 and err.count("\n") == 1, (out, err)
    assert "--csv" in err and "--xlsx" in err and "usage.csv" in err, err
    assert ("same file" in err) == (lang == "en") and ("同一個檔案" in err) == (lang != "en")
    assert '"error": "export.same_file"' in out, out
    assert not target.exists()


@pytest.mark.parametrize(
    ("argv", "option", "western"),
    [
        (
            ("usage", "--from", "115-03-01", "--to", "2026-04-01", "--csv", "F"),
            "--from",
            "2026-03-01",
        ),
        (("usage", "--from", "2026-03-01", "--to", "115/4/30", "--csv", "F"), "--to", "2026-04-30"),
        (("closing", "--date", "1151203", "--out", "F"), "--date", "2026-12-03"),
        (("closing", "--date", "999-01-01", "--out", "F"), "--date", ""),  # not 2910-01-01
        (("reconciliation", "--from", "2026-03-01", "--to", "2026-3-1x", "--out", "F"), "--to", ""),
    ],
)
def test_a_bad_date_names_its_option_and_a_roc_year_its_western_day(
    run: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
    argv: tuple[str, ...],
    option: str,
    western: str,
) -> None:
    """Every bad date said only ``Use YYYY-MM-DD``: not which of the period's two dates, not what
    was typed, and nothing of the ROC year every print of the counter shows (``115/03/01``)."""
    target = tmp_path / "out.csv"
    argv = tuple(str(target) if a == "F" else a for a in argv)
    for lang in ("en", "zh_TW"):
        rc, out, err = run("report", *argv, lang=lang)
        assert rc == 2 and out == "" and err.count("\n") == 1, (out, err)
        assert option in err and "YYYY-MM-DD" in err and argv[argv.index(option) + 1] in err, err
        assert (western in err) if western else ("ROC" not in err and "民國" not in err), err
    assert not target.exists()


@pytest.mark.parametrize("day", ["2026-12-04", "2099-12-31"])
def test_a_closing_of_a_day_still_to_come_is_refused(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path, day: str
) -> None:
    """``report closing --date 2099-12-31`` wrote an empty closing, signature lines and all, for
    a day whose money had not come in: exit 0, and a backup taken as for a closing."""
    from eservice_desktop.services import core

    today = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 11:00 in Taipei
    target = tmp_path / "closing.csv"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core, "system_clock", lambda: today)
        for lang, said in (("en", "has not come yet"), ("zh_TW", "尚未到來")):
            rc, out, err = run("report", "closing", "--date", day, "--out", str(target), lang=lang)
            assert rc == 2 and out == "" and said in err and err.count("\n") == 1, (out, err)
            assert not target.exists()
        rc, out, err = run("report", "closing", "--date", "2026-12-03", "--out", str(target))
        assert rc == 0 and target.exists(), (out, err)


def test_a_line_break_or_escape_in_a_file_name_is_not_echoed_raw(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """A file's name came back raw in the lines that follow: a pasted line break split them, an
    escape sequence reached the terminal. Such a name, which Windows cannot hold either, is
    refused (``file.bad_name``) and shown escaped as every refusal shows it; nothing written."""
    name = "a\nb\x1b[2J"
    commands = [
        ("on-time", *PERIOD, "--csv", str(tmp_path / f"{name}.csv")),
        ("closing", "--date", "2026-03-02", "--out", str(tmp_path / f"{name}.pdf")),
        ("reconciliation", *PERIOD, "--out", str(tmp_path / f"r{name}.csv")),
    ]
    for argv in commands:
        rc, out, err = run("report", *argv)
        assert rc == 2, (argv, out, err)
        assert "\x1b" not in err and err.count("\n") == 1, (argv, err)
        assert "U+000A" in err and "Windows" in err, err
    assert list(tmp_path.glob("*\n*")) == []
    deep = tmp_path / ("d" * 200) / "usage.csv"  # a long name is echoed whole, not elided
    rc, out, _err = run("report", "on-time", *PERIOD, "--csv", str(deep))
    assert rc == 0 and f"CSV: {deep}\n" in out and f"{deep} holds personal data" in out, out


def test_a_command_follows_the_county_clock_the_last_sync_learned(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """The window and ``sync run`` date what they do by the county's clock (the offset each sync
    learns); every other command went by this PC's: on a PC a day behind, ``report closing`` of
    the county's today was refused as a day still to come (and an intake or a payment was dated
    the day before)."""
    from eservice_desktop.config import Settings
    from eservice_desktop.services import core
    from eservice_desktop.services.sync.state import set_state

    pc = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 11:00 in Taipei; the county says 12-04
    app = core.open_app(Settings(data_dir=tmp_path / "data", office_code="H01", device_id="01"))
    with app.transaction() as s:
        set_state(s, "clock_offset_s", "86400.0", pc)
    app.close()
    target = tmp_path / "closing.csv"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core, "system_clock", lambda: pc)
        rc, out, err = run("report", "closing", "--date", "2026-12-04", "--out", str(target))
    assert rc == 0 and target.exists(), (out, err)


def test_the_period_is_shown_with_the_roc_year(run: Callable[..., tuple[int, str, str]]) -> None:
    """The text said ``2026-03-01 ~ 2026-03-31`` under a title every print dates in ROC years;
    the JSON keeps ISO 8601."""
    for lang in ("zh_TW", "en"):
        rc, out, err = run("report", "usage", *PERIOD, lang=lang)
        assert rc == 0 and out.splitlines()[0].endswith("  115/03/01 ~ 115/03/31"), (out, err)
    rc, out, _ = run("report", "usage", *PERIOD, "--json")
    assert rc == 0 and '"from": "2026-03-01"' in out


@pytest.mark.parametrize("typed", [" 2026-03-01 ", "2026-03-01\u200b", "２０２６－０３－０１"])
def test_a_date_pasted_with_spaces_or_typed_full_width_is_read(
    run: Callable[..., tuple[int, str, str]], typed: str
) -> None:
    """Refused as ``--from must be a date YYYY-MM-DD (got '2026-03-01')``: the space or the
    zero-width space a page pasted along was not seen in the message, nor was the full-width
    form a Chinese IME types told from the one asked for."""
    rc, out, err = run("report", "usage", "--from", typed, "--to", "2026-03-31", "--json")
    assert rc == 0 and '"from": "2026-03-01"' in out, (out, err)


@pytest.mark.parametrize(
    ("argv", "day"),
    [
        (("usage", "--from", "2026-02-29", "--to", "2026-03-31"), "2026-02-29"),
        (("closing", "--date", "2026-04-31", "--out", "x.csv"), "2026-04-31"),
        (("access", "--action", "signin", "--from", "2026-02-29T10:00"), "2026-02-29"),
    ],
)
def test_a_day_that_does_not_exist_is_said_so(
    run: Callable[..., tuple[int, str, str]], argv: tuple[str, ...], day: str
) -> None:
    """``2026-02-29`` was told to be written ``YYYY-MM-DD``, which it was."""
    for lang, said in (("en", f"there is no such day as {day}"), ("zh_TW", f"{day} 這一天不存在")):
        rc, out, err = run("report", *argv, lang=lang)
        assert rc == 2 and out == "" and said in err, (out, err)


def test_a_date_out_of_range_names_its_option(run: Callable[..., tuple[int, str, str]]) -> None:
    """``The date must be within 2000..2099`` did not say which of the period's two dates."""
    rc, _out, err = run("report", "usage", "--from", "2026-03-01", "--to", "9999-12-31")
    assert rc == 2 and err == "--to must be within 2000..2099 (got '9999-12-31')\n", err


@pytest.mark.parametrize(
    ("argv", "western"),
    [
        (("report", "access", "--action", "signin", "--from", "115/12/31"), "2026-12-31"),
        (("deadline", "--received", "115/12/31T23:59", "--working-days", "1"), "2026-12-31T23:59"),
        (("deadline", "--received", "民國116年1月1日", "--working-days", "1"), "2027-01-01"),
        (("deadline", "--received", "2026-12-31T25:00", "--working-days", "1"), ""),
    ],
)
def test_a_time_written_with_the_roc_year_is_told_its_western_form(
    run: Callable[..., tuple[int, str, str]], argv: tuple[str, ...], western: str
) -> None:
    """``report access --from 115/12/31`` (the access log across the year's turn, the day as
    the counter's lists show it) and ``deadline --received 115/12/31T23:59`` said only
    「時間格式錯誤（ISO 8601）」, while ``report on-time --from 115/12/31`` names the Western
    day to write: a time's ROC day is told its Western form too."""
    for lang in ("en", "zh_TW"):
        rc, out, err = run(*argv, lang=lang)
        assert rc == 2 and out == "" and err.count("\n") == 1, (out, err)
        typed = next(v for v in argv if v[:1] in ("1", "2", "民"))  # the time as typed
        assert "ISO 8601" in err and typed in err, err
        if western:
            assert f"{'民國年請換算為西元：' if lang == 'zh_TW' else 'ROC year): '}{western}" in err
        else:
            assert "ROC" not in err and "民國" not in err, err


@pytest.mark.parametrize(("typed", "zh", "en"), [
    ("116/02/29", "116/02/29 這一天不存在", "no such day as 116/02/29 (ROC year)"),
    ("民國117年2月29日", "民國年請換算為西元：2028-02-29", "(not the ROC year): 2028-02-29"),
])  # fmt: skip
def test_a_leap_day_written_with_the_roc_year_is_said_to_exist_or_not(
    run: Callable[..., tuple[int, str, str]], typed: str, zh: str, en: str
) -> None:
    """``report usage --from 116/02/29`` (a leap day the supervisor thought 116 had) was told
    only to write YYYY-MM-DD; written 2027-02-29 it was then refused as no such day. Said at
    once now, and 117/02/29, which exists, is told its Western day."""
    for lang, said in (("zh_TW", zh), ("en", en)):
        rc, out, err = run("report", "usage", "--from", typed, "--to", "2028-03-31", lang=lang)
        assert rc == 2 and out == "" and err.count("\n") == 1 and said in err, err
