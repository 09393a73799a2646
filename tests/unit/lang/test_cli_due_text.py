"""What ``case intake`` prints for the deadline in each language: the due date, or why there is
none yet (a fee due stops the clock until it is paid); it printed "due None" for those."""

from __future__ import annotations

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings

TRANSCRIPT = [
    "case",
    "intake",
    "--service",
    "LR-LAND-TRANSCRIPT",
    "--applicant-id",
    "A123456789",
    "--applicant-name",
    "王小明",
    "--received",
    "2026-03-10T10:00",
    "--field",
    "parcel=桃園段 0012-0000",
    "--field",
    "register_kind=土地",
    "--field",
    "register_era=人工登記簿",
]


def intake(settings: Settings, capsys: pytest.CaptureFixture[str], lang: str) -> str:
    code = main(["--data-dir", str(settings.data_dir), "--lang", lang, *TRANSCRIPT])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh_TW", "繳清規費後起算處理期限"),
        ("en", "the time limit starts once the fee is paid"),
    ],
)
def test_a_fee_due_at_intake_says_when_the_time_limit_starts(
    settings: Settings, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    Settings(data_dir=settings.data_dir, office_code="L01").save()
    out = intake(settings, capsys, lang)
    assert said in out, out
    assert "None" not in out


@pytest.mark.parametrize(("lang", "said"), [("zh_TW", "到期日 115/03/12"), ("en", "due 115/03/12")])
def test_the_due_date_is_said_with_the_roc_year(
    settings: Settings, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """``deadline`` and ``case intake`` said ``到期日 2026-03-12`` where ``case show`` and every
    print say 115/03/12; the JSON keeps ISO 8601."""
    argv = ["--data-dir", str(settings.data_dir), "--lang", lang, "deadline"]
    code = main([*argv, "--received", "2026-03-10T10:00", "--working-days", "3"])
    out = capsys.readouterr()
    assert code == 0 and out.out.strip() == said, out
