"""Push, pull, enrolment, idempotency, conflicts and receipts against a real county server
process (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select
from sync_helpers import CountyServer, enrol, local_event_ids, new_case, pending, sync_now

from eservice_desktop.county_link.client import AuthError, CountyClient
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.printing.county_receipt import render_county_receipt
from eservice_desktop.services import cases, payments, sync
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_sync import CountyReceiptRow


def test_push_then_pull_routes_case_to_pickup_office(
    county: CountyServer, office: Callable[..., App]
) -> None:
    h01, h02 = office("H01", "01"), office("H02", "01")
    enrol(h01, county)
    enrol(h02, county)
    number = new_case(h01, pickup_office="H02")
    cases.request_supplement(h01, number, "缺少委託書")
    r1 = sync_now(h01)
    # received, fee assessed at intake, supplement requested
    assert (r1.pushed, r1.duplicates, r1.conflicts, r1.pending) == (3, 0, 0, 0)
    assert sorted(county.event_ids()) == sorted(local_event_ids(h01))
    r2 = sync_now(h02)
    assert r2.pulled == 3
    view = cases.show_case(h02, number)
    assert view.status == "supplement_requested"
    # the pulled events are not in H02's outbox and a second round moves nothing
    assert pending(h02) == 0
    again = sync_now(h02)
    assert (again.pushed, again.pulled) == (0, 0)
    # H02 works on the case; H01 learns it
    cases.record_supplement(h02, number, "補件")
    assert sync_now(h02).pushed == 1
    assert sync_now(h01).pulled == 1
    assert cases.show_case(h01, number).status == "payment_due"  # the fee is still owed
    st = sync.status(h01)
    assert st["pending"] == 0 and st["acknowledged"] == st["local_events"] == 3
    assert st["last_success"] and st["conflicts"] == 0


def test_gzip_is_left_off_over_loopback_and_round_trips_when_on(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """Over loopback the client sends and accepts plain bodies; with compression on (a county
    across the network) the same push and pull come through gzip both ways."""
    h01, h02 = office("H01", "01"), office("H02", "01")
    enrol(h01, county)
    enrol(h02, county)
    plain = sync.make_client(h01)
    assert not plain.compress and plain.http.headers["Accept-Encoding"] == "identity"
    plain.close()
    assert CountyClient("https://county.example", ca_file="ca.pem").compress
    numbers = [new_case(h01, pickup_office="H02") for _ in range(4)]  # bodies well over 1 KiB
    seen: list[tuple[str, str | None, str | None]] = []
    rounds = []
    for app in (h01, h02):
        client = sync.make_client(app)
        client.compress = True
        client.http.headers["Accept-Encoding"] = "gzip"
        client.http.hooks["response"].append(
            lambda r, *_a, **_k: seen.append(
                (
                    r.request.path_url.split("?")[0],
                    r.request.headers.get("Content-Encoding"),
                    r.headers.get("Content-Encoding"),
                )
            )
        )
        try:
            rounds.append(sync.sync_round(app, client))
        finally:
            client.close()
    assert ("/v1/events", "gzip", "gzip") in seen  # the push, and its answer (receipts)
    assert ("/v1/changes", None, "gzip") in seen
    assert rounds[0].pushed == 8 and rounds[1].pulled == 8  # received and fee assessed each
    for number in numbers:
        assert cases.show_case(h02, number).status == cases.show_case(h01, number).status


def test_office_without_route_sees_nothing(
    county: CountyServer, office: Callable[..., App]
) -> None:
    h01, h03 = office("H01", "01"), office("H03", "01")
    enrol(h01, county)
    enrol(h03, county)
    case_id = cases.show_case(h01, new_case(h01)).case_id
    sync_now(h01)
    assert sync_now(h03).pulled == 0
    c3 = sync.make_client(h03)
    c1 = sync.make_client(h01)
    try:
        assert c3.case(case_id) is None
        assert c1.case(case_id) is not None
    finally:
        c1.close()
        c3.close()


def test_push_is_idempotent_and_answered_per_event(
    county: CountyServer, office: Callable[..., App]
) -> None:
    app = office()
    enrol(app, county)
    new_case(app)
    new_case(app)
    with app.reading() as s:
        batch = [WireEvent.of(e) for e in sync.outbox(s, 100)]
    client = sync.make_client(app)
    try:
        first = client.push(batch)
        second = client.push(batch + batch[:1])
    finally:
        client.close()
    # each intake is two events: received and the fee assessed in the same transaction
    assert [r.status for r in first.results] == ["accepted"] * 4
    assert [r.status for r in second.results] == ["duplicate"] * 5
    assert county.count() == 4
    assert len(first.receipts) == 2


def test_conflict_is_recorded_and_resolution_is_an_event(
    county: CountyServer, office: Callable[..., App]
) -> None:
    h01, h02 = office("H01", "01"), office("H02", "01")
    enrol(h01, county)
    enrol(h02, county)
    number = new_case(h01, pickup_office="H02")
    payments.record_payment(h01, number, "cash", 15)
    sync_now(h01)
    sync_now(h02)
    # both offices act while apart: H01 cancels, H02 closes
    cases.cancel_case(h01, number, "申請人撤回")
    cases.close_case(h02, number)
    assert sync_now(h01).pushed == 1
    r = sync_now(h02)
    assert r.conflicts == 1 and r.pending == 0  # the conflict note went in the same round
    conflicts = sync.open_conflicts(h02)
    assert len(conflicts) == 1 and conflicts[0].case_number == number
    assert sync.status(h02)["conflicts"] == 1
    assert county.conflicts() == 1
    # the county's cancel arrived too; the conflict note is an event on the case
    view = cases.show_case(h02, number)
    types = [e["type"] for e in view.events]
    assert ev.CONFLICT_RECORDED in types and ev.CANCELLED in types
    with pytest.raises(DomainError):
        sync.resolve_conflict(h02, conflicts[0].conflict_id, "  ")
    sync.resolve_conflict(h02, conflicts[0].conflict_id, "已與民眾確認撤件")
    assert sync.status(h02)["conflicts"] == 0
    r2 = sync_now(h02)
    assert (r2.pushed, r2.conflicts) == (1, 0)  # the resolution
    # a re-push of the refused event gets the same answer, not a second conflict
    assert county.conflicts() == 1


def test_receipts_are_signed_and_verified(county: CountyServer, office: Callable[..., App]) -> None:
    app = office()
    enrol(app, county)
    number = new_case(app)
    sync_now(app)  # the first round learns the county keys from the feed
    cases.request_supplement(app, number, "缺少委託書")
    sync_now(app)
    with app.reading() as s:
        row = s.scalar(select(CountyReceiptRow).where(CountyReceiptRow.case_number == number))
    assert row is not None and row.events_accepted == 3
    assert row.office == "H01"
    printed = sync.county_receipt(app, number)  # verified as it is shown, not as it was stored
    assert printed["verified"] and printed["case_number"] == number
    # The printable proof: the PDF reads back in Chinese and its QR carries the signed receipt.
    pdf_path = app.settings.data_dir / "county-receipt.pdf"
    pdf_path.write_bytes(render_county_receipt(printed, app.office.name))
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "縣 府 收 件 回 執" in text and number in text and "簽章有效" in text
    # the office by its name, as the heading names it (it read the code H01 alone)
    assert f"受理機關 {app.office.name}（H01）" in " ".join(text.split())
    png = app.settings.data_dir / "county-receipt"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf_path), str(png)], check=True
    )
    decoded = zxingcpp.read_barcodes(Image.open(f"{png}.png"))
    carried = json.loads(next(b.text for b in decoded if b.format == zxingcpp.BarcodeFormat.QRCode))
    assert carried["signature"] == printed["signature"] and carried["case_number"] == number
    other = new_case(app)
    with pytest.raises(DomainError):
        sync.county_receipt(app, other)


def test_a_receipt_altered_after_it_was_stored_shows_and_prints_as_unverified(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """Receipts are kept as received; the signature is checked where one is used, so a stored
    receipt whose count was raised afterwards (or whose county key is unknown) says so."""
    app = office()
    enrol(app, county)
    number = new_case(app)
    sync_now(app)
    assert sync.county_receipt(app, number)["verified"]
    with app.transaction() as s:
        row = s.scalar(select(CountyReceiptRow).where(CountyReceiptRow.case_number == number))
        assert row is not None
        row.events_accepted += 1
    shown = sync.county_receipt(app, number)
    assert shown["verified"] is False and shown["events_accepted"] == row.events_accepted
    pdf_path = app.settings.data_dir / "altered-receipt.pdf"
    pdf_path.write_bytes(render_county_receipt(shown, app.office.name))
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "簽章無法驗證" in text and "簽章有效" not in text
    with app.transaction() as s:  # the right count, but a key the office never learnt
        row = s.scalar(select(CountyReceiptRow).where(CountyReceiptRow.case_number == number))
        assert row is not None
        row.events_accepted -= 1
        row.key_id = "no-such-key"
    assert sync.county_receipt(app, number)["verified"] is False


def test_wrong_credential_and_revocation(county: CountyServer, office: Callable[..., App]) -> None:
    app = office()
    bad = CountyClient(county.url, credential="not-a-credential")
    with pytest.raises(AuthError):
        bad.status()
    bad.close()
    with pytest.raises(DomainError) as e:
        sync.enrol(app, county.url, "AAAA-BBBB-CCCC")
    assert e.value.code == "sync.enrol_refused"
    code = county.enrol_code("H01")
    sync.enrol(app, county.url, code)
    with pytest.raises(DomainError):  # one-time
        sync.enrol(app, county.url, code)
    assert sync_now(app).pending == 0
    from sync_helpers import county_cli

    county_cli("revoke", "--db", county.db_url, "H01-01")
    with pytest.raises(AuthError):
        sync_now(app)


def test_enrol_code_for_other_office_is_refused(
    county: CountyServer, office: Callable[..., App]
) -> None:
    app = office("H01", "01")
    with pytest.raises(DomainError) as e:
        sync.enrol(app, county.url, county.enrol_code("H02"))
    assert e.value.code == "sync.enrol_office"
    assert sync.credential(app) is None


def _record(app: App, number: str, type_: str, payload: dict[str, object]) -> None:
    with app.transaction() as s:
        cases.record(app, s, cases.resolve_case_id(s, number), type_, payload)


def test_an_impossible_merge_becomes_a_conflict(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """Documents handed over at two desks offline: the county takes the first and refuses the
    second. (A payment on a case another counter cancelled meanwhile is taken, and listed to
    refund: tests/integration/sync/test_offline_double_acts.py.)"""
    a, b = office("H01", "01"), office("H01", "02")
    enrol(a, county)
    enrol(b, county)
    number = new_case(a)
    payments.record_payment(a, number, "cash", 15)
    cases.close_case(a, number)
    sync_now(a)  # the county makes it ready
    sync_now(a)
    sync_now(b)
    _record(a, number, ev.PICKED_UP, {"by": {"self": True}})
    _record(b, number, ev.PICKED_UP, {"by": {"self": True}})
    assert sync_now(a).conflicts == 0
    r = sync_now(b)
    assert r.conflicts == 1
    [conflict] = sync.open_conflicts(b, "en")
    assert conflict.event_type == ev.PICKED_UP
    assert conflict.reason
    assert county.conflicts() == 1
