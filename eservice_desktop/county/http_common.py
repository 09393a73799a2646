"""What the county's route groups share: the device credential as a handler parameter, one
transaction per handler, answers serialised once, the error bodies of the OpenAPI document.
"""

# no `from __future__ import annotations`: FastAPI must see the real annotation objects of
# the handlers defined inside the route groups below.

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import service
from eservice_desktop.county.edge import Limits
from eservice_desktop.county.refusals import REFUSALS, body_of, refused
from eservice_desktop.county.store import DeviceRow, aware, reading
from eservice_desktop.county_link.protocol import ErrorBody, seq_of


def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def json_of(answer: BaseModel) -> Response:
    """The answer serialised once (FastAPI would dump it and validate it again against the
    response model: the model stays declared for the OpenAPI document). The pull answers with
    its own document (county/feed.py: the stored feed JSON passed through)."""
    return Response(answer.model_dump_json(), media_type="application/json")


_bearer = HTTPBearer(auto_error=False, description="Device credential from enrolment")


def _device_key(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    sessions: sessionmaker[Session] = request.app.state.sessions
    try:
        with reading(sessions) as s:
            return service.authenticate(s, creds.credentials if creds else None).device_key
    except service.AuthFailed:
        raise refused(401, "auth.unauthenticated", {"WWW-Authenticate": "Bearer"}) from None
    except service.Forbidden:
        raise refused(403, "auth.revoked") from None


#: The authenticated device's key, as a handler parameter.
Device = Annotated[str, Depends(_device_key)]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no or unknown credential"},
    403: {"model": ErrorBody, "description": "revoked or not allowed"},
}


def dev_of(s: Session, key: str) -> DeviceRow:
    dev = s.get(DeviceRow, key)
    assert dev is not None
    return dev


#: How old a device's ``last_seen_at`` may grow before a read (a pull) writes it again.
SEEN_EVERY = timedelta(minutes=5)


def note_seen(
    r: "Routes",
    key: str,
    seen: datetime | None,
    now: datetime,
    build: tuple[str, str | None],
    *,
    synced: tuple[bool, datetime | None] = (False, None),
) -> None:
    """The device's ``last_seen_at``, written when the stored one is older than
    :data:`SEEN_EVERY`, and its build (``build``: the one it names now, the one held) when it
    names another: a pull writes in a transaction of its own, rarely (its read does not wait
    behind a push for it). ``synced``: whether the device said nothing of its own waits to be
    pushed, and its ``synced_at`` held; written as rarely, except after a push (``seen``
    later than it), so a counter's last receipts count as synced as soon as they are."""
    named, held = build
    write_seen = seen is None or aware(seen) <= now - SEEN_EVERY or bool(named and named != held)
    said, at = synced
    write_synced = said and (
        at is None
        or aware(at) <= now - SEEN_EVERY
        or (seen is not None and aware(seen) > aware(at))
    )
    if not (write_seen or write_synced):
        return
    with r.tx() as s:
        dev = dev_of(s, key)
        if write_seen:
            dev.last_seen_at = now
            dev.build = named or dev.build
        if write_synced:
            dev.synced_at = now


def too_many(wait: int, what: str) -> HTTPException:
    zh = REFUSALS["rate.too_many"][0]
    body = body_of("rate.too_many", zh, f"Too many {what}; try again later")
    return HTTPException(429, body, {"Retry-After": str(wait)})


def since_seq(since: str) -> int:
    """The seq a ``since`` cursor names; 422 for one beyond any feed (a signed 64-bit
    integer), which the store could not even compare (SQLite raised OverflowError: 500)."""
    try:
        return seq_of(since)
    except ValueError:
        raise refused(422, "request.bad_cursor") from None


def since_time(since_at: str) -> datetime | None:
    """The ``since_at`` of a pull (None when not sent); 422 for one that is no ISO 8601 time
    with its UTC offset."""
    if not since_at:
        return None
    try:
        at = datetime.fromisoformat(since_at)
    except ValueError:
        raise refused(422, "request.bad_cursor") from None
    if at.utcoffset() is None:
        raise refused(422, "request.bad_cursor")
    return at


class Routes:
    """What every route group shares: the app, one transaction per handler (``read`` for one
    that only reads), the clock and the rate limits."""

    def __init__(
        self,
        app: FastAPI,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        limits: Limits,
    ) -> None:
        self.app, self.sessions, self.clock, self.limits = app, sessions, clock, limits

    @contextmanager
    def tx(self) -> Iterator[Session]:
        with self.sessions() as s, s.begin():
            yield s

    def read(self) -> AbstractContextManager[Session]:
        """A transaction that only reads (store.reading: never behind a push on SQLite)."""
        return reading(self.sessions)
