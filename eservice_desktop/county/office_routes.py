"""The county's routes for what an office asks besides sync: operators, attachments, look-ups
and reports.
"""

# no `from __future__ import annotations`: FastAPI must see the real annotation objects of
# the handlers defined inside the route groups below.

from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse

from eservice_desktop.county import lookup_log, lookups, notify, reports, service
from eservice_desktop.county import operators as county_operators
from eservice_desktop.county.edge import client_key
from eservice_desktop.county.http_common import (
    ERRORS,
    Device,
    Routes,
    dev_of,
    note_seen,
    since_seq,
    too_many,
)
from eservice_desktop.county.refusals import body_of
from eservice_desktop.county_link.protocol import (
    API_VERSION,
    CHUNK_SIZE,
    AttachmentStart,
    AttachmentState,
    ErrorBody,
    LookupRequest,
    OperatorsResponse,
    OperatorVerifyRequest,
    OperatorVerifyResponse,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.report_model import Report

SHA256_RE = r"^[0-9a-f]{64}$"


def operator_routes(r: Routes) -> None:
    """An office's operators: pull and password check (rate-limited)."""
    app, clock, limits = r.app, r.clock, r.limits

    @app.get(
        f"/{API_VERSION}/operators",
        response_model=OperatorsResponse,
        tags=["operators"],
        responses=ERRORS,
    )
    def operators_pull(
        key: Device,
        since: Annotated[
            str, Query(pattern=r"^[0-9]{0,19}$", description="version from the last pull")
        ] = "",
    ) -> OperatorsResponse:
        """This office's operators changed since ``since``, with their argon2id hashes."""
        start = since_seq(since)
        now = clock()
        with r.read() as s:
            dev = dev_of(s, key)
            records, version = county_operators.records_since(s, dev.office, start)
            seen = dev.last_seen_at
        note_seen(r, key, seen, now, ("", None))
        return OperatorsResponse(operators=records, version=str(version), server_time=now)

    @app.post(
        f"/{API_VERSION}/operators/verify",
        response_model=OperatorVerifyResponse,
        tags=["operators"],
        responses=ERRORS
        | {429: {"description": "too many checks (per address, per account); Retry-After"}},
    )
    def operators_verify(
        body: OperatorVerifyRequest, key: Device, request: Request
    ) -> OperatorVerifyResponse:
        """Checks an operator's password against the county's hash (an office that has not
        pulled the account yet). Rate-limited per address and per account (failed checks)."""
        source = client_key(request.client)
        wait = limits.login_source.hit(f"login:{source}")
        if wait:
            raise too_many(wait, "password checks from this address")
        with r.read() as s:
            office = dev_of(s, key).office
        account_key = f"login:{office}:{body.account}"
        wait = limits.login_account.retry_after(account_key)
        if wait:
            raise too_many(wait, "failed password checks for this account")
        with r.read() as s:  # the argon2id check holds no write lock
            reason, roles = county_operators.verify(s, office, body.account, body.password)
        if reason:
            limits.login_account.record(account_key)
        return OperatorVerifyResponse(
            ok=not reason, reason=reason, account=body.account, roles=roles, server_time=clock()
        )


def attachment_routes(r: Routes) -> None:
    """Content-addressed attachments: start, state, chunks."""
    app, tx, clock = r.app, r.tx, r.clock

    @app.post(
        f"/{API_VERSION}/attachments/{{sha256}}",
        response_model=AttachmentState,
        tags=["attachments"],
        responses=ERRORS | {409: {"description": "size mismatch"}},
    )
    def attachment_start(
        sha256: Annotated[str, PathParam(pattern=SHA256_RE)], body: AttachmentStart, key: Device
    ) -> AttachmentState:
        try:
            with tx() as s:
                return service.attachment_start(
                    s,
                    dev_of(s, key),
                    sha256,
                    size=body.size,
                    case_id=body.case_id,
                    media_type=body.media_type,
                    now=clock(),
                )
        except ValueError as e:
            raise HTTPException(409, str(e)) from None

    @app.get(
        f"/{API_VERSION}/attachments/{{sha256}}",
        response_model=AttachmentState,
        tags=["attachments"],
        responses=ERRORS | {404: {"description": "unknown"}},
    )
    def attachment_state(
        sha256: Annotated[str, PathParam(pattern=SHA256_RE)], key: Device
    ) -> AttachmentState:
        with r.read() as s:
            state = service.attachment_get(s, dev_of(s, key), sha256)
        if state is None:
            raise HTTPException(404, "unknown attachment")
        return state


def attachment_chunk_route(r: Routes) -> None:
    """One chunk of an attachment, at its offset (read off the event loop, stored in a
    worker thread)."""
    app, tx = r.app, r.tx

    @app.put(
        f"/{API_VERSION}/attachments/{{sha256}}/chunks/{{offset}}",
        response_model=AttachmentState,
        tags=["attachments"],
        responses=ERRORS | {404: {"description": "unknown"}, 409: {"description": "wrong offset"}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def attachment_chunk(
        sha256: Annotated[str, PathParam(pattern=SHA256_RE)],
        offset: Annotated[int, PathParam(ge=0, le=2**40)],
        request: Request,
        key: Device,
    ) -> AttachmentState:
        data = await request.body()
        if len(data) > CHUNK_SIZE or not data:
            raise HTTPException(413 if data else 400, "chunk size")
        from starlette.concurrency import run_in_threadpool

        def work() -> AttachmentState | None:
            with tx() as s:
                return service.attachment_chunk(s, dev_of(s, key), sha256, offset, data)

        try:
            state = await run_in_threadpool(work)
        except ValueError as e:
            raise HTTPException(409, str(e)) from None
        if state is None:
            raise HTTPException(404, "unknown attachment")
        return state


def lookup_routes(r: Routes) -> None:
    """Document-free look-ups (免書證免謄本) over the county registry (docs/lookups.md)."""
    app, tx, clock, limits = r.app, r.tx, r.clock, r.limits

    @app.post(
        f"/{API_VERSION}/lookups",
        tags=["lookups"],
        responses=ERRORS
        | {
            400: {"model": ErrorBody, "description": "unknown service or document kind"},
            404: {"model": ErrorBody, "description": "no such record in the registry"},
            409: {"model": ErrorBody, "description": "no consent, or another office's case"},
            429: {"description": "too many look-ups from this device; Retry-After"},
        },
    )
    def lookup(body: LookupRequest, key: Device) -> Any:
        """A document-free look-up (免書證免謄本) with the citizen's consent: the county's
        signed record of one document kind for the case's subject (docs/lookups.md)."""
        wait = limits.lookup_device.hit(f"lookup:{key}")
        if wait:
            raise too_many(wait, "look-ups from this device")
        now = clock()
        try:
            with tx() as s:
                dev = dev_of(s, key)
                answer = lookups.lookup(s, dev, body, now, service.signing_key(s, "receipt"))
                lookup_log.record(
                    s, dev, body, lookup_log.ANSWERED, now=now, result_id=answer["result_id"]
                )
                return answer
        except lookups.LookupRefused as e:
            with tx() as s:  # a refused look-up is kept too: who asked for whose record
                lookup_log.record(s, dev_of(s, key), body, e.code, now=now)
            return JSONResponse(
                ErrorBody(
                    code=e.code, message_zh=e.message_zh, message_en=e.message_en
                ).model_dump(),
                status_code=e.status,
            )


def report_routes(r: Routes) -> None:
    """Targets and the supervisor reports (JSON and HTML page)."""
    app, clock = r.app, r.clock

    @app.get(f"/{API_VERSION}/targets", tags=["reports"], responses=ERRORS)
    def targets(key: Device) -> dict[str, Any]:
        """This office's monthly targets (appendix 18), as its feed carries them."""
        with r.read() as s:
            office = dev_of(s, key).office
            return {"office": office, "targets": reports.targets_of(s, office)}

    # any text: ``reports.report_day`` refuses it as ``report.dates`` in words (a pattern here
    # answered 115-12-01, the ROC year, with FastAPI's English 422 and no way to write it)
    DayFrom = Annotated[str, Query(alias="from", description="YYYY-MM-DD")]  # noqa: N806
    DayTo = Annotated[str, Query(alias="to", description="YYYY-MM-DD")]  # noqa: N806
    Kind = Annotated[str, PathParam(pattern=r"^(on-time|usage|savings|targets)$")]  # noqa: N806

    def county_report(kind: str, start: str, end: str) -> Report:
        try:
            period = (reports.report_day(start, "from"), reports.report_day(end, "to"))
            with r.read() as s:
                catalogue = notify.county_catalogue(s)
                today = clock().astimezone(TAIPEI).date()
                return reports.compute(s, catalogue, kind, *period, today=today)
        except DomainError as e:
            raise HTTPException(400, body_of(e.code, e.message_zh, e.message_en)) from None

    @app.get(
        f"/{API_VERSION}/reports/{{kind}}",
        tags=["reports"],
        responses=ERRORS | {400: {"description": "bad period"}},
    )
    def report_json(kind: Kind, start: DayFrom, end: DayTo, _key: Device) -> dict[str, Any]:
        """A supervisor report over every office (the JSON of ``report KIND --json``); like
        every route, for an enrolled device's credential."""
        return reports.report_json(county_report(kind, start, end))

    @app.get("/reports/{kind}", tags=["reports"], response_class=HTMLResponse, responses=ERRORS)
    def report_page(kind: Kind, start: DayFrom, end: DayTo, _key: Device) -> HTMLResponse:
        """The same report as a small HTML page (``eservice-county-server report KIND --html
        FILE`` writes it on the server without a credential)."""
        return HTMLResponse(
            reports.report_html(county_report(kind, start, end)), headers=reports.PAGE_HEADERS
        )
