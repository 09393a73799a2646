"""The county server's HTTP face (FastAPI): protocol v1 over :mod:`county.service`.

Handlers are plain ``def`` functions (FastAPI runs them on its thread pool) and each opens one
transaction. Request bodies may be gzip-compressed (``Content-Encoding: gzip``); responses are
compressed when the client accepts it.
"""

# no `from __future__ import annotations`: FastAPI must see the real annotation objects of
# the handlers defined inside the route groups below.

import ipaddress
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import channel_api, feed, lookups, notify, reports, service
from eservice_desktop.county import operators as county_operators
from eservice_desktop.county.edge import PARSED_BODY, BoundedStrictBodies, Limits
from eservice_desktop.county.store import DeviceRow, create_schema, make_engine, scrub, utcnow
from eservice_desktop.county.vault import Vault, unlock
from eservice_desktop.county_link.protocol import (
    API_VERSION,
    CHUNK_SIZE,
    MAX_PULL_PAGE,
    AccessPushRequest,
    AccessPushResponse,
    AttachmentStart,
    AttachmentState,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    LookupRequest,
    OperatorsResponse,
    OperatorVerifyRequest,
    OperatorVerifyResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    StatusResponse,
    seq_of,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.report_model import Report

log = logging.getLogger("eservice.county.http")

SHA256_RE = r"^[0-9a-f]{64}$"


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def open_vault(engine: Engine, secret: bytes, now: datetime) -> Vault:
    """Unwraps the county's data key (creates it on a new database)."""
    with Session(engine) as s, s.begin():
        return unlock(s, secret, now)


def _open_store(
    db_url: str, secret: bytes, clock: Callable[[], datetime]
) -> tuple[Engine, sessionmaker[Session]]:
    """The database at this build's schema (county/migrate.py), the vault unlocked, plain
    keys of an older build sealed and the signing keys made when missing."""
    engine = make_engine(db_url)
    create_schema(engine)
    box = open_vault(engine, secret, clock())
    sessions = sessionmaker(engine, expire_on_commit=False, info={"vault": box})
    with sessions() as s, s.begin():
        sealed = service.seal_plain_keys(s)
        service.check_keys_open(s)
        service.ensure_keys(s, clock())
    if sealed:
        scrub(engine)
    return engine, sessions


class _ParsedOnce(APIRoute):
    """A route whose JSON body the edge middleware parsed already (strictly, county/edge.py):
    FastAPI validates that value instead of parsing the same bytes a second time."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def parsed_once(request: Request) -> Response:
            if PARSED_BODY in request.scope:
                request._json = request.scope[PARSED_BODY]
            return await handler(request)

        return parsed_once


def _json_of(answer: BaseModel) -> Response:
    """The answer serialised once (FastAPI would dump it and validate it again against the
    response model: the model stays declared for the OpenAPI document). The pull answers with
    its own document (county/feed.py: the stored feed JSON passed through)."""
    return Response(answer.model_dump_json(), media_type="application/json")


def create_app(
    db_url: str,
    *,
    secret: bytes,
    demo: bool = False,
    gateway: notify.Gateway | None = None,
    dispatch: bool = True,
    clock: Callable[[], datetime] = utcnow,
    limits: Limits | None = None,
) -> FastAPI:
    """The server over ``db_url``; ``secret`` (passphrase or key file bytes) opens the sealed
    signing keys and operator hashes (raises vault.WrongSecret when it does not)."""
    engine, sessions = _open_store(db_url, secret, clock)
    if demo:
        with sessions() as s, s.begin():
            lookups.seed_demo(s, clock())
    limits = limits or Limits()
    dispatcher = (
        notify.Dispatcher(sessions, gateway or notify.FileGateway(Path("county-outbox.jsonl")))
        if dispatch
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if dispatcher:
            dispatcher.start()
        yield
        if dispatcher:
            dispatcher.stop()
        engine.dispose()

    app = FastAPI(
        title="eservice county server",
        version=API_VERSION,
        description="Sync protocol between the district offices and the county "
        "(see docs/protocol.md).",
        lifespan=lifespan,
    )
    app.router.route_class = _ParsedOnce
    # level 5: a pull page shrinks nearly as much as at 9, for a third of the CPU
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.add_middleware(BoundedStrictBodies, enrol_limiter=limits.enrol_source)
    app.state.sessions = sessions
    app.state.engine = engine
    app.state.limits = limits

    r = _Routes(app, sessions, clock, limits)
    _device_routes(r)
    if demo:
        _demo_routes(r)
    _sync_routes(r)
    _case_routes(r)
    _operator_routes(r)
    _attachment_routes(r)
    _attachment_chunk_route(r)
    _lookup_routes(r)
    _report_routes(r)
    channel_api.register(app, sessions, clock)
    _error_handlers(app)
    return app


_bearer = HTTPBearer(auto_error=False, description="Device credential from enrolment")


def _device_key(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    sessions: sessionmaker[Session] = request.app.state.sessions
    try:
        with sessions() as s, s.begin():
            return service.authenticate(s, creds.credentials if creds else None).device_key
    except service.AuthFailed:
        raise HTTPException(401, "unauthenticated", {"WWW-Authenticate": "Bearer"}) from None
    except service.Forbidden:
        raise HTTPException(403, "device revoked") from None


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


def too_many(wait: int, what: str) -> HTTPException:
    return HTTPException(429, f"too many {what}", {"Retry-After": str(wait)})


class _Routes:
    """What every route group shares: the app, one transaction per handler, the clock and
    the rate limits."""

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


def _device_routes(r: _Routes) -> None:
    """Health and enrolment (rate-limited per address and per office)."""
    app, tx, clock, limits = r.app, r.tx, r.clock, r.limits

    @app.get(f"/{API_VERSION}/health", tags=["meta"])
    def health() -> dict[str, Any]:
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
            return JSONResponse(
                ErrorBody(
                    code="enrol.office_mismatch",
                    message_zh=f"此登記碼核發給 {e.code_office}，本機屬於 {e.device_office}；"
                    "登記碼仍可由該所使用",
                    message_en=f"This code was issued for office {e.code_office}, this device "
                    f"belongs to {e.device_office}; the code stays valid for its office",
                ).model_dump(),
                status_code=409,
            )
        except service.Forbidden:
            limits.enrol_office.record(office_key)
            raise HTTPException(403, "enrolment code unknown, used or expired") from None


def _demo_routes(r: _Routes) -> None:
    """Demo servers only: enrolment codes for loopback callers."""
    app, tx, clock = r.app, r.tx, r.clock

    @app.post(f"/{API_VERSION}/demo/enrol-code", tags=["demo"], include_in_schema=False)
    def demo_code(
        request: Request,
        office: Annotated[str, Query(pattern=r"^[A-Z][0-9]{2}$")],
        device: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    ) -> dict[str, str]:
        """Demo servers only, loopback callers only: lets `make run` enrol by itself. A
        named device gets a replacement code (audited), so the demo device keeps its
        number when `make run` starts again over the same demo data."""
        if not _is_loopback(request.client.host if request.client else None):
            raise HTTPException(403, "demo enrolment only from loopback")
        try:
            with tx() as s:
                return {"code": service.new_enrol_code(s, office, clock(), device=device)}
        except service.BadRequest as e:
            raise HTTPException(400, str(e)) from None


def _sync_routes(r: _Routes) -> None:
    """Status, push, access log, pull."""
    app, tx, clock = r.app, r.tx, r.clock

    @app.get(
        f"/{API_VERSION}/status", response_model=StatusResponse, tags=["sync"], responses=ERRORS
    )
    def status(key: Device) -> StatusResponse:
        with tx() as s:
            dev = dev_of(s, key)
            return StatusResponse(
                api_version=API_VERSION, office=dev.office, device=dev.device, server_time=clock()
            )

    @app.post(
        f"/{API_VERSION}/events", response_model=PushResponse, tags=["sync"], responses=ERRORS
    )
    def push(body: PushRequest, key: Device) -> Response:
        try:
            with tx() as s:
                answer = service.push(s, dev_of(s, key), body.events, clock(), gaps=body.gaps)
        except service.Forbidden as e:
            raise HTTPException(403, str(e)) from None
        return _json_of(answer)

    @app.post(
        f"/{API_VERSION}/access",
        response_model=AccessPushResponse,
        tags=["sync"],
        responses=ERRORS,
    )
    def push_access(body: AccessPushRequest, key: Device) -> AccessPushResponse:
        """The office's access log (who viewed, searched, printed or exported which case)."""
        try:
            with tx() as s:
                return service.push_access(s, dev_of(s, key), body.records, clock())
        except service.Forbidden as e:
            raise HTTPException(403, str(e)) from None

    @app.get(
        f"/{API_VERSION}/changes", response_model=PullResponse, tags=["sync"], responses=ERRORS
    )
    def pull(
        key: Device,
        since: Annotated[
            str, Query(pattern=r"^[0-9]{0,18}$", description="cursor from the last pull")
        ] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 500,
        include_own: Annotated[bool, Query(description="also this device's own events")] = False,
        count: Annotated[
            bool, Query(description="also tell how many changes remain after this page")
        ] = False,
    ) -> Response:
        with tx() as s:
            page = feed.pull(
                s,
                dev_of(s, key),
                seq_of(since),
                limit,
                clock(),
                include_own=include_own,
                count=count,
            )
        return Response(page.to_json(), media_type="application/json")


def _case_routes(r: _Routes) -> None:
    """One case routed to the office; the public signing keys."""
    app, tx = r.app, r.tx

    @app.get(
        f"/{API_VERSION}/cases/{{case_id}}",
        tags=["sync"],
        responses=ERRORS | {404: {"description": "unknown or not routed to this office"}},
    )
    def get_case(
        case_id: Annotated[str, PathParam(pattern=r"^[0-9A-Za-z-]{1,36}$")], key: Device
    ) -> dict[str, Any]:
        with tx() as s:
            data = service.case_for_office(s, dev_of(s, key), case_id)
        if data is None:
            raise HTTPException(404, "no such case for this office")
        return data

    @app.get(f"/{API_VERSION}/keys", tags=["sync"], responses=ERRORS)
    def keys(key: Device) -> dict[str, Any]:
        with tx() as s:
            return {
                "receipt": service.public_keys(s, "receipt"),
                "pickup": service.public_keys(s, "pickup"),
            }


def _operator_routes(r: _Routes) -> None:
    """An office's operators: pull and password check (rate-limited)."""
    app, tx, clock, limits = r.app, r.tx, r.clock, r.limits

    @app.get(
        f"/{API_VERSION}/operators",
        response_model=OperatorsResponse,
        tags=["operators"],
        responses=ERRORS,
    )
    def operators_pull(
        key: Device,
        since: Annotated[
            str, Query(pattern=r"^[0-9]{0,18}$", description="version from the last pull")
        ] = "",
    ) -> OperatorsResponse:
        """This office's operators changed since ``since``, with their argon2id hashes."""
        with tx() as s:
            dev = dev_of(s, key)
            records, version = county_operators.records_since(s, dev.office, seq_of(since))
            dev.last_seen_at = clock()
        return OperatorsResponse(operators=records, version=str(version), server_time=clock())

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
        source = request.client.host if request.client else "?"
        wait = limits.login_source.hit(f"login:{source}")
        if wait:
            raise too_many(wait, "password checks from this address")
        with tx() as s:
            office = dev_of(s, key).office
        account_key = f"login:{office}:{body.account}"
        wait = limits.login_account.retry_after(account_key)
        if wait:
            raise too_many(wait, "failed password checks for this account")
        with tx() as s:
            reason, roles = county_operators.verify(s, office, body.account, body.password)
        if reason:
            limits.login_account.record(account_key)
        return OperatorVerifyResponse(
            ok=not reason, reason=reason, account=body.account, roles=roles, server_time=clock()
        )


def _attachment_routes(r: _Routes) -> None:
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
        with tx() as s:
            state = service.attachment_get(s, dev_of(s, key), sha256)
        if state is None:
            raise HTTPException(404, "unknown attachment")
        return state


def _attachment_chunk_route(r: _Routes) -> None:
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


def _lookup_routes(r: _Routes) -> None:
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
        try:
            with tx() as s:
                return lookups.lookup(
                    s, dev_of(s, key), body, clock(), service.signing_key(s, "receipt")
                )
        except lookups.LookupRefused as e:
            return JSONResponse(
                ErrorBody(
                    code=e.code, message_zh=e.message_zh, message_en=e.message_en
                ).model_dump(),
                status_code=e.status,
            )


def _report_routes(r: _Routes) -> None:
    """Targets and the supervisor reports (JSON and HTML page)."""
    app, tx, clock = r.app, r.tx, r.clock

    @app.get(f"/{API_VERSION}/targets", tags=["reports"], responses=ERRORS)
    def targets(key: Device) -> dict[str, Any]:
        """This office's monthly targets (appendix 18), as its feed carries them."""
        with tx() as s:
            office = dev_of(s, key).office
            return {"office": office, "targets": reports.targets_of(s, office)}

    DayFrom = Annotated[  # noqa: N806
        str, Query(alias="from", pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD")
    ]
    DayTo = Annotated[  # noqa: N806
        str, Query(alias="to", pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD")
    ]
    Kind = Annotated[str, PathParam(pattern=r"^(on-time|usage|savings|targets)$")]  # noqa: N806

    def county_report(kind: str, start: str, end: str) -> Report:
        try:
            period = (date.fromisoformat(start), date.fromisoformat(end))
            with tx() as s:
                catalogue = notify.county_catalogue(s)
                today = clock().astimezone(reports.TAIPEI).date()
                return reports.compute(s, catalogue, kind, *period, today=today)
        except DomainError as e:
            raise HTTPException(400, f"{e.message_zh} / {e.message_en}") from None
        except ValueError:
            raise HTTPException(400, "日期須為 YYYY-MM-DD / dates must be YYYY-MM-DD") from None

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
        return HTMLResponse(reports.report_html(county_report(kind, start, end)))


def _error_handlers(app: FastAPI) -> None:
    """Refused input answers where and why (never the value); Forbidden is a 403."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, e: RequestValidationError) -> JSONResponse:
        # where and why, never the refused value itself (it may not even be encodable)
        detail = [
            {"loc": [str(x)[:64] for x in err.get("loc", ())], "msg": str(err.get("msg", ""))[:200]}
            for err in e.errors()[:20]
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(service.Forbidden)
    async def _forbidden(_r: Request, e: service.Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(e)}, status_code=403)
