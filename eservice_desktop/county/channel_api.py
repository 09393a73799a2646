"""HTTP routes of the channels (web portal, kiosk) and of the citizen's status query.

``register`` adds them to the county app (docs/protocol.md "Channels", docs/channels.md):

- ``POST /v1/channel/applications`` and ``POST /v1/channel/payments``: a channel's bearer
  credential, 120 requests a minute per channel, bodies within the server's default limit
  (64 KiB), refused input answered 422 with the field, a code and zh-TW/English reasons.
- ``GET /v1/public/status`` (JSON) and ``GET /status`` (a small page readable on a phone; its
  form posts to ``POST /status``):
  case number + the last four characters of the applicant's ID; 20 failed queries a minute
  per client address, 10 a day per case number, then from addresses that failed none only
  (``status_case_limit``); masked data only.
"""

# no `from __future__ import annotations`: FastAPI must see the real annotation objects.

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from eservice_desktop.county import (
    channel_checks,
    channel_requests,
    channel_status,
    channels,
    service,
)
from eservice_desktop.county.channel_models import (
    CASE_NUMBER,
    ApplicationIn,
    ApplicationOut,
    PaymentIn,
    PaymentOut,
)
from eservice_desktop.county.edge import RateLimiter, client_key
from eservice_desktop.county.refusals import answer_of, refused
from eservice_desktop.county.status_case_limit import CaseQueryLimit, paused_words
from eservice_desktop.county.status_page import (
    NOT_FOUND,
    PAGE_HEADERS,
    TOO_MANY_QUERIES,
    Words,
    render_page,
    typed_problem,
)
from eservice_desktop.county.store import reading
from eservice_desktop.county_link.protocol import API_VERSION

CHANNEL_RATE = 120
STATUS_RATE = 20
WINDOW_S = 60.0
LAST4 = r"^[0-9A-Za-z]{4}$"


def register(
    app: FastAPI,
    sessions: sessionmaker[Session],
    clock: Callable[[], datetime],
    *,
    channel_limiter: RateLimiter | None = None,
    status_limiter: RateLimiter | None = None,
    case_limiter: CaseQueryLimit | None = None,
) -> None:
    """Adds the channels' routes and the citizen's status query to the county app."""
    per_channel = channel_limiter or RateLimiter(CHANNEL_RATE, WINDOW_S)
    per_client = status_limiter or RateLimiter(STATUS_RATE, WINDOW_S)
    per_case = case_limiter or CaseQueryLimit()
    app.state.channel_limiter, app.state.status_limiter = per_channel, per_client
    app.state.status_case_limiter = per_case

    @contextmanager
    def tx() -> Iterator[Session]:
        with sessions() as s, s.begin():
            yield s

    def read() -> AbstractContextManager[Session]:  # only reads: never behind a push
        return reading(sessions)

    channel_of = _channel_dependency(read, per_channel)
    _channel_routes(app, tx, clock, channel_of)
    _status_routes(app, read, (per_client, per_case, clock))


Transaction = Callable[[], AbstractContextManager[Session]]


def _channel_dependency(
    tx: Transaction, per_channel: RateLimiter
) -> Callable[..., channels.ChannelRow]:
    """The channel a request comes from, by its bearer credential: 401 unknown, 403 revoked,
    429 over its rate."""
    bearer = HTTPBearer(auto_error=False, description="Channel credential (county channel create)")

    def channel_of(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> channels.ChannelRow:
        try:
            with tx() as s:
                row = channels.authenticate(s, creds.credentials if creds else None)
        except service.AuthFailed:
            raise _refused(
                401, "unauthenticated", "通路憑證不明或未提供", {"WWW-Authenticate": "Bearer"}
            ) from None
        except service.Forbidden:
            raise _refused(403, "channel revoked", "此通路憑證已被撤銷") from None
        if not per_channel.allow(f"channel {row.name}"):
            raise HTTPException(429, "too many requests", {"Retry-After": "60"})
        return row

    return channel_of


_CHANNEL_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no or unknown channel credential"},
    403: {"description": "channel revoked, or a payment from a channel that cannot pay"},
    422: {"description": "refused: field, code, message_zh, message_en"},
    429: {"description": "rate limit"},
}


def _channel_routes(
    app: FastAPI,
    tx: Transaction,
    clock: Callable[[], datetime],
    channel_of: Callable[..., channels.ChannelRow],
) -> None:
    """``POST /v1/channel/applications`` and ``/v1/channel/payments``."""
    _application_route(app, tx, clock, channel_of)
    _payment_route(app, tx, clock, channel_of)


def _application_route(
    app: FastAPI,
    tx: Transaction,
    clock: Callable[[], datetime],
    channel_of: Callable[..., channels.ChannelRow],
) -> None:
    """``POST /v1/channel/applications``, with its optional ``Idempotency-Key``."""

    @app.post(
        f"/{API_VERSION}/channel/applications",
        response_model=ApplicationOut,
        status_code=201,
        tags=["channels"],
        responses=_CHANNEL_ERRORS
        | {409: {"description": "the Idempotency-Key was used for another application"}},
    )
    def submit(
        request: Request,
        body: ApplicationIn,
        ch: Annotated[channels.ChannelRow, Depends(channel_of)],
        # declared for the API's description; read with every value it was sent with by
        # _request_key (a key named twice is refused)
        idempotency_key: Annotated[
            str | None,
            Header(
                alias=channel_requests.HEADER,
                description="8-128 of A-Z a-z 0-9 - _ . : + / =; a retry with the same key "
                "and body answers the first answer (docs/channels.md)",
            ),
        ] = None,
    ) -> Any:
        """A web or kiosk application; the case reaches its office by the next sync pull."""
        try:
            key = _request_key(request, ch, body)
            with tx() as s:
                return channels.submit(s, ch, _application(body), clock(), key)
        except channel_checks.Refused as e:
            return JSONResponse(e.body(), status_code=422)
        except channel_requests.Replayed as r:
            return JSONResponse(r.answer, r.status, {"Idempotent-Replayed": "true"})
        except channel_requests.KeyReused:
            raise refused(409, "idempotency.key_reused") from None


def _payment_route(
    app: FastAPI,
    tx: Transaction,
    clock: Callable[[], datetime],
    channel_of: Callable[..., channels.ChannelRow],
) -> None:
    """``POST /v1/channel/payments``."""

    @app.post(
        f"/{API_VERSION}/channel/payments",
        response_model=PaymentOut,
        status_code=201,
        tags=["channels"],
        responses=_CHANNEL_ERRORS | {404: {"description": "no such case"}},
    )
    def pay(body: PaymentIn, ch: Annotated[channels.ChannelRow, Depends(channel_of)]) -> Any:
        """A fee paid at the kiosk (or on the web): an online payment on the case."""
        try:
            with tx() as s:
                return channels.pay(
                    s,
                    ch,
                    case_number=_dashed(body.case_number),  # as the schema lets it be sent
                    amount=body.amount,
                    transaction_id=body.transaction_id,
                    payment_tool=body.payment_tool.strip(),
                    now=clock(),
                )
        except channel_checks.Refused as e:
            return JSONResponse(e.body(), status_code=422)
        except LookupError:
            raise _refused(404, "no such case", "查無此案號") from None


def _request_key(
    request: Request, ch: channels.ChannelRow, body: ApplicationIn
) -> channel_requests.RequestKey | None:
    """The application's idempotency key (None without the header); a malformed one, or one
    named twice, is refused like a field."""
    values = request.headers.getlist(channel_requests.HEADER)
    if (error := channel_requests.key_error(values)) is not None:
        raise channel_checks.Refused({channel_requests.HEADER: error})
    if not values:
        return None
    return channel_requests.request_key(
        ch.name, values[0], body.applicant_id, body.model_dump(mode="json")
    )


def _application(body: ApplicationIn) -> channels.Application:
    return channels.Application(
        service_code=body.service_code,
        applicant_id=body.applicant_id,
        applicant_name=body.applicant_name,
        phone=body.phone,
        email=body.email,
        copies=body.copies,
        fields={k: str(v) for k, v in body.fields.items()},
        office=body.office,
        pickup_method=body.pickup_method,
        pickup_office=body.pickup_office,
        reservation_at=body.reservation_at,
    )


#: Per client address, per case number, and the wall clock a pause's end is said by.
Limiters = tuple[RateLimiter, CaseQueryLimit, Callable[[], datetime]]


def _status_routes(app: FastAPI, tx: Transaction, limits: Limiters) -> None:
    """``GET /v1/public/status`` (JSON) and ``GET /status`` (the page), rate-limited per
    client address and per case number."""
    per_client, per_case, clock = limits

    def client_allowed(request: Request) -> str:
        key = f"status from {_client(request)}"
        if not per_client.allow(key):
            raise HTTPException(429, "too many queries", {"Retry-After": "60"})
        return key

    @app.get(
        f"/{API_VERSION}/public/status",
        tags=["public"],
        responses={404: {"description": "no such case or the ID does not match"}, 429: {}},
    )
    def status_json(
        request: Request,
        case_number: Annotated[str, Query(pattern=CASE_NUMBER)],
        id_last4: Annotated[str, Query(pattern=LAST4)],
    ) -> dict[str, Any]:
        """The four stages and the pickup office of a case (masked data only)."""
        key, number = client_allowed(request), _dashed(case_number)
        if (asked := per_case.ask(number, _client(request))).wait:
            zh, en = paused_words(asked, clock())
            paused = {"code": "rate.too_many", "message_zh": zh, "message_en": en}
            raise HTTPException(429, paused, {"Retry-After": str(asked.wait)})
        with tx() as s:
            data = channel_status.status_of(s, number, id_last4)
        per_case.settle(number, _client(request), asked, data is not None)
        if data is not None:
            per_client.refund(key)  # only failures count: an address many share
        else:
            raise _refused(
                404, "no such case or the ID does not match", "查無此案件，或身分證號末四碼不符"
            )
        return data

    @app.get("/status", response_class=HTMLResponse, tags=["public"])
    def status_page(
        request: Request,
        # any text, answered by this page (the patterns below bound it): a length limit here
        # answered an over-long paste with an English JSON validation error instead
        case_number: Annotated[str, Query()] = "",
        id_last4: Annotated[str, Query()] = "",
    ) -> HTMLResponse:
        """The citizen's status page (zh-TW with English): a form, and the case when found
        (a query in the address, as a link may carry it)."""
        return _status_answer(request, tx, limits, case_number, id_last4)

    @app.post("/status", response_class=HTMLResponse, tags=["public"], openapi_extra=_FORM_BODY)
    async def status_form(request: Request) -> HTMLResponse:
        """The page's form, sent in its body: the case number and the ID's characters stay
        out of the address, so out of a shared browser's history and address bar (a kiosk's
        next user reopened the citizen's query from there, ``no-store`` notwithstanding)."""
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        number, last4 = (form.get(k, [""])[0] for k in ("case_number", "id_last4"))
        return await run_in_threadpool(_status_answer, request, tx, limits, number, last4)


#: What the page's form posts (read with every value as text, as the query is).
_FORM_BODY: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "case_number": {"type": "string"},
                        "id_last4": {"type": "string"},
                    },
                }
            }
        }
    }
}


def _status_answer(
    request: Request, tx: Transaction, limits: Limiters, case_number: str, id_last4: str
) -> HTMLResponse:
    """The page for what the citizen typed: the form again, with the case when found."""
    per_client, per_case, clock = limits
    data: dict[str, Any] | None = None
    messages: list[Words] = []
    case_number, id_last4 = _typed(case_number).strip(), _typed(id_last4).strip()
    key = f"status from {_client(request)}"
    if (case_number or id_last4) and not per_client.allow(key):
        # a page, not the JSON refusal, for a citizen at a phone (a shared address too)
        page = render_page(case_number[:30], None, [TOO_MANY_QUERIES])
        return _page(page, 429, {"Retry-After": "60"})
    if case_number or id_last4:
        messages = typed_problem(case_number, id_last4, CASE_NUMBER, LAST4)
        asked = per_case.ask(_dashed(case_number), _client(request)) if not messages else None
        if asked is not None and asked.wait:
            page = render_page(case_number[:30], None, [paused_words(asked, clock())])
            return _page(page, 429, {"Retry-After": str(asked.wait)})
        if asked is not None:
            with tx() as s:
                data = channel_status.status_of(s, _dashed(case_number), id_last4)
            messages = [] if data is not None else [NOT_FOUND]
            per_case.settle(_dashed(case_number), _client(request), asked, data is not None)
        if messages != [NOT_FOUND]:
            # a case found, or what can name none (its form): nothing was guessed, and the
            # phones behind a carrier's or an office's one address were refused together
            per_client.refund(key)
    page = render_page(case_number[:30], data, messages)
    return _page(page, 200 if data or not messages else 404)


def _page(page: str, status: int, extra: dict[str, str] | None = None) -> HTMLResponse:
    """The status page with its own headers (status_page.PAGE_HEADERS: CSP, no framing)."""
    return HTMLResponse(page, status_code=status, headers={**PAGE_HEADERS, **(extra or {})})


def _refused(
    status: int, reason_en: str, reason_zh: str, headers: dict[str, str] | None = None
) -> HTTPException:
    """A refusal whose zh-TW words carry its reason as the English ones do (the code and the
    English are what every route answers, county/refusals.py)."""
    body = answer_of(status, reason_en)
    body["message_zh"] += f"（{reason_zh}）"
    return HTTPException(status, body, headers)


def _client(request: Request) -> str:
    """The address the status queries are counted by (an IPv6 one by its /64: a host given a
    /64 guessed the four characters from a new address each time)."""
    return client_key(request.client)


#: Dashes a phone's keyboard or IME may type for "-" (NFKC leaves them as they are).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))


def _typed(text: str) -> str:
    """What a citizen typed on the page, as the case number and ID are written: full-width
    characters (an IME left in full-width mode: Ｈ０１－００…, ６７８９) folded, other dashes
    read as "-", spaces dropped (they were answered 查無此案件)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_DASHES)


def _dashed(number: str) -> str:
    """``H0100115000001c`` or ``H01-00-115-000001-c`` as the dashed form."""
    raw = number.replace("-", "").upper()
    return f"{raw[:3]}-{raw[3:5]}-{raw[5:8]}-{raw[8:14]}-{raw[14:]}"
