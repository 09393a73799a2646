"""``--lang en``: what the command line prints for people is English (user data aside), and
its errors too; the JSON stays the same whatever the language."""

from __future__ import annotations

import json
import re

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings

HAN = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uff01-\uff1f]")
USER = ("王小明", "桃園段 0012-0000", "地號誤繕", "缺少委託書")


def run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(settings.data_dir), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def english(text: str) -> bool:
    for item in USER:
        text = text.replace(item, "")
    return not HAN.search(text)


def test_case_commands_speak_english(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    # a land service, taken in at a land office (a household office's roles refuse it)
    Settings(data_dir=settings.data_dir, office_code="L01").save()
    intake = [
        "case",
        "intake",
        "--service",
        "LR-CORRECTION",
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
        "--received",
        "2026-03-10T10:00",
        "--field",
        "parcel=桃園段 0012-0000",
        "--field",
        "correction=地號誤繕",
    ]
    code, out, _ = run(settings, capsys, "--lang", "en", *intake)
    assert code == 0 and english(out), out
    assert "Correction of a registration" in out and "due 115/03/12" in out
    number = out.split()[0]
    # a receipt cannot lie in the future: the provisional mark is shown by `deadline`
    code, out, _ = run(
        settings,
        capsys,
        "--lang",
        "en",
        "deadline",
        "--received",
        "2027-12-30T10:00",
        "--working-days",
        "5",
    )
    assert code == 0 and english(out) and "(provisional" in out, out
    code, out, _ = run(settings, capsys, "--lang", "en", "case", "show", number)
    assert code == 0 and english(out), out
    assert "status_label: Received" in out
    code, out, _ = run(
        settings, capsys, "--lang", "en", "case", "supplement", number, "--reason", "缺少委託書"
    )
    assert code == 0 and out.strip() == f"{number}: Supplement requested"
    # the same command in Chinese, and the JSON is the same in both languages
    code, out, _ = run(settings, capsys, "case", "show", number)
    assert "status_label: 補正中" in out and "service_name: 更正登記" in out
    zh = json.loads(run(settings, capsys, "case", "show", number, "--json")[1])
    en = json.loads(run(settings, capsys, "--lang", "en", "case", "show", number, "--json")[1])
    assert zh == en


def test_catalogue_list_in_english(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(settings, capsys, "--lang", "en", "catalog", "list")
    assert code == 0 and english(out), out
    assert "Household registration transcript" in out and "working days" in out


def test_errors_speak_english(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(settings, capsys, "--lang", "en", "case", "show", "H01-01-115-000001-3")
    assert code == 2 and err.strip() == "No such case"
    code, _, err = run(
        settings,
        capsys,
        "--lang",
        "en",
        "deadline",
        "--received",
        "yesterday",
        "--working-days",
        "3",
    )
    assert code == 2 and english(err) and "ISO 8601" in err


def test_a_wrong_choice_says_what_each_choice_means_in_english(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The values typed for a choice field are the stored zh-TW ones; the English refusal
    listed "must be one of 現戶, 全戶, 個人", words an English reader could not tell apart."""
    intake = [
        *("case", "intake", "--service", "HR-TRANSCRIPT", "--applicant-id", "A123456789"),
        *("--applicant-name", "王小明", "--field", "registered_address=桃園市桃園區中正路1號"),
        *("--field", "transcript_kind=whole", "--field", "record_detail=詳細記事"),
    ]
    code, out, err = run(settings, capsys, "--lang", "en", *intake)
    assert (code, out) == (2, ""), err
    assert err.strip() == (
        "transcript_kind: Transcript kind must be one of 現戶 (Current household members), "
        "全戶 (Whole household), 個人 (Individual)"
    ), err
    code, out, err = run(settings, capsys, *intake)
    assert (code, out) == (2, "") and "謄本種類只能是：現戶、全戶、個人" in err, err
    intake[intake.index("transcript_kind=whole")] = "transcript_kind=全戶"
    code, out, err = run(settings, capsys, "--lang", "en", *intake)
    assert code == 0 and "Household registration transcript" in out, (out, err)
