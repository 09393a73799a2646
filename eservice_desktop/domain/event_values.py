"""Value checks of a whole case event: the envelope and the payload of each event type.

:func:`check_event` is what the counter runs before appending an event, what the wire schema
runs on the envelope, and what the county runs on every pushed event before accepting it (a
refusal there is a conflict, never a stored event that a receiving office cannot apply). It
checks values only; whether the event may follow the case's state is :func:`domain.case.check`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values as v
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.payloads import PAYLOADS, EventPayload, Received, check_case_number

#: ``values.check_id``'s pattern, for the envelope's quick test.
_ID = v.ID_RE.fullmatch


def check_envelope(e: Event) -> None:
    """The envelope's values, each by its rule; every event passes here, so the commonest
    envelope (ids that match, a UTC time inside the window, a known type) is tested first in
    one expression, and anything else takes the rules in their order (the same refusals)."""
    at, event_id, case_id = e.at, e.event_id, e.case_id
    if (
        type(event_id) is str is type(case_id)
        and _ID(event_id) is not None
        and _ID(case_id) is not None
        and type(at) is datetime
        and at.tzinfo is UTC
        and v.EARLIEST < at < v.LATEST  # a UTC time: its wall clock is check_time's
        and type(e.type) is str
        and e.type in ev.ALL_TYPES
    ):
        v.check_office(e.office)
        v.check_device(e.device)
        v.check_clerk(e.clerk)
        return
    check_envelope_in_order(e)


def check_envelope_in_order(e: Event) -> None:
    """The envelope's rules one after the other, each refusing in its own words: what
    :func:`check_envelope` decides for anything its quick test does not take."""
    v.check_id(e.event_id, "event_id")
    v.check_id(e.case_id, "case_id")
    v.check_office(e.office)
    v.check_device(e.device)
    v.check_clerk(e.clerk)
    v.check_time(e.at)
    if e.type not in ev.ALL_TYPES:
        raise DomainError("event.type", "事件類型不明", f"Unknown event type {e.type[:40]!r}")


def check_received(e: Event, *, json_checked: bool = False) -> Received:
    """The case number first, with its office (the number must belong to the office that
    received the case), then the rest of the received payload's rules; the typed payload.
    ``json_checked``: as ``Fields.from_payload``'s."""
    _office_matches(e.payload.get("case_number"), e.office)
    return Received.from_payload(e.payload, json_checked=json_checked)


def _office_matches(case_number: object, office: str) -> None:
    """Checks the case number (its rule, then that it is ``office``'s)."""
    if check_case_number(case_number).office != office:
        raise DomainError(
            "case_number.office",
            "案號不屬於收件機關",
            "The case number does not belong to the receiving office",
            "case_number",
        )


def _series_matches(receipt_number: object, e: Event) -> None:
    """A recorded payment's receipt number of the counters' form (``H01-02-115-R000003``) is
    of the recording counter's own series: a number of another office's or counter's series
    took that place in the series of the office that pulled it, where its own receipt of the
    number was then left out."""
    parts = receipt_number.split("-") if isinstance(receipt_number, str) else ()
    if len(parts) == 4 and (parts[0], parts[1]) != (e.office, e.device):
        raise DomainError(
            "receipt.series",
            "收據號碼不屬於登錄繳費的櫃檯",
            "The receipt number is not of the series of the counter that recorded the payment",
            "receipt_number",
        )


def _envelope_rules(e: Event, typed: EventPayload) -> EventPayload:
    """The payload's rules that read the envelope too (whose office a number is); ``typed``."""
    if e.type == ev.RECEIVED:
        _office_matches(typed.case_number, e.office)  # type: ignore[attr-defined]
    elif e.type in (ev.PAYMENT_RECORDED, ev.ONLINE_RECEIPT_ISSUED):
        _series_matches(typed.receipt_number, e)  # type: ignore[attr-defined]
    return typed


def check_payload(e: Event, *, json_checked: bool = False) -> EventPayload:
    """Each type's field rules are those of its payload class (``domain.payloads``); returns
    the typed payload they made. ``json_checked``: the payload passed ``values.check_json``
    already, every rule of it (the county's wire model runs it on every pushed event at the
    door): not walked a second time."""
    if not json_checked:
        # one walk for the JSON rules and the class's (the commonest case: a payload that
        # passes); when not sure, the two walks below, which raise the first refusal
        cls = PAYLOADS.get(e.type) if type(e.type) is str else None
        typed = None if cls is None else cls.quick_json(e.payload)
        if typed is not None:
            return _envelope_rules(e, typed)
        v.check_json(e.payload)
    # the JSON rules ran (here or at the door): the classes' rules skip what they settled
    if e.type == ev.RECEIVED:
        return check_received(e, json_checked=True)
    typed = PAYLOADS[e.type].from_payload(e.payload, json_checked=True)
    return _envelope_rules(e, typed)


def check_event(e: Event) -> EventPayload:
    """Raises DomainError when any value of ``e`` is not one every office can store and apply.
    Returns the typed payload the checks made (the same object ``payloads.payload_of`` reads):
    the rule (``case.check``) and the fold (``case.apply``) take it instead of reading the
    payload again."""
    check_envelope(e)
    return check_payload(e)
