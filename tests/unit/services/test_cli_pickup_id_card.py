"""``pickup verify|handover --applicant-id ID [--pickup-number N]`` as a clerk types it: the
ID-card pickup with the token path's JSON and exit codes, bad input exit 2 in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cli_refusal_support import Run, cli_runner, office_with_accounts
from pickup_support import sms_ready

from eservice_desktop.config import Settings
from eservice_desktop.services.core import App

ID = "A123456789"


@pytest.fixture
def office(make_app: Callable[[Settings], App], settings: Settings) -> Settings:
    return office_with_accounts(make_app, settings)


@pytest.fixture
def run(
    office: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    return cli_runner(office, capsys, monkeypatch)


def test_an_sms_case_is_handed_over_on_the_id_card(
    make_app: Callable[[Settings], App], office: Settings, run: Run
) -> None:
    app = make_app(office)
    number = sms_ready(app)
    app.close()
    code, found, _ = run("pickup", "verify", "--applicant-id", ID)
    assert code == 0 and found["ok"] and found["case_number"] == number, found
    assert found["case"]["applicant_id_masked"] == "A12345****" and found["via"] == "id_card"
    handover = ("pickup", "handover", "--applicant-id", ID, "--pickup-number", "6249")
    code, done, _ = run(*handover)
    assert code == 0 and done["handed_over"] is True and done["via"] == "id_card", done
    code, again, _ = run(*handover)
    assert code == 3 and again["reason"] == "already_picked_up", again
    code, text, _ = run(*handover, json_out=False, lang="en")
    assert code == 3 and text.startswith("already_picked_up: Case "), text


@pytest.mark.parametrize(
    ("argv", "error", "zh", "en"),
    [
        (
            ("--applicant-id", "A123456788"),
            "id.checksum",
            "身分證字號檢查碼錯誤，請再核對一次",
            "The national ID number's check digit is wrong; please check it again",
        ),
        (
            ("--applicant-id", ID, "--pickup-number", "62"),
            "pickup.pickup_number",
            "領件號碼須為簡訊中的 4 位數字（例如 6249）：62",
            "The pickup number is the 4 digits in the SMS (e.g. 6249): 62",
        ),
        (
            ("0427-K7M3", "--pickup-number", "6249"),
            "pickup.pickup_number_alone",
            "--pickup-number 只用於 --applicant-id（持身分證領件）；掃描的領件碼已含領件號碼",
            "--pickup-number goes with --applicant-id (pickup with the ID card); a scanned code"
            " already holds its pickup number",
        ),
    ],
)
def test_bad_input_exits_2_saying_why_in_both_languages(
    run: Run, argv: tuple[str, ...], error: str, zh: str, en: str
) -> None:
    code, refused, err = run("pickup", "handover", *argv)
    assert code == 2 and refused["error"] == error and err == zh + "\n", (refused, err)
    code, _, err = run("pickup", "handover", *argv, lang="en", json_out=False)
    assert code == 2 and err == en + "\n"


def test_a_code_or_an_id_card_one_of_them(run: Run) -> None:
    code, _, err = run("pickup", "handover", json_out=False)
    assert code == 2 and "須指定下列參數之一" in err and "--applicant-id" in err, err
    code, _, err = run("pickup", "verify", "0427-K7M3", "--applicant-id", ID, json_out=False)
    assert code == 2 and "不可與" in err, err
