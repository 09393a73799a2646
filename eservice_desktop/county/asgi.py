"""The county server's HTTP face (FastAPI): protocol v1 over :mod:`county.service`.

Handlers are plain ``def`` functions (FastAPI runs them on its thread pool) and each opens one
transaction. Request bodies may be gzip-compressed (``Content-Encoding: gzip``); responses are
compressed when the client accepts it.
"""

# no `from __future__ import annotations`: FastAPI must see the real annotation objects of
# the handlers defined inside the route groups below.

import gc
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from eservice_desktop.county import api_page, channel_api, lookup_log, lookups, notify, service
from eservice_desktop.county.edge import (
    CLIENT_TIMEOUT_S,
    PARSED_BODY,
    BoundedStrictBodies,
    Limits,
)
from eservice_desktop.county.http_common import Routes
from eservice_desktop.county.office_routes import (
    attachment_chunk_route,
    attachment_routes,
    lookup_routes,
    operator_routes,
    report_routes,
)
from eservice_desktop.county.quiet_errors import QuietErrors
from eservice_desktop.county.refusals import answer_of, database_reason, refusal
from eservice_desktop.county.security_headers import SecurityHeaders
from eservice_desktop.county.store import create_schema, make_engine, scrub, utcnow
from eservice_desktop.county.sync_routes import case_routes, demo_routes, device_routes, sync_routes
from eservice_desktop.county.vault import Vault, unlock
from eservice_desktop.county_link.protocol import API_VERSION

log = logging.getLogger("eservice.county.http")
#: How soon an office may try again after the county's database failed it.
_RETRY = {"Retry-After": "30"}


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
        keyed = lookup_log.key_old_rows(s)
    if sealed or keyed:
        scrub(engine)
    return engine, sessions


class _ParsedOnce(APIRoute):
    """A route whose JSON body the edge middleware parsed already (strictly, county/edge.py):
    FastAPI validates that value instead of parsing the same bytes a second time.

    A ``GET`` route also answers ``HEAD`` as it answers ``GET`` (its status and headers; the
    HTTP server sends no body), as HTTP asks of every server and as Starlette's own routes
    (``/openapi.json``, ``/docs``) do: FastAPI's routes answered 405, so a monitoring tool
    checking ``/v1/health`` with ``HEAD`` (curl -I, uptime checks, load balancers) saw the
    county down while it served. ``HEAD`` stays out of the OpenAPI document (one operation per
    route, as before)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        return super().matches(self._as_get(scope))

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # the server's own scope keeps HEAD: uvicorn then sends the head without the body
        await super().handle(self._as_get(scope), receive, send)

    def _as_get(self, scope: Scope) -> Scope:
        if scope.get("method") == "HEAD" and "GET" in (self.methods or ()):
            return {**scope, "method": "GET"}
        return scope

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def parsed_once(request: Request) -> Response:
            if PARSED_BODY in request.scope:
                request._json = request.scope[PARSED_BODY]
            return await handler(request)

        return parsed_once


def create_app(
    db_url: str,
    *,
    secret: bytes,
    demo: bool = False,
    gateway: notify.Gateway | None = None,
    dispatch: bool = True,
    clock: Callable[[], datetime] = utcnow,
    limits: Limits | None = None,
    client_timeout_s: float = CLIENT_TIMEOUT_S,
) -> FastAPI:
    """The server over ``db_url``; ``secret`` (passphrase or key file bytes) opens the sealed
    signing keys and operator hashes (raises vault.WrongSecret when it does not); a request
    body that stops flowing for ``client_timeout_s`` is answered 408 (county/edge.py)."""
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

    app = FastAPI(
        title="eservice county server",
        version=API_VERSION,
        description="Sync protocol between the district offices and the county "
        "(see docs/protocol.md).",
        lifespan=_lifespan(engine, dispatcher),
        # FastAPI's Swagger UI and ReDoc load their scripts from public CDNs: the API's page
        # is the county's own, offline and script-free (county/api_page.py)
        docs_url=None,
        redoc_url=None,
    )
    app.router.route_class = _ParsedOnce
    # innermost: what the routes and FastAPI's handlers let through, logged without its text
    app.add_middleware(QuietErrors)
    # level 5: a pull page shrinks nearly as much as at 9, for a third of the CPU
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.add_middleware(
        BoundedStrictBodies, enrol_limiter=limits.enrol_source, client_timeout_s=client_timeout_s
    )
    # outermost: the edge's own refusals carry the headers too (county/security_headers.py)
    app.add_middleware(SecurityHeaders)
    app.state.sessions = sessions
    app.state.engine = engine
    app.state.limits = limits

    _register_routes(Routes(app, sessions, clock, limits), demo)
    _error_handlers(app)
    return app


def _lifespan(
    engine: Engine, dispatcher: notify.Dispatcher | None
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The notice dispatcher runs while the server serves; the database closes after it."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _settle_heap()
        if dispatcher:
            dispatcher.start()
        yield
        if dispatcher:
            dispatcher.stop()
        engine.dispose()

    return lifespan


_heap_settled = False


def _settle_heap() -> None:
    """Once per process, when the first county app starts serving: what is alive by then (the
    modules, the app, its routes and schemas) lives as long as the process, so it is moved out
    of the cyclic garbage collector's way (``gc.freeze``, after a collection, so no garbage is
    kept). A push of a thousand events makes tens of thousands of objects that outlive a
    young collection; the full collections they set off each walked all of it again (an
    eighth of a push's CPU on the county). Objects made later are collected as before."""
    global _heap_settled  # noqa: PLW0603 - one process, one heap
    if not _heap_settled:
        _heap_settled = True
        gc.collect()
        gc.freeze()


def _register_routes(r: Routes, demo: bool) -> None:
    """Every route group of the server; the demo enrolment codes only on a demo server."""
    device_routes(r)
    if demo:
        demo_routes(r)
    sync_routes(r)
    case_routes(r)
    operator_routes(r)
    attachment_routes(r)
    attachment_chunk_route(r)
    lookup_routes(r)
    report_routes(r)
    channel_api.register(r.app, r.sessions, r.clock)
    api_page.register(r.app)


def _error_handlers(app: FastAPI) -> None:
    """Refused input answers where and why (never the value); Forbidden is a 403; every other
    refusal answers its code with zh-TW and English words (county/refusals.py)."""

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
        return JSONResponse(answer_of(403, str(e)), status_code=403)

    @app.exception_handler(OperationalError)
    async def _database_unavailable(_r: Request, e: OperationalError) -> JSONResponse:
        # PostgreSQL down or restarting, a disk full, SQLite locked past its busy timeout: a
        # 503 the office retries, and one line for county IT (a traceback a request before)
        log.error("county database unavailable (%s): answered 503", database_reason(e))
        return JSONResponse(refusal("server.database"), status_code=503, headers=_RETRY)

    @app.exception_handler(StarletteHTTPException)
    async def _refused(_r: Request, e: StarletteHTTPException) -> JSONResponse:
        # code, zh-TW and English (county/refusals.py), not FastAPI's {"detail": "<English>"}
        return JSONResponse(
            answer_of(e.status_code, e.detail), status_code=e.status_code, headers=e.headers
        )
