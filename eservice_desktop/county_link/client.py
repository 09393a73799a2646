"""HTTP client of the county protocol: one method per route of ``/v1`` (push, pull, enrolment,
operators, look-ups, attachments), each answer read as its wire schema.

The transport under it (requests: gzip both ways, bearer credential, pinned CA, per-request and
per-round deadlines) is county_link/transport.py; its names are importable from here too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from eservice_desktop.county_link.errors import (
    AuthError,
    ChainBehind,
    ConfigError,
    CountyOlder,
    DeviceRevoked,
    LookupRefused,
    Offline,
    RateLimited,
    RequestRefused,
    ServerError,
    SyncError,
    WrongOffice,
    error_named,
    sync_error_message,
)
from eservice_desktop.county_link.protocol import (
    AccessPushRequest,
    AccessPushResponse,
    AttachmentStart,
    AttachmentState,
    ChainGap,
    Change,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    LookupRequest,
    OperatorsResponse,
    OperatorVerifyRequest,
    OperatorVerifyResponse,
    PublishedKeys,
    PullResponse,
    PushRequest,
    PushResponse,
    StatusResponse,
    WireAccess,
    WireEvent,
    seq_of,
)
from eservice_desktop.county_link.transport import (
    GZIP_MIN,
    MAX_RESPONSE,
    REQUEST_DEADLINE_S,
    ROUND_DEADLINE_S,
    CountyTransport,
    check_url,
    is_loopback,
    refusal,
)

if TYPE_CHECKING:
    import requests

#: The errors are defined in county_link.errors, the transport in county_link.transport; both
#: are named here, where callers import them.
__all__ = [
    "GZIP_MIN",
    "MAX_RESPONSE",
    "REQUEST_DEADLINE_S",
    "ROUND_DEADLINE_S",
    "AuthError",
    "ChainBehind",
    "ConfigError",
    "CountyClient",
    "CountyOlder",
    "CountyTransport",
    "DeviceRevoked",
    "LookupRefused",
    "Offline",
    "RateLimited",
    "RequestRefused",
    "ServerError",
    "SyncError",
    "WrongOffice",
    "check_url",
    "error_named",
    "is_loopback",
    "sync_error_message",
]


class CountyClient(CountyTransport):
    """The county's routes, one method each, over the transport (``_send``, ``_json``)."""

    def health(self) -> dict[str, Any]:
        r = self._send("GET", "/health")
        return dict(r.json())

    def enrol(self, code: str, device: str, label: str = "", office: str = "") -> EnrolResponse:
        """Trades the code for a credential; the county refuses (409, :class:`WrongOffice`) a
        code issued for another office than ``office`` without using it."""
        req = EnrolRequest(code=code, device=device, label=label, office=office)
        r = self._send("POST", "/enrol", body=req.model_dump(mode="json"))
        if r.status_code == 409:
            try:
                body = ErrorBody.model_validate_json(r.content)
            except ValidationError:
                body = None
            if body is not None and body.code == "enrol.office_mismatch":
                raise WrongOffice(body.message_zh, body.message_en)
        if r.status_code == 429:
            raise RateLimited(r.headers.get("Retry-After", ""), 429)
        return self._json(r, EnrolResponse)

    def operators(self, since: str) -> OperatorsResponse:
        """This office's operators changed since version ``since`` (argon2id hashes)."""
        return self._json(
            self._send("GET", "/operators", params={"since": since}), OperatorsResponse
        )

    def verify_operator(self, account: str, password: str) -> OperatorVerifyResponse:
        """Checks an operator's password at the county (rate-limited there)."""
        body = OperatorVerifyRequest(account=account, password=password).model_dump()
        r = self._send("POST", "/operators/verify", body=body)
        if r.status_code == 429:
            raise RateLimited(r.headers.get("Retry-After", ""), 429)
        return self._json(r, OperatorVerifyResponse)

    def demo_enrol_code(self, office: str, device: str | None = None) -> str:
        params = {"office": office} if device is None else {"office": office, "device": device}
        r = self._send("POST", "/demo/enrol-code", params=params)
        if r.status_code == 404:  # no such route: a county not started with --demo
            raise RequestRefused("the county server is not in demo mode", 404)
        if r.status_code != 200:  # e.g. the device was revoked: the county's own reason
            raise refusal(r)
        return str(r.json()["code"])

    def status(self) -> StatusResponse:
        return self._json(self._send("GET", "/status"), StatusResponse)

    def keys(self) -> PublishedKeys:
        """The county's public signing keys, retired ones included."""
        return self._json(self._send("GET", "/keys"), PublishedKeys)

    def push(self, events: list[WireEvent], gaps: list[ChainGap] | None = None) -> PushResponse:
        request = PushRequest(events=events, gaps=gaps or [])
        # no gaps key unless there are gaps: a county from before the chain still takes it
        body = request.model_dump(mode="json", exclude=None if gaps else {"gaps"})
        return self._json(self._send("POST", "/events", body=body), PushResponse)

    def push_encoded(
        self, body: bytes, *, answer_behind: bool = False, acknowledged_through: str = ""
    ) -> PushResponse:
        """A push whose body the caller encoded (``protocol.push_body``): sent as it is, no
        model built and dumped first (the county checks it; a 422 raises RequestRefused).
        ``answer_behind``: a county that holds the device's chain only up to an earlier link
        answers so (:class:`ChainBehind`) instead of taking the batch with ``chain.broken``
        (a county before it takes it so in any case). ``acknowledged_through``: the body's
        events up to this one were acknowledged by the county before it was restored from an
        older backup (it queues none of their notices again; a county before it ignores it)."""
        params: dict[str, str] = {"on_behind": "answer"} if answer_behind else {}
        if acknowledged_through:
            params["acknowledged_through"] = acknowledged_through
        r = self._send("POST", "/events", encoded=body, params=params or None)
        if r.status_code == 409 and answer_behind:
            raise chain_behind(r)
        return self._json(r, PushResponse)

    def push_access(self, records: list[WireAccess]) -> AccessPushResponse:
        # ``recorded_as`` only where a record has one: a county older than the field refuses
        # every record naming it, null or not
        body = AccessPushRequest(records=records).model_dump(mode="json", exclude_none=True)
        return self._json(self._send("POST", "/access", body=body), AccessPushResponse)

    def pull(
        self,
        since: str,
        limit: int = 500,
        include_own: bool = False,
        count: bool = False,
        since_at: str = "",
        *,
        pending: int | None = None,
    ) -> PullResponse:
        """A page of the office's changes after ``since``; ``count`` asks the county how many
        remain after it (``PullResponse.remaining``; None from a county before it). Every pull
        asks for the cursor's time (``cursor_at``) and sends back the one of ``since``
        (``since_at``), by which the county tells a feed it no longer holds as it was
        (``rewound_to``; a county before it answers neither). ``pending``: this device's
        events still to push, which the county keeps when none (``synced_at``), and asks for
        the office's counters and when each last synced (``PullResponse.devices``)."""
        params: dict[str, Any] = {"since": since, "limit": limit, "stamped": "true"}
        if pending is not None:
            params["pending"] = pending
            params["devices"] = "true"
            params["revoked"] = "true"  # a county before it ignores it (no ``revoked``)
        if since_at:
            params["since_at"] = since_at
        if include_own:
            params["include_own"] = "true"
        if count:
            params["count"] = "true"
        r = self._send("GET", "/changes", params=params)
        try:
            page = self._json(r, PullResponse)
        except ServerError:
            page = read_page(r.content)
        check_page_cursor(since, page)
        return page

    def case(self, case_id: str) -> dict[str, Any] | None:
        r = self._send("GET", f"/cases/{case_id}")
        if r.status_code == 404:
            return None
        if r.status_code >= 400:
            raise RequestRefused(str(r.status_code), r.status_code)
        try:
            data = r.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):  # a list or a page in its place: no case to read
            raise ServerError("unreadable answer from county")
        return data

    def lookup(self, req: LookupRequest) -> dict[str, Any]:
        """``POST /v1/lookups``: the county's signed result (verified by the caller);
        :class:`LookupRefused` with the county's reason, :class:`RateLimited` on 429."""
        r = self._send("POST", "/lookups", body=req.model_dump(mode="json"))
        if r.status_code == 429:
            raise RateLimited(r.headers.get("Retry-After", ""), 429)
        if r.status_code >= 400:
            try:
                body = ErrorBody.model_validate_json(r.content)
            except ValidationError:
                raise RequestRefused(f"{r.status_code}", r.status_code) from None
            raise LookupRefused(body.code, body.message_zh, body.message_en, r.status_code)
        try:
            data = r.json()
        except ValueError:
            raise ServerError("unreadable answer from county") from None
        if not isinstance(data, dict):
            raise ServerError("unreadable answer from county")
        return data

    def attachment_start(self, sha256: str, start: AttachmentStart) -> AttachmentState:
        r = self._send("POST", f"/attachments/{sha256}", body=start.model_dump(mode="json"))
        return self._json(r, AttachmentState)

    def attachment_chunk(self, sha256: str, offset: int, data: bytes) -> AttachmentState:
        r = self._send("PUT", f"/attachments/{sha256}/chunks/{offset}", raw=data)
        return self._json(r, AttachmentState)


def chain_behind(r: requests.Response) -> RequestRefused:
    """A 409 to a push that asked for ``chain.behind``: that answer with the county's head,
    or the refusal as any other 409 (another reason, or a head that is no hash)."""
    try:
        data = r.json()
    except ValueError:
        return refusal(r)
    head = data.get("head") if isinstance(data, dict) else ""
    if data.get("code") != "chain.behind" or not (head is None or _is_hash(head)):
        return refusal(r)
    return ChainBehind(head)


def _is_hash(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in _HEX for c in value)


_HEX = frozenset("0123456789abcdef")


def check_page_cursor(since: str, page: PullResponse) -> None:
    """Refuses (ServerError, before anything of the page is applied or its cursor stored) a
    page whose cursor goes back before ``since``, whose changes lie outside (``since``,
    cursor] or out of order, or that says ``more`` without ending at its last change: the
    county writes none of these, and the office stores the cursor and asks after it next
    time, so a county that planted one would make the office skip changes it never saw (a
    cursor far ahead) or pull the same ones for ever (a cursor going back)."""
    try:
        start = seq_of(since)
    except ValueError:  # stored by an older build: the county answered it all the same
        start = 0
    if page.rewound_to is not None:  # the county's feed ends before ``since`` now
        rewound = seq_of(page.rewound_to)
        if rewound >= start:
            raise ServerError("county rewound its feed forwards")
        start = rewound
    end = seq_of(page.cursor)  # the model's pattern and range hold already
    if end < start:
        raise ServerError("county cursor went backwards")
    last = start
    for change in page.changes:  # in the county's order: rising seqs
        if not last < change.seq <= end:
            raise ServerError("county cursor does not match its changes")
        last = change.seq
    for raw in page.unreadable:  # set aside; their seqs still lie within the page
        seq = raw.get("seq") if isinstance(raw, dict) else None
        if type(seq) is not int:
            last = end  # no seq to hold the page's end to
        elif not start < seq <= end:
            raise ServerError("county cursor does not match its changes")
        else:
            last = max(last, seq)
    if page.more and last != end:
        raise ServerError("county cursor does not match its changes")


def read_page(content: bytes) -> PullResponse:
    """A pull page one of whose changes is no :class:`Change`, read change by change: those
    that are not are kept as they came (``PullResponse.unreadable``) for the office to set
    aside, so one change this build cannot read no longer refuses the whole page (every later
    round then failed on the same page). An answer that is no page at all stays ServerError."""
    try:
        doc = json.loads(content)
        raw = doc["changes"]
        if not isinstance(raw, list):
            raise TypeError("changes")
        good: list[Change] = []
        bad: list[Any] = []
        for item in raw:
            try:
                good.append(Change.model_validate(item))
            except ValidationError:
                bad.append(item)
        page = PullResponse.model_validate({**doc, "changes": good})
    except (ValueError, KeyError, TypeError) as e:  # ValidationError is a ValueError
        raise ServerError("unreadable answer from county") from e
    page.unreadable.extend(bad)
    return page
