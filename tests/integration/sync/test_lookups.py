"""Document-free look-ups (免書證免謄本) end to end on loopback: the county's registry answers a
signed result over real HTTP (SQLite and PostgreSQL county), the office verifies it, keeps it
as a sealed attachment with ``case.lookup_done``, syncs both, and the savings report counts
the case per document looked up (docs/lookups.md)."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select
from sync_helpers import TEST_SECRET, CountyServer, county_cli, enrol, sync_now

from eservice_desktop.county.edge import Limits, RateLimiter
from eservice_desktop.county.store import AttachmentRow
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import case_attachments, cases, lookups, supervisor_reports
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.services.sync.credentials import credential
from eservice_desktop.services.sync.receipts import receipt_keys
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncReferenceRow

SERVICE = "ED-CRAM-SCHOOL-REGISTER"  # 個人戶籍謄本, 土地登記簿謄本, 建物登記簿謄本: 20 NTD each


def _case(app: App, consent: list[str], applicant: str = "A123456789") -> str:
    return intake(
        app,
        IntakeRequest(
            service_code=SERVICE,
            applicant_id=applicant,
            applicant_name="王小明",
            fields={
                "school_name": "桃園示範補習班",
                "school_address": "桃園市桃園區縣府路1號",
                "subject": "英語",
            },
            pickup_method="mail",
            consent=consent,
        ),
    ).case_number


def _seed_registry(county: CountyServer, tmp_path: Path) -> None:
    records = [
        {
            "kind": "household_transcript",
            "subject_id": "A123456789",
            "fields": {"name": "王小明", "registered_address": "桃園市桃園區縣府路1號"},
        },
        {
            "kind": "land_transcript",
            "subject_id": "a123456789",
            "fields": {"owner": "王小明", "parcels": ["桃園區中正段 0123-0000"]},
        },
    ]
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    out = county_cli("registry", "import", str(path), "--db", county.db_url, "--json")
    assert json.loads(out) == {"added": 2, "replaced": 0}


def _events(app: App, case_number: str) -> list[str]:
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        return [r.type for r in s.query(EventRow).filter(EventRow.case_id == case_id)]


def _refused(code: str, call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as e:
        call()
    assert e.value.code == code, e.value.code
    return e.value


def test_lookup_end_to_end_counts_per_document_in_savings(
    county: CountyServer,
    office: Callable[..., App],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _seed_registry(county, tmp_path)
    d03 = office("D03", "01", county.url)
    enrol(d03, county)
    number = _case(d03, ["household_transcript"])
    sync_now(d03)  # brings the county's keys

    done = lookups.run_lookup(d03, number, "household_transcript")
    assert done.fields == {"name": "王小明", "registered_address": "桃園市桃園區縣府路1號"}
    assert done.subject == "A12345****" and not done.consent_recorded
    views = case_attachments.list_attachments(d03, number)
    assert [(v.kind, v.name) for v in views] == [("LOOKUP", done.attachment)]
    assert done.attachment.startswith("免書證查詢-household_transcript-")
    # sealed at rest: neither the name nor the ID in the stored file
    sealed = next((d03.settings.data_dir / "attachments").rglob("*.sealed")).read_bytes()
    assert "王小明".encode() not in sealed and b"A123456789" not in sealed

    # land: no consent on the case -> refused here, nothing stored; with --consent it runs
    before = _events(d03, number)
    _refused("lookup.no_consent", lambda: lookups.run_lookup(d03, number, "land_transcript"))
    assert _events(d03, number) == before
    land = lookups.run_lookup(d03, number, "land_transcript", record_consent=True)
    assert land.consent_recorded and land.fields["owner"] == "王小明"
    state = cases.load_case(d03, number)
    assert state.lookup_kinds == {"household_transcript", "land_transcript"}
    assert state.consent_kinds == {"household_transcript", "land_transcript"}
    assert _events(d03, number)[-2:] == ["case.consent_recorded", "case.lookup_done"]
    kinds = {k.kind: (k.consented, k.done) for k in lookups.kinds_of(d03, number)}
    assert kinds["building_transcript"] == (False, False)
    assert kinds["land_transcript"] == (True, True)

    # a kind the service does not look up, and a subject the registry does not hold
    _refused("lookup.kind", lambda: lookups.run_lookup(d03, number, "factory_registration"))
    other = _case(d03, ["household_transcript"], applicant="F131104093")
    err = _refused(
        "lookup.not_found", lambda: lookups.run_lookup(d03, other, "household_transcript")
    )
    assert "請民眾提供書證" in err.message_zh and "ask the citizen" in err.message_en

    # the events and both results reach the county (the resumable attachment engine)
    sync_now(d03)
    sync_now(d03)
    assert county.count(AttachmentRow) == 2
    assert sum(1 for v in case_attachments.list_attachments(d03, number) if v.uploaded) == 2

    # closed: the savings report counts the two documents looked up, not the third
    cases.close_case(d03, number)
    today = supervisor_reports.today(d03)
    report = supervisor_reports.savings(d03, today - timedelta(days=1), today)
    assert {k: report.totals[k] for k in ("cases", "ntd", "minutes", "sheets")} == {
        "cases": 1, "ntd": 40, "minutes": 40, "sheets": 2,
    }  # fmt: skip

    # the county's report over every office counts the same, from the pushed events
    sync_now(d03)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {credential(d03)}"
    period = {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}
    county_total = http.get(f"{county.url}/v1/reports/savings", params=period, timeout=30).json()[
        "total"
    ]
    assert {k: county_total[k] for k in ("ntd", "minutes", "sheets")} == {
        "ntd": 40, "minutes": 40, "sheets": 2,
    }  # fmt: skip

    # nothing personal in any log record, office or county
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "A123456789" not in text and "王小明" not in text and "F131104093" not in text


def test_county_endpoint_refuses_and_signs(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """SQLite only (the end-to-end test above runs both databases)."""
    county = sqlite_county
    _seed_registry(county, tmp_path)
    d03 = office("D03", "01", county.url)
    enrol(d03, county)
    number = _case(d03, ["household_transcript"])
    sync_now(d03)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {credential(d03)}"
    url = f"{county.url}/v1/lookups"
    body = {
        "case_number": number,
        "service_code": SERVICE,
        "kind": "household_transcript",
        "subject_id": "A123456789",
        "consent": True,
    }
    assert requests.post(url, json=body, timeout=30).status_code == 401
    ok = http.post(url, json=body, timeout=30)
    assert ok.status_code == 200
    result = ok.json()
    assert result["issuer"] == "county" and result["subject"] == "A12345****"
    assert result["case_number"] == number and result["office"] == "D03"
    assert "A123456789" not in ok.text

    def refused(change: dict[str, object]) -> tuple[int, str]:
        r = http.post(url, json=body | change, timeout=30)
        return r.status_code, r.json().get("code", "")

    assert refused({"consent": False}) == (409, "lookup.no_consent")
    assert refused({"kind": "cadastral_map"}) == (400, "lookup.kind")
    assert refused({"service_code": "NO-SUCH"}) == (400, "lookup.service")
    assert refused({"subject_id": "F131104093"}) == (404, "lookup.not_found")
    assert refused({"case_number": "H01-115-1-000001-7"})[0] in (400, 409)

    # the signature: verified with the receipt keys sync brought; any change breaks it
    with d03.reading() as s:
        keys = receipt_keys(s)
    check = {"case_number": number, "kind": "household_transcript", "subject": "A12345****"}
    lookups.verify_result(result, keys, **check)  # type: ignore[arg-type]
    for tampered in (
        result | {"fields": {**result["fields"], "name": "李大華"}},
        result | {"subject": "B12345****"},
        result | {"signature": base64.b64encode(b"\0" * 64).decode()},
        result | {"note": "unsigned text"},
    ):
        with pytest.raises(DomainError) as e:
            lookups.verify_result(tampered, keys, **check)  # type: ignore[arg-type]
        assert e.value.code == "lookup.signature"


def test_result_signed_by_an_untrusted_key_is_refused_and_nothing_stored(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    _seed_registry(sqlite_county, tmp_path)
    d03 = office("D03", "01", sqlite_county.url)
    enrol(d03, sqlite_county)
    number = _case(d03, ["household_transcript"])
    sync_now(d03)
    # the office's trusted county keys replaced by another key under the same ids
    other = base64.b64encode(
        Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
    with d03.transaction() as s:
        row = s.get(SyncReferenceRow, "county_keys")
        assert row is not None
        row.data = {"keys": [{**k, "public_key": other} for k in row.data["keys"]]}
    before = _events(d03, number)
    _refused("lookup.signature", lambda: lookups.run_lookup(d03, number, "household_transcript"))
    assert _events(d03, number) == before
    assert case_attachments.list_attachments(d03, number) == []
    assert not list((d03.settings.data_dir / "attachments").rglob("*.sealed"))


def test_offline_says_ask_the_citizen_and_stores_nothing(office: Callable[..., App]) -> None:
    d03 = office("D03", "01")  # county URL: a closed loopback port
    d03.extras["sync_demo_credential"] = "not-used"
    number = _case(d03, ["household_transcript"])
    before = _events(d03, number)
    err = _refused(
        "lookup.offline",
        lambda: lookups.run_lookup(d03, number, "land_transcript", record_consent=True),
    )
    assert "無法連線縣府，請民眾提供書證或稍後再試" in err.message_zh
    assert "ask the citizen for the document or try later" in err.message_en
    assert _events(d03, number) == before  # not even the consent given with it
    assert cases.load_case(d03, number).consent_kinds == {"household_transcript"}
    assert case_attachments.list_attachments(d03, number) == []


def test_lookups_are_rate_limited_per_device(
    sqlite_county_db: str, server_factory: Callable[[str], CountyServer], office: Callable[..., App]
) -> None:
    srv = server_factory(sqlite_county_db)
    srv.limits = Limits(lookup_device=RateLimiter(2, 60.0))
    srv.start_in_thread(demo=True)
    d03 = office("D03", "01", srv.url)
    enrol(d03, srv)
    number = _case(d03, ["household_transcript"])
    sync_now(d03)
    # a demo county seeds its registry with the demo applicants
    for kind in ("household_transcript", "building_transcript"):
        assert (
            lookups.run_lookup(d03, number, kind, record_consent=True).fields[
                "name" if kind.startswith("h") else "owner"
            ]
            == "王小明"
        )
    err = _refused("lookup.busy", lambda: lookups.run_lookup(d03, number, "household_transcript"))
    assert "秒後再試" in err.message_zh


def _cli(app: App, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    from eservice_desktop.cli.main import main

    capsys.readouterr()
    rc = main(
        ["--data-dir", str(app.settings.data_dir), "--office", "D03", "--device", "01",
         "--lang", "en", *argv, "--json"]
    )  # fmt: skip
    out = capsys.readouterr().out
    return rc, json.loads(out)


def test_cli_case_lookup(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ESERVICE_COUNTY_URL", sqlite_county.url)
    _seed_registry(sqlite_county, tmp_path)
    d03 = office("D03", "01", sqlite_county.url)
    enrol(d03, sqlite_county)
    number = _case(d03, ["household_transcript"])
    sync_now(d03)
    rc, out = _cli(d03, capsys, "case", "lookup", number, "--kind", "land_transcript")
    assert (rc, out["ok"], out["error"]) == (2, False, "lookup.no_consent")
    assert "--consent" in out["message"]
    rc, out = _cli(d03, capsys, "case", "lookup", number, "--kind", "cadastral_map")
    assert (rc, out["error"]) == (2, "lookup.kind") and "land_transcript" in out["message"]
    rc, out = _cli(d03, capsys, "case", "lookup", number, "--kind", "land_transcript", "--consent")
    assert rc == 0 and out["ok"] and out["consent_recorded"] is True
    assert out["kind"] == "land_transcript" and out["subject"] == "A12345****"
    assert out["fields"]["owner"] == "王小明" and len(out["sha256"]) == 64
    assert cases.load_case(d03, number).lookup_kinds == {"land_transcript"}
    rc, out = _cli(d03, capsys, "case", "show", number)
    shown = {k["kind"]: (k["consented"], k["done"]) for k in out["lookups"]}
    assert rc == 0 and shown["land_transcript"] == (True, True)
    assert shown["household_transcript"] == (True, False)
    # the county unreachable: exit 3, the reason, nothing stored
    monkeypatch.setenv("ESERVICE_COUNTY_URL", "http://127.0.0.1:9")
    rc, out = _cli(d03, capsys, "case", "lookup", number, "--kind", "household_transcript")
    assert (rc, out["error"]) == (3, "lookup.offline")
    assert "ask the citizen for the document or try later" in out["message"]
    assert cases.load_case(d03, number).lookup_kinds == {"land_transcript"}


@pytest.mark.parametrize(
    "case",
    [
        ('{"name": "王小明", "n": 1e999}', "數值無效"),
        ('{"name": "王小明", "n": NaN}', "數值無效"),
        ('{"name": "王\\u202e小明"}', "U+202E"),
        ('{"name": "王小明\\u0007"}', "U+0007"),
    ],
    ids=["overflow", "nan", "bidi", "control"],
)
def test_a_registry_record_no_lookup_could_answer_is_refused(
    sqlite_county: CountyServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, str],
) -> None:
    """``registry import`` kept any JSON in a record's fields: 1e999 was signed as Infinity
    and answered as null, so every office refused the look-up as not verifying
    (lookup.signature, "call IT to check the keys"); a bidi override or a control character
    went into the attachment the office keeps and shows. The file is refused, exit 2, naming
    the record, and nothing is imported."""
    from eservice_desktop.county import cli as county_main
    from eservice_desktop.county.store import RegistryRow, make_engine

    fields, words = case
    path = tmp_path / "registry.json"
    record = '{"kind": "household_transcript", "subject_id": "A123456789", "fields": '
    path.write_text(f"[{record}{fields}}}]", encoding="utf-8")
    monkeypatch.setenv("ESERVICE_COUNTY_PASSPHRASE", TEST_SECRET.decode())
    code = county_main.main(["registry", "import", str(path), "--db", sqlite_county.db_url])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "records[0].fields" in err and words in err, err
    engine = make_engine(sqlite_county.db_url)
    try:
        with engine.connect() as c:
            assert c.execute(select(func.count()).select_from(RegistryRow)).scalar() == 0
    finally:
        engine.dispose()


def test_a_registry_file_that_is_not_json_is_said_in_the_readers_language(
    sqlite_county: CountyServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The refusal carried json's English words into the zh-TW line (登錄資料檔不是 JSON：
    Expecting value: line 2 column 13 (char 14)); it names the line in the reader's words."""
    from eservice_desktop.county import cli as county_main

    path = tmp_path / "registry.json"
    path.write_text('[\n{"kind": x}]', encoding="utf-8")
    monkeypatch.setenv("ESERVICE_COUNTY_PASSPHRASE", TEST_SECRET.decode())
    for lang, words in (("zh_TW", "登錄資料檔不是 JSON：第 2 行"), ("en", "not JSON: line 2")):
        argv = ["registry", "import", str(path), "--db", sqlite_county.db_url, "--lang", lang]
        assert county_main.main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err
        assert "Expecting" not in err and "char" not in err, err


def test_a_registry_file_with_a_byte_order_mark_is_imported(
    sqlite_county: CountyServer, tmp_path: Path
) -> None:
    """A registry file saved as Notepad's "UTF-8 with BOM" was refused as not JSON."""
    path = tmp_path / "registry.json"
    record = {"kind": "household_transcript", "subject_id": "A123456789", "fields": {"n": "王"}}
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8-sig")
    out = county_cli("registry", "import", str(path), "--db", sqlite_county.db_url, "--json")
    assert json.loads(out) == {"added": 1, "replaced": 0}
