"""Protocol schemas, the URL/TLS policy of the client, the back-off, receipts' signatures."""

from __future__ import annotations

import base64
import random
import sys
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import ValidationError

from eservice_desktop.county_link.client import ConfigError, SyncError, check_url
from eservice_desktop.county_link.protocol import (
    CountyReceipt,
    PushRequest,
    WireEvent,
    receipt_bytes,
    receipt_bytes_at,
    receipt_time,
    seq_of,
)
from eservice_desktop.county_link.worker import Backoff, SyncLoop
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_payload
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.services.sync import verify_receipt

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def event_dict(**over: object) -> dict[str, object]:
    e = Actor("H01", "01", "clerk").event("c1", "case.closed", AT, {"note": "x"}).to_dict()
    e.update(over)
    return e


def test_wire_event_round_trip_and_utc() -> None:
    e = Actor("H01", "01", "clerk").event("c1", "case.closed", AT, {"note": "x"})
    w = WireEvent.of(e)
    assert w.to_event() == e
    # the county's push door's unchecked form is the same event, with its own payload dict
    fast = w.to_event(checked=False)
    assert fast == e and vars(fast) == vars(e) and fast.payload is not w.payload
    assert list(WireEvent.model_fields) == [f.name for f in fields(Event)]
    taipei = WireEvent.model_validate(event_dict(at="2026-03-10T10:00:00+08:00"))
    assert taipei.at == AT and taipei.at.tzinfo == UTC


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "case.exploded"},
        {"at": "2026-03-10T10:00:00"},  # no offset
        {"office": "h01"},
        {"device": "../.."},
        {"extra": 1},
        {"event_id": "short"},
    ],
)
def test_wire_event_refuses(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        WireEvent.model_validate(event_dict(**bad))


def test_push_batch_is_bounded() -> None:
    e = WireEvent.model_validate(event_dict())
    with pytest.raises(ValidationError):
        PushRequest(events=[e] * 1001)


def test_cursor() -> None:
    assert seq_of("") == 0 and seq_of("42") == 42
    with pytest.raises(ValueError):
        seq_of("-1")


@pytest.mark.parametrize(
    ("url", "ca", "ok"),
    [
        ("http://127.0.0.1:8765", "", True),
        ("http://localhost:8765", "", True),
        ("http://[::1]:8765", "", True),
        ("http://county.example.gov.tw", "", False),
        ("http://10.0.0.5:8765", "", False),
        ("https://county.example.gov.tw", "", False),  # TLS without the pinned CA
        ("https://county.example.gov.tw", "/etc/county-ca.pem", True),
        ("ftp://127.0.0.1", "", False),
        # host names DNS cannot hold: resolving them raised UnicodeError (doctor's traceback)
        ("https://county example.gov.tw", "/etc/county-ca.pem", False),
        ("https://" + "a" * 64 + ".gov.tw", "/etc/county-ca.pem", False),
        ("https://" + "a." * 127 + "tw", "/etc/county-ca.pem", False),
        ("https://county..gov.tw", "/etc/county-ca.pem", False),
        ("https://", "/etc/county-ca.pem", False),
        ("https://" + "a" * 63 + ".gov.tw", "/etc/county-ca.pem", True),
        ("https://縣府.example.tw", "/etc/county-ca.pem", True),  # IDNA
        ("https://county_01.local:8443", "/etc/county-ca.pem", True),
        ("https://county.example.gov.tw.", "/etc/county-ca.pem", True),
    ],
)
def test_url_policy(url: str, ca: str, ok: bool) -> None:
    if ok:
        check_url(url, ca)
    else:
        with pytest.raises(ConfigError):
            check_url(url, ca)


def test_backoff_grows_with_jitter_and_resets() -> None:
    b = Backoff(base=1, cap=60, floor=0.5, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(12)]
    assert all(0.5 <= d <= 60 for d in delays)
    assert max(delays[6:]) > max(delays[:2])
    b.reset()
    assert b.failures == 0


def test_backoff_leaves_the_shared_random_state_alone() -> None:
    """A sync loop's thread draws its jitter from its own generator, never from (or moving) the
    process's ``random`` that other code, a seeded test run or a property test uses."""
    before = random.getstate()
    b = Backoff()
    delays = {b.next_delay() for _ in range(8)}
    assert random.getstate() == before
    assert len(delays) > 1  # still jittered


def test_loop_backs_off_on_failure_and_not_on_success() -> None:
    outcomes: list[BaseException | None] = []
    calls = iter([SyncError("down"), SyncError("down"), "ok"])

    def round_fn() -> object:
        r = next(calls)
        if isinstance(r, BaseException):
            raise r
        return r

    loop = SyncLoop(
        round_fn,
        interval=5,
        on_result=lambda _r, e: outcomes.append(e),
        backoff=Backoff(rng=random.Random(0)),
    )
    assert loop.run_once() >= 0.5
    assert loop.run_once() >= 0.5
    assert loop.run_once() == 5
    assert [type(o).__name__ for o in outcomes] == ["SyncError", "SyncError", "NoneType"]
    assert loop.backoff.failures == 0


def test_receipt_signature_verifies_and_detects_tampering() -> None:
    key = Ed25519PrivateKey.generate()
    pub = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    t = datetime(2026, 3, 10, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    unsigned = CountyReceipt(
        case_id="c1",
        case_number="H01-01-115-000001-3",
        office="H01",
        events_accepted=3,
        county_time=t,
        key_id="k1",
        signature="",
    )
    sig = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    receipt = unsigned.model_copy(update={"signature": sig})
    assert verify_receipt(receipt, {"k1": pub})
    assert not verify_receipt(receipt.model_copy(update={"events_accepted": 4}), {"k1": pub})
    assert not verify_receipt(receipt, {})


def test_receipt_time_written_once_signs_the_same_bytes() -> None:
    """A push writes its county time once for all its receipts: the signed bytes are those
    the layout gave when the time was written per receipt (fixed bytes, and on many times)."""
    t = datetime(2026, 3, 10, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    assert receipt_bytes("c1", "N-1", "H01", 3, t) == (
        b"eservice-receipt/1|c1|N-1|H01|3|2026-03-10T02:00:00.000000Z"
    )
    rng = random.Random(7)
    zones = [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]
    for i in range(2000):
        at = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(2_000_000_000), microseconds=0 if i % 3 else rng.randrange(10**6)
        )
        at = at.astimezone(zones[i % len(zones)])
        old = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        expected = f"eservice-receipt/1|c{i}|H01-{i}|H01|{i}|{old}".encode()
        assert receipt_bytes(f"c{i}", f"H01-{i}", "H01", i, at) == expected
        assert receipt_bytes_at(f"c{i}", f"H01-{i}", "H01", i, receipt_time(at)) == expected


@pytest.mark.parametrize(
    "bad",
    [
        {"clerk": "a\x00b"},
        {"payload": {"note": "x\x00"}},
        {"payload": {"k\x00": 1}},
        {"payload": {"items": ["ok", "bad\x00"]}},
    ],
)
def test_nul_characters_are_refused_anywhere(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        WireEvent.model_validate(event_dict(**bad))


def test_loop_wakes_early_when_work_appears_but_not_while_backing_off() -> None:
    import time

    # woken early: well before a long delay is out (a bound of 1 s after a 5 s delay failed
    # when the poking thread ran over a second late on a loaded machine)
    delay, early = 60.0, 30.0
    work = {"pending": False}
    loop = SyncLoop(lambda: None, interval=30, has_work=lambda: work["pending"], poll=0.02)
    t = time.monotonic()
    work["pending"] = True
    loop.wait(delay)
    assert time.monotonic() - t < early
    loop.backoff.failures = 1  # link down: only the back-off timer or a poke wakes it
    t = time.monotonic()
    loop.wait(0.2)
    assert time.monotonic() - t >= 0.19
    threading_poke = __import__("threading").Timer(0.05, loop.poke)
    threading_poke.start()
    t = time.monotonic()
    loop.wait(delay)
    assert time.monotonic() - t < early


def test_a_payload_checked_at_the_door_is_marked_and_nothing_else_changes() -> None:
    """The wire's one walk of a payload settles the county's JSON rules too (integers'
    range included): such a payload is marked, a payload with an integer beyond ±2^53 passes
    the wire unmarked (the county refuses that event alone, as a conflict), and a refusal of
    the structure is the one ``check_json(exact_ints=False)`` gives, word for word."""
    plain = WireEvent.model_validate(event_dict())
    assert plain.payload_checked
    assert type(plain.to_event().payload) is dict and plain.to_event().payload == {"note": "x"}
    assert plain.model_dump()["payload"] == {"note": "x"}
    big = WireEvent.model_validate(event_dict(payload={"total": 10**20}))
    assert not big.payload_checked and big.payload == {"total": 10**20}
    with pytest.raises(DomainError):
        check_payload(big.to_event(), json_checked=big.payload_checked)
    deep: dict[str, object] = {"x": 1}
    for _ in range(40):
        deep = {"x": deep}
    for bad in ({"x": float("nan")}, {"x": "a\x00b"}, deep, {"x\n": 1}):
        with pytest.raises(ValidationError) as refused:
            WireEvent.model_validate(event_dict(payload=bad))
        with pytest.raises(DomainError) as direct:
            values.check_json(bad, exact_ints=False)
        assert refused.value.errors()[0]["loc"] == ("payload",)
        assert str(direct.value) in refused.value.errors()[0]["msg"]


def test_backing_off_on_windows_waits_in_slices_so_ctrl_c_stops_the_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WinSW stops the service with Ctrl+C, and on Windows an event's wait is not interrupted
    by it: one 300 s back-off wait kept the stop handler from running until WinSW's 30 s stop
    timeout killed the process. On Windows every wait is at most ``poll`` seconds long."""
    loop = SyncLoop(lambda: None, interval=30, poll=0.5)
    loop.backoff.failures = 3  # link down: not watching for work
    timeouts: list[float] = []

    def record(timeout: float | None = None) -> bool:
        timeouts.append(timeout or 0.0)
        loop.stop_event.set()  # the handler ran once the wait returned
        return False

    monkeypatch.setattr(loop._wake, "wait", record)
    monkeypatch.setattr(sys, "platform", "win32")
    loop.wait(300.0)
    assert timeouts and max(timeouts) <= 0.5
