"""The county's sync routes: health and enrolment, demo enrolment codes, status, push, access
log, pull, one case and the public keys.
"""

# no `from __future__ import annotations`: FastAPI must see the real annotation objects of
# the handlers defined inside the route groups below.

from typing import Annotated, Any, Literal

from fastapi import Header, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from eservice_desktop.county import feed, service
from eservice_desktop.county.device_chain import ChainBehind
from eservice_desktop.county.http_common import (
    ERRORS,
    Device,
    Routes,
    dev_of,
    is_loopback,
    note_seen,
    since_seq,
    since_time,
    too_many,
)
from eservice_desktop.county.refusals import refusal
from eservice_desktop.county_link.build import build_of
from eservice_desktop.county_link.protocol import (
    API_VERSION,
    MAX_PULL_PAGE,
    AccessPushRequest,
    AccessPushResponse,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    PullResponse,
    PushRequest,
    PushResponse,
    StatusResponse,
)
from eservice_desktop.county_link.wire_base import MAX_SEQ
from eservice_desktop.storage.collection import collection_paused


def device_routes(r: Routes) -> None:
    """Health and enrolment (rate-limited per address and per office)."""
    app, tx, clock, limits = r.app, r.tx, r.clock, r.limits

    @app.get(
        f"/{API_VERSION}/health",
        tags=["meta"],
        responses={503: {"model": ErrorBody, "description": "the county database is unavailable"}},
    )
    def health() -> dict[str, Any]:
        # the database answers too: with PostgreSQL stopped every office's round failed 503
        # while a monitor of this route read "ok" (an OperationalError answers 503
        # server.database, asgi.py)
        with r.read() as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok", "api_version": API_VERSION, "server_time": clock().isoformat()}

    @app.post(
        f"/{API_VERSION}/enrol",
        response_model=EnrolResponse,
        tags=["devices"],
        responses={
            403: ERRORS[403],
            409: {"model": ErrorBody, "description": "the code is for another office"},
            429: {"description": "too many attempts (per address, per office); Retry-After"},
        },
    )
    def enrol(body: EnrolRequest) -> Any:
        office_key = f"enrol:{body.office}"
        wait = limits.enrol_office.retry_after(office_key)
        if wait:
            raise too_many(wait, "enrolment attempts for this office")
        try:
            with tx() as s:
                dev, credential = service.enrol(
                    s, body.code, body.device, body.label, clock(), office=body.office
                )
                return EnrolResponse(
                    office=dev.office,
                    device=dev.device,
                    device_key=dev.device_key,
                    credential=credential,
                    server_time=clock(),
                )
        except service.WrongOffice as e:
            limits.enrol_office.record(office_key)
            return JSONResponse(office_mismatch(e), status_code=409)
        except service.DeviceRevoked as e:
            limits.enrol_office.record(office_key)
            return JSONResponse(revoked_at_enrolment(e.device_key, e.office), status_code=403)
        except service.Forbidden:
            limits.enrol_office.record(office_key)
            raise HTTPException(403, "enrolment code unknown, used or expired") from None


def office_mismatch(e: service.WrongOffice) -> dict[str, str]:
    """A code of another office: refused before it is used, so it stays valid for its own."""
    return ErrorBody(
        code="enrol.office_mismatch",
        message_zh=f"此登記碼核發給 {e.code_office}，本機屬於 {e.device_office}；"
        "登記碼仍可由該所使用",
        message_en=f"This code was issued for office {e.code_office}, this device "
        f"belongs to {e.device_office}; the code stays valid for its office",
    ).model_dump()


def revoked_at_enrolment(device_key: str, office: str) -> dict[str, str]:
    """A replacement code of a revoked device (issued before a stolen PC was revoked): the
    way on is a plain code, under which the new PC takes a new counter number (each message
    within the 200 characters the counter keeps of one)."""
    plain = f"enrol-code --office {office}"
    return ErrorBody(
        code="enrol.device_revoked",
        message_zh=f"設備 {device_key} 已被縣府撤銷，其換發碼不能再用（登記碼未使用）；"
        f"新電腦請縣府資訊人員以 {plain}（不加 --device）核發新設備的登記碼，"
        "本機將取得新的櫃檯編號",
        message_en=f"Device {device_key} was revoked; its replacement code cannot be used (not "
        f"used up). Ask county IT for a new device's code ({plain}, without --device): this PC "
        "takes a new counter number",
    ).model_dump()


def demo_routes(r: Routes) -> None:
    """Demo servers only: enrolment codes for loopback callers."""
    app, tx, clock = r.app, r.tx, r.clock

    @app.post(f"/{API_VERSION}/demo/enrol-code", tags=["demo"], include_in_schema=False)
    def demo_code(
        request: Request,
        office: Annotated[str, Query(pattern=r"^[A-Z][0-9]{2}$")],
        device: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    ) -> Any:
        """Demo servers only, loopback callers only: lets `make run` enrol by itself. A
        named device gets a replacement code (audited), so the demo device keeps its
        number when `make run` starts again over the same demo data."""
        if not is_loopback(request.client.host if request.client else None):
            raise HTTPException(403, "demo enrolment only from loopback")
        try:
            with tx() as s:
                return {"code": service.new_enrol_code(s, office, clock(), device=device)}
        except service.BadRequest as e:  # e.g. a revoked device: its reason, both languages
            body = ErrorBody(code="request.bad", message_zh=e.message_zh, message_en=e.message_en)
            return JSONResponse(body.model_dump(), status_code=400)


#: ``POST /v1/events?on_behind=answer``: a county restored from an older backup says so.
OnBehind = Annotated[
    Literal["", "answer"],
    Query(description="answer: say chain.behind (409) rather than take chain.broken"),
]
#: ``POST /v1/events?acknowledged_through=ID``: what the office sends again to a county restored
#: from an older backup, up to this event, had its notices queued before the restore.
AcknowledgedThrough = Annotated[
    str,
    Query(
        pattern=r"^([0-9A-Za-z-]{8,36})?$",
        description="the events up to this one were acknowledged before the county was "
        "restored from an older backup: no notice of theirs is queued again",
    ),
]


def sync_routes(r: Routes) -> None:
    """Status, push, access log, pull."""
    _push_routes(r)
    _pull_route(r)


def _push_routes(r: Routes) -> None:
    """Status, the events an office pushes, its access log."""
    app, tx, clock = r.app, r.tx, r.clock

    @app.get(
        f"/{API_VERSION}/status", response_model=StatusResponse, tags=["sync"], responses=ERRORS
    )
    def status(key: Device) -> StatusResponse:
        with r.read() as s:
            dev = dev_of(s, key)
            return StatusResponse(
                api_version=API_VERSION, office=dev.office, device=dev.device, server_time=clock()
            )

    @app.post(
        f"/{API_VERSION}/events", response_model=PushResponse, tags=["sync"], responses=ERRORS
    )
    def push(
        body: PushRequest,
        key: Device,
        on_behind: OnBehind = "",
        acknowledged_through: AcknowledgedThrough = "",
    ) -> Response:
        # a push of 10,000 events makes some 200,000 objects that live until it is answered:
        # the collector waits (storage/collection.py; it took a sixth of a push's CPU)
        with collection_paused():
            try:
                with tx() as s:
                    answer = service.push(
                        s,
                        dev_of(s, key),
                        body.events,
                        clock(),
                        gaps=body.gaps,
                        answer_behind=on_behind == "answer",
                        acknowledged_through=acknowledged_through,
                    )
            except service.Forbidden as e:
                raise HTTPException(403, str(e)) from None
            except ChainBehind as e:
                return JSONResponse({**refusal("chain.behind"), "head": e.head}, status_code=409)
            # written as the PushResponse model would be, without a model per event
            return Response(answer.to_json(), media_type="application/json")

    @app.post(
        f"/{API_VERSION}/access",
        response_model=AccessPushResponse,
        tags=["sync"],
        responses=ERRORS,
    )
    def push_access(body: AccessPushRequest, key: Device) -> AccessPushResponse:
        """The office's access log (who viewed, searched, printed or exported which case, or
        changed which operator account)."""
        try:
            with tx() as s:
                return service.push_access(s, dev_of(s, key), body.records, clock())
        except service.Forbidden as e:
            raise HTTPException(403, str(e)) from None


def _pull_route(r: Routes) -> None:
    """The office's change feed, a page after its cursor."""
    app, clock = r.app, r.clock

    @app.get(
        f"/{API_VERSION}/changes", response_model=PullResponse, tags=["sync"], responses=ERRORS
    )
    def pull(
        key: Device,
        *,
        since: Annotated[
            str, Query(pattern=r"^[0-9]{0,19}$", description="cursor from the last pull")
        ] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 500,
        include_own: Annotated[bool, Query(description="also this device's own events")] = False,
        count: Annotated[
            bool, Query(description="also tell how many changes remain after this page")
        ] = False,
        stamped: Annotated[
            bool, Query(description="also tell when the cursor's feed row was written")
        ] = False,
        since_at: Annotated[
            str,
            Query(max_length=40, description="cursor_at of the page that gave since (ISO 8601)"),
        ] = "",
        pending: Annotated[
            int | None,
            Query(
                ge=0, le=MAX_SEQ, description="this device's events left to push (after its push)"
            ),
        ] = None,
        devices: Annotated[
            bool, Query(description="also the office's counters and when each last synced")
        ] = False,
        revoked: Annotated[bool, Query(description="also the office's revoked counters")] = False,
        user_agent: Annotated[
            str, Header(description="eservice-desktop-sync/1 (BUILD): kept as the device's")
        ] = "",
    ) -> Response:
        start = since_seq(since)
        stamp = feed.Stamp(since_time(since_at)) if stamped else None
        now = clock()
        with r.read() as s:
            dev = dev_of(s, key)
            page = feed.pull(
                s,
                dev,
                start,
                limit,
                now,
                include_own=include_own,
                count=count,
                stamp=stamp,
                devices=devices,
                revoked=revoked and devices,
            )
            seen, held, synced = dev.last_seen_at, dev.build, dev.synced_at
        note_seen(r, key, seen, now, (build_of(user_agent), held), synced=(pending == 0, synced))
        return Response(page.to_json(), media_type="application/json")


def case_routes(r: Routes) -> None:
    """One case routed to the office; the public signing keys."""
    app = r.app

    @app.get(
        f"/{API_VERSION}/cases/{{case_id}}",
        tags=["sync"],
        responses=ERRORS | {404: {"description": "unknown or not routed to this office"}},
    )
    def get_case(
        case_id: Annotated[str, PathParam(pattern=r"^[0-9A-Za-z-]{1,36}$")], key: Device
    ) -> dict[str, Any]:
        with r.read() as s:
            data = service.case_for_office(s, dev_of(s, key), case_id)
        if data is None:
            raise HTTPException(404, "no such case for this office")
        return data

    @app.get(f"/{API_VERSION}/keys", tags=["sync"], responses=ERRORS)
    def keys(key: Device) -> dict[str, Any]:
        with r.read() as s:
            return {
                "receipt": service.public_keys(s, "receipt"),
                "pickup": service.public_keys(s, "pickup"),
            }
