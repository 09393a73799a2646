"""Both ends of the wire against a careless or hostile other end, without a server: times
are ISO-8601 text with an offset (never a number), feed positions fit a signed 64-bit
integer and a pulled page's cursor agrees with its changes, and a refusal's reason reaches
the clerk in the clerk's language."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from pydantic import BaseModel, ValidationError

from eservice_desktop.county.channel_api import ApplicationIn
from eservice_desktop.county_link.client import CountyClient, RequestRefused, ServerError, read_page
from eservice_desktop.county_link.protocol import (
    AccessPushResponse,
    AttachmentState,
    Change,
    CountyReceipt,
    OperatorRecord,
    OperatorsResponse,
    PullResponse,
    PushResponse,
    StatusResponse,
    WireAccess,
    WireEvent,
    seq_of,
)
from eservice_desktop.domain.events import Actor
from eservice_desktop.services.core import App

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
NOW = "2026-03-10T02:00:00+00:00"
H = "0" * 64


def _event() -> dict[str, Any]:
    return Actor("H01", "01", "clerk").event("c1", "case.closed", AT, {"note": "x"}).to_dict()


def _page(cursor: str, seqs: list[int], more: bool = False) -> dict[str, Any]:
    changes = [{"seq": n, "kind": "calendar", "data": {"year": 2026}} for n in seqs]
    return {"changes": changes, "cursor": cursor, "more": more, "server_time": NOW}


#: One valid document of each wire model with a time, and the name of that time.
CASES: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (WireEvent, _event(), "at"),
    (WireAccess, {"access_id": "a" * 8, "office": "H01", "device": "01", "operator": "o",
                  "action": "view", "at": NOW, "prev": H, "hash": H}, "at"),
    (StatusResponse, {"api_version": "v1", "office": "H01", "device": "01",
                      "server_time": NOW}, "server_time"),
    (AccessPushResponse, {"stored": 1, "duplicates": 0, "server_time": NOW}, "server_time"),
    (CountyReceipt, {"case_id": "c", "case_number": "n", "office": "H01", "events_accepted": 1,
                     "county_time": NOW, "key_id": "k", "signature": "s"}, "county_time"),
    (PullResponse, {"changes": [], "cursor": "7", "more": False, "server_time": NOW},
     "server_time"),
    (OperatorRecord, {"account": "a01", "name": "n", "roles": [], "active": True,
                      "password_hash": "h", "version": 1, "updated_at": NOW}, "updated_at"),
]  # fmt: skip


@pytest.mark.parametrize(("model", "doc", "field"), CASES)
@pytest.mark.parametrize("when", [1773108000, 1773108000.5, "1773108000", "2026-03-10T10:00:00"])
def test_a_time_is_iso_text_with_its_offset_never_a_number(
    model: type[BaseModel], doc: dict[str, Any], field: str, when: object
) -> None:
    """pydantic's lax mode read ``"at": 1773108000`` as seconds since 1970: refused, in both
    directions (the county reading a push, the office reading the county's answers), as a
    time without its offset is."""
    assert getattr(model.model_validate_json(json.dumps(doc)), field) is not None
    bad = {**doc, field: when}
    with pytest.raises(ValidationError, match=field):
        model.model_validate_json(json.dumps(bad))
    with pytest.raises(ValidationError, match=field):
        model.model_validate(bad)


def test_a_channel_reservation_is_no_number() -> None:
    with pytest.raises(ValidationError, match="reservation_at"):
        ApplicationIn.model_validate_json(
            '{"service_code": "x", "applicant_id": "a", "applicant_name": "b", '
            '"reservation_at": 1773108000}'
        )


@pytest.mark.parametrize(
    ("model", "doc"),
    [
        (Change, {"seq": 2**63, "kind": "calendar", "data": {}}),
        (Change, {"seq": -1, "kind": "calendar", "data": {}}),
        (Change, {"seq": True, "kind": "calendar", "data": {}}),
        (PullResponse, {"changes": [], "cursor": "9" * 20, "more": False, "server_time": NOW}),
        (PullResponse, {"changes": [], "cursor": str(2**63), "more": False, "server_time": NOW}),
        (PullResponse, {"changes": [], "cursor": "-1", "more": False, "server_time": NOW}),
        (PullResponse, {"changes": [], "cursor": "١٢", "more": False, "server_time": NOW}),
        (PullResponse, {"changes": [], "cursor": "7", "more": False, "server_time": NOW,
                        "remaining": -5}),
        (PullResponse, _page("2001", list(range(1, 2002)))),
        (OperatorsResponse, {"operators": [], "version": "9" * 30, "server_time": NOW}),
        (OperatorRecord, {"account": "a01", "name": "n", "roles": [], "active": True,
                          "password_hash": "h", "version": 2**63, "updated_at": NOW}),
    ],
)  # fmt: skip
def test_feed_positions_fit_a_signed_64_bit_integer(
    model: type[BaseModel], doc: dict[str, Any]
) -> None:
    """A seq, cursor or version beyond what SQLite or PostgreSQL store (or what the county
    takes back as ``since``) is refused before the office stores it: stored, it raised
    OverflowError or was refused by the county at every later pull."""
    with pytest.raises(ValidationError):
        model.model_validate_json(json.dumps(doc))
    assert seq_of(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(ValueError):
        seq_of(str(2**63))


def _answer(status: int, doc: dict[str, Any]) -> requests.Response:
    r = requests.Response()
    r.status_code, r._content = status, json.dumps(doc, ensure_ascii=False).encode()
    return r


@pytest.mark.parametrize(
    ("since", "page"),
    [
        ("50", _page("10", [])),  # back before what the office holds
        ("10", _page("12", [11, 13])),  # a change past the cursor
        ("10", _page("12", [10, 12])),  # a change the office pulled already
        ("10", _page("14", [13, 12])),  # out of order
        ("10", _page(str(2**63 - 1), [11, 12], more=True)),  # more, yet far past its last
        ("10", _page("20", [], more=True)),
    ],
)
def test_a_page_whose_cursor_disagrees_with_its_changes_is_refused(
    monkeypatch: pytest.MonkeyPatch, since: str, page: dict[str, Any]
) -> None:
    """The office stores a page's cursor with it and asks after it next time: a cursor far
    ahead skipped changes it never saw, one going back pulled the same ones again. Refused
    before anything is applied, with a reason the clerk reads in the clerk's language."""
    client = CountyClient("http://127.0.0.1:9")
    monkeypatch.setattr(client, "_send", lambda *a, **k: _answer(200, page))
    with pytest.raises(ServerError) as refused:
        client.pull(since)
    assert "同步位置" in refused.value.message("zh_TW")
    assert "feed position" in refused.value.message("en")
    monkeypatch.setattr(client, "_send", lambda *a, **k: _answer(200, _page("12", [11, 12])))
    assert client.pull("10").cursor == "12"


@pytest.mark.parametrize("rewound_to", ["50", "60"])
def test_a_county_cannot_rewind_its_feed_forwards(
    monkeypatch: pytest.MonkeyPatch, rewound_to: str
) -> None:
    """``rewound_to`` (a county restored from an older backup) moves the office's cursor back
    to where the county's feed still agrees: one at or past the office's own would skip what
    it never saw. Refused; one before it is taken, with its changes after it."""
    client = CountyClient("http://127.0.0.1:9")
    page = {**_page("52", [51, 52]), "rewound_to": rewound_to}
    monkeypatch.setattr(client, "_send", lambda *a, **k: _answer(200, page))
    with pytest.raises(ServerError):
        client.pull("50", since_at=NOW)
    back = {**_page("42", [41, 42]), "rewound_to": "40"}
    monkeypatch.setattr(client, "_send", lambda *a, **k: _answer(200, back))
    assert client.pull("50", since_at=NOW).rewound_to == "40"


def test_chain_behind_is_taken_only_with_a_head_that_is_a_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 409 ``chain.behind`` puts this device's events after the head the county names back
    in the outbox: a head that is no hash is a refusal like any other 409, not a reason to."""
    from eservice_desktop.county_link.client import ChainBehind

    client = CountyClient("http://127.0.0.1:9")
    words = {"code": "chain.behind", "message_zh": "z", "message_en": "e"}
    for head, taken in (("a" * 64, True), (None, True), ("../" * 30, False), (7, False)):
        answer = _answer(409, {**words, "head": head})
        monkeypatch.setattr(client, "_send", lambda *a, _r=answer, **k: _r)
        with pytest.raises(RequestRefused) as refused:
            client.push_encoded(b"{}", answer_behind=True)
        assert isinstance(refused.value, ChainBehind) is taken
        if taken:
            assert refused.value.head == head  # type: ignore[attr-defined]


def test_a_county_refusal_is_read_in_the_clerks_language(monkeypatch: pytest.MonkeyPatch) -> None:
    words = {"code": "request.too_large", "message_zh": "要求內容超過上限",
             "message_en": "The request body is too large"}  # fmt: skip
    client = CountyClient("http://127.0.0.1:9")
    monkeypatch.setattr(client, "_send", lambda *a, **k: _answer(413, words))
    with pytest.raises(RequestRefused) as refused:
        client.status()
    assert refused.value.code == "request.too_large"
    assert refused.value.message("zh_TW") == "縣府伺服器拒絕此要求（HTTP 413：要求內容超過上限）"
    assert refused.value.message("en") == (
        "The county server refused the request (HTTP 413: The request body is too large)"
    )


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_reference_change_with_a_number_json_has_not_is_set_aside(number: str) -> None:
    """pydantic reads ``NaN`` and ``1e999`` in a JSON answer: a county's calendar or targets
    holding one was stored at the office as JSON no other reader takes. Such a change is no
    Change: the page's other changes are applied, this one is set aside as it came."""
    doc = json.dumps(_page("12", [11, 12])).replace("2026", number, 1)
    page = read_page(doc.encode())
    assert [c.seq for c in page.changes] == [12]
    assert [raw["seq"] for raw in page.unreadable] == [11]


@pytest.mark.parametrize(
    "answer",
    [
        {"results": [], "receipts": [{"case_id": "c", "case_number": "n", "office": "H01",
         "events_accepted": 2**63, "county_time": NOW, "key_id": "k", "signature": "s"}],
         "server_time": NOW},
        {"stored": -1, "duplicates": 0, "server_time": NOW},
        {"sha256": H, "size": 10, "received": -5, "complete": False},
    ],
)  # fmt: skip
def test_counts_from_the_county_are_whole_numbers_in_range(answer: dict[str, Any]) -> None:
    """A receipt's count beyond 2^63-1 overflowed SQLite when the office stored it, after the
    county had taken the push: the outbox was never acknowledged and every round sent it
    again."""
    model = {"results": PushResponse, "stored": AccessPushResponse, "sha256": AttachmentState}
    with pytest.raises(ValidationError):
        model[next(iter(answer))].model_validate_json(json.dumps(answer))


class _StuckCounty:
    """A county that answers every chunk with the same offset (``received``)."""

    def __init__(self, received: int) -> None:
        self.received, self.chunks = received, 0

    def attachment_start(self, sha256: str, start: Any) -> AttachmentState:
        return AttachmentState(sha256=sha256, size=start.size, received=0, complete=False)

    def attachment_chunk(self, sha256: str, offset: int, data: bytes) -> AttachmentState:
        self.chunks += 1
        size = offset + len(data)
        return AttachmentState(sha256=sha256, size=size, received=self.received, complete=False)


def test_an_upload_the_county_never_takes_on_ends_at_once(app: App, tmp_path: Path) -> None:
    """A county answering every chunk with offset 0 had the office send that chunk again
    until the round's time was up (ten minutes), every round."""
    from factories import new_case

    from eservice_desktop.services import case_attachments
    from eservice_desktop.services.sync.attachments import upload_attachments

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xdb" + bytes(200))
    case_attachments.attach_file(app, new_case(app), photo)
    county = _StuckCounty(received=0)
    with pytest.raises(ServerError) as refused:
        upload_attachments(app, county, chunk_size=64)  # type: ignore[arg-type]
    assert county.chunks == 1
    assert "附件上傳位置" in refused.value.message("zh_TW")
    assert "attachment upload position" in refused.value.message("en")


class _OneConflictId:
    """A county that refuses every pushed event under one and the same conflict id."""

    round_ends = None
    reason_en = "refused"

    def push_encoded(
        self, body: bytes, *, answer_behind: bool = False, acknowledged_through: str = ""
    ) -> PushResponse:
        results = [
            {"event_id": e["event_id"], "status": "conflict", "conflict_id": "c-same",
             "reason_code": "x", "reason_zh": "拒絕", "reason_en": self.reason_en}
            for e in json.loads(body)["events"]
        ]  # fmt: skip
        return PushResponse.model_validate({"results": results, "server_time": NOW})


def test_two_conflicts_named_alike_never_stop_the_push(app: App) -> None:
    """Stored under the county's id, the second conflict broke the push's transaction: the
    batch was never acknowledged and every round sent it and failed again."""
    from factories import new_case

    from eservice_desktop.services.sync import RoundResult
    from eservice_desktop.services.sync.push import push_all
    from eservice_desktop.storage.models_sync import SyncConflictRow

    new_case(app)
    result = RoundResult()
    push_all(app, _OneConflictId(), result, size=1000)  # type: ignore[arg-type]
    assert result.conflicts >= 2
    with app.reading() as s:
        ids = [r.conflict_id for r in s.query(SyncConflictRow)]
    assert len(ids) == result.conflicts and "c-same" in ids and len(set(ids)) == len(ids)


def test_a_push_answer_is_bounded_as_the_office_stores_it() -> None:
    for bad in ({"conflict_id": "x" * 37}, {"conflict_id": "a b"}, {"reason_code": "c" * 65},
                {"reason_zh": "字" * 2001}):  # fmt: skip
        result = {"event_id": "e" * 8, "status": "conflict", **bad}
        with pytest.raises(ValidationError):
            PushResponse.model_validate({"results": [result], "server_time": NOW})


class _OperatorsCounty:
    """A county provisioning two operators, the second with a hash that is no argon2id."""

    def __init__(self, good_hash: str) -> None:
        base = {"name": "縣府派員", "roles": ["pickup"], "active": True, "updated_at": NOW}
        self.page = OperatorsResponse.model_validate({
            "operators": [
                {**base, "account": "county01", "password_hash": good_hash, "version": 1},
                {**base, "account": "county02", "password_hash": "$argon2i$x", "version": 2},
            ],
            "version": "2", "server_time": NOW,
        })  # fmt: skip

    def operators(self, since: str) -> OperatorsResponse:
        return self.page


def test_an_operator_record_the_office_refuses_is_set_aside_not_stopping_every_round(
    app: App,
) -> None:
    """One record the office refuses raised out of every round: no later change of any
    operator reached the office, and no round ended as a success."""
    from eservice_desktop.services import operators, sync
    from eservice_desktop.services.sync.provisioning import pull_operators
    from eservice_desktop.services.sync.state import get_state
    from eservice_desktop.storage.models_sync import SyncReferenceRow

    county = _OperatorsCounty(operators.hash_password("from the county"))
    assert pull_operators(app, county) == 2  # type: ignore[arg-type]
    assert operators.login(app, "county01", "from the county").account == "county01"
    [row] = sync.quarantined(app, "en")
    assert row.event_id == "operator-county02" and row.reason_code == "operator.hash"
    with app.reading() as s:
        assert get_state(s, "operators_version") == "2"
        kept = s.get(SyncReferenceRow, "parked:operator-county02")
        assert kept is not None and "argon2i$x" not in kept.data["raw"]  # no hash kept


def test_a_conflict_reason_is_shown_and_noted_without_its_control_characters(app: App) -> None:
    """A county's reason with a direction override and a line break: stored as sent, it turned
    the clerk's conflict list around and its note on the case was refused (a text a case event
    cannot hold); both now read U+202E and U+000A in its place."""
    from factories import new_case

    from eservice_desktop.domain import events as ev
    from eservice_desktop.services.sync import RoundResult
    from eservice_desktop.services.sync.push import push_all
    from eservice_desktop.storage.models import EventRow
    from eservice_desktop.storage.models_sync import SyncConflictRow

    new_case(app)
    county = _OneConflictId()
    county.reason_en = "refused \u202egpj.exe\nsee"
    push_all(app, county, RoundResult(), size=1000)  # type: ignore[arg-type]
    with app.reading() as s:
        reasons = {r.reason_en for r in s.query(SyncConflictRow)}
        notes = s.query(EventRow).filter(EventRow.type == ev.CONFLICT_RECORDED).count()
    assert reasons == {"refused U+202Egpj.exeU+000Asee"}
    assert notes >= 1


#: When a notice outcome arrived at the office (the change's own time when it has none).
ARRIVED = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "kept"),
    [
        ("2026-03-10T09:00:00+08:00", datetime(2026, 3, 10, 1, 0, tzinfo=UTC)),
        ("2026-03-10T09:00:00", ARRIVED),  # no offset: stored as given, it was read as UTC
        ("9999-12-31T00:00:00+00:00", ARRIVED),
        ("soon", ARRIVED),
        (None, ARRIVED),
    ],
)
def test_a_notice_outcome_keeps_the_county_time_only_when_it_is_one(
    app: App, at: str | None, kept: datetime
) -> None:
    from eservice_desktop.services.sync import inbox
    from eservice_desktop.storage.models_sync import SyncNotificationRow

    data = {"notification_id": "n-1", "case_id": "c-1", "channel": "sms", "stage": "ready",
            "status": "sent", "at": at}  # fmt: skip
    with app.transaction() as s:
        inbox._notification(s, data, ARRIVED)
    with app.reading() as s:
        row = s.get(SyncNotificationRow, "n-1")
        assert row is not None
        stored = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
    assert stored == kept
