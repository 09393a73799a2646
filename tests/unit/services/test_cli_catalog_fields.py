"""``catalog list --json`` lists each service's intake fields: a script taking cases in with
``case intake --field KEY=VALUE`` had to read the catalogue file inside the installation to
learn a field's key, whether it is required and its choices. The keys it had stay as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.services.core import load_catalogue


def test_each_service_lists_its_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "catalog", "list", "--json"]) == 0
    listed = {s["code"]: s for s in json.loads(capsys.readouterr().out)}
    catalogue = load_catalogue()
    assert set(listed) == {s.code for s in catalogue.services}
    for code, item in listed.items():
        assert set(item) == {
            "code",
            "name",
            "name_en",
            "department",
            "office_kind",
            "time_limit_working_days",
            "requires_moica",
            "mode",
            "fee_items",
            "fields",
        }
        assert [f["key"] for f in item["fields"]] == [f.key for f in catalogue.service(code).fields]
    by_key = {f["key"]: f for f in listed["HR-TRANSCRIPT"]["fields"]}
    assert by_key["transcript_kind"] == {
        "key": "transcript_kind",
        "label": "謄本種類",
        "label_en": "Transcript kind",
        "type": "choice",
        "required": True,
        "choices": ["現戶", "全戶", "個人"],
        "choices_en": ["Current household members", "Whole household", "Individual"],
        "max_length": None,
    }
    assert by_key["registered_address"]["type"] == "address"
    assert by_key["registered_address"]["max_length"] == 120
    assert sum(len(s["fields"]) for s in listed.values()) > len(listed)  # most have some
