"""Typed payloads: one small frozen dataclass per case event type (``domain.events``).

``Cls.from_payload(p)`` checks every value the way every office and the county must accept it
(the field rules live here, once; ``domain.event_values`` runs them) and ``Cls.read(p)`` takes a
payload that was already checked (a stored or ingested event) without checking it again.
``to_payload()`` gives back exactly the dict it was made from, because the hash chain
(``domain.chain``) hashes payload dicts: a key the class does not name, and a named optional
key written as ``null``, are kept in ``extra`` as they came, so absent and ``null`` stay apart.

A named field is required (missing: its rule reports it), optional (``None`` when absent), or
optional with a default the readers assume when absent (``phone`` is ``""``): for those an
explicit ``null`` is refused like any other bad value, as it always was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Self

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values as v
from eservice_desktop.domain.case_number import CaseNumber, parse_case_number
from eservice_desktop.domain.errors import DomainError

PICKUP_METHODS = ("counter", "mail", "other_office")

Rule = Callable[[Any], Any]


def _dict(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DomainError("value.type", f"{name} 格式錯誤", f"{name} must be an object", name)
    return value


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise DomainError("value.type", f"{name} 格式錯誤", f"{name} must be a list", name)
    return value


def _text(name: str, max_len: int, min_len: int = 0, *, multiline: bool = False) -> Rule:
    return lambda x: v.check_text(x, name, max_len=max_len, min_len=min_len, multiline=multiline)


def _req(rule: Rule | None = None) -> Any:
    """A key every payload of the type carries."""
    return field(metadata={"rule": rule, "kind": "required"})


def _opt(rule: Rule | None = None) -> Any:
    """A key that may be absent or ``null`` (both ``None`` here; ``null`` is kept in extra)."""
    return field(default=None, metadata={"rule": rule, "kind": "optional"})


def _dflt(rule: Rule) -> Any:
    """A key that may be absent (the readers assume a default) but never ``null``."""
    return field(default=None, metadata={"rule": rule, "kind": "defaulted"})


@dataclass(frozen=True)
class _Spec:
    name: str
    rule: Rule | None
    kind: str
    nested: type[Fields] | None


@dataclass(frozen=True, kw_only=True)
class Fields:
    """The reading and writing every payload (and nested object of one) shares."""

    #: Keys this class does not name, and named optional keys written as null, as they came.
    extra: Mapping[str, Any] = field(default_factory=dict)

    _specs: ClassVar[tuple[_Spec, ...]] = ()
    _names: ClassVar[frozenset[str]] = frozenset()
    #: Nested objects: field name -> the class of its value.
    _NESTED: ClassVar[Mapping[str, type[Fields]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._specs = ()  # filled on first use: the dataclass decorator runs after this hook

    @classmethod
    def _field_specs(cls) -> tuple[_Spec, ...]:
        if not cls._specs:
            named = [f for f in fields(cls) if f.name != "extra"]
            own = [f for f in named if f.name not in _COMMON]
            cls._specs = tuple(
                _Spec(f.name, f.metadata["rule"], f.metadata["kind"], cls._NESTED.get(f.name))
                for f in (*own, *(f for f in named if f.name in _COMMON))
            )
            cls._names = frozenset(f.name for f in named)
        return cls._specs

    @classmethod
    def from_payload(cls, p: Mapping[str, Any]) -> Self:
        """The typed payload of ``p``; raises DomainError for the first value no office takes."""
        return cls._build(p, checked=True)

    @classmethod
    def read(cls, p: Mapping[str, Any]) -> Self:
        """The typed payload of an already checked ``p`` (no value is checked again); a
        required key missing raises KeyError."""
        return cls._build(p, checked=False)

    @classmethod
    def _build(cls, p: Mapping[str, Any], *, checked: bool) -> Self:
        kw: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for spec in cls._field_specs():
            name = spec.name
            value = p.get(name)
            if value is None and spec.kind != "required":
                if name in p:
                    extra[name] = None  # written as null: kept apart from absent
                    if checked and spec.kind == "defaulted" and spec.rule is not None:
                        spec.rule(None)  # refuses the null
                continue
            if name not in p:
                if checked and spec.rule is not None:
                    spec.rule(None)  # names the missing key the way its rule does
                raise KeyError(name)
            value = p[name]
            if checked and spec.rule is not None:
                value = spec.rule(value)
            kw[name] = value if spec.nested is None else spec.nested._build(value, checked=checked)
        extra.update((k, x) for k, x in p.items() if k not in cls._names)
        return cls(**kw, extra=extra)

    def to_payload(self) -> dict[str, Any]:
        """Exactly the payload this was made from (a new dict)."""
        out: dict[str, Any] = {}
        for spec in self._field_specs():
            value = getattr(self, spec.name)
            if value is not None:
                out[spec.name] = value.to_payload() if spec.nested is not None else value
        out.update(self.extra)
        return out


#: Fields every event type may carry; checked after the type's own.
_COMMON = ("reason", "supplement_reason")


@dataclass(frozen=True, kw_only=True)
class EventPayload(Fields):
    """The payload of one event type (``TYPE``)."""

    TYPE: ClassVar[str] = ""

    reason: str | None = _opt(_text("reason", v.REASON_MAX, multiline=True))
    #: Not written any more; still checked wherever a payload carries it.
    supplement_reason: str | None = _opt(_text("supplement_reason", v.REASON_MAX, multiline=True))


# --- case.received ---------------------------------------------------------------------------


def check_case_number(value: Any) -> CaseNumber:
    """The case number's rule (the receiving office's match is ``event_values``')."""
    return parse_case_number(v.check_text(value, "case_number", max_len=24))


def _case_number(value: Any) -> str:
    check_case_number(value)
    return str(value)


@dataclass(frozen=True, kw_only=True)
class Applicant(Fields):
    kind: str = _req(_text("kind", 12, 1))
    id_type: str = _req(_text("id_type", 12, 1))
    id: str = _req(_text("applicant_id", 16, 1))
    name: str = _req(v.check_name)


def _pickup_method(value: Any) -> Any:
    if value not in PICKUP_METHODS:
        raise DomainError("pickup.method", "領件方式不正確", "Unknown pickup method", "pickup")
    return value


@dataclass(frozen=True, kw_only=True)
class Pickup(Fields):
    method: str | None = _dflt(_pickup_method)
    office: str | None = _dflt(lambda x: v.check_office(x, "pickup_office"))


def _fields(value: Any) -> dict[str, Any]:
    for key, item in _dict(value, "fields").items():
        v.check_text(key, "fields", max_len=v.FIELD_KEY_MAX, min_len=1)
        if isinstance(item, str):
            v.check_text(item, key, max_len=v.FIELD_VALUE_MAX, multiline=True)
    return dict(value)


def _consent(value: Any) -> list[Any]:
    for kind in _list(value, "consent"):
        v.check_text(kind, "consent", max_len=40, min_len=1)
    return value  # type: ignore[no-any-return]


def _reservation(value: Any) -> Any:
    return v.check_iso_time(value, "reservation_at") if value else value


@dataclass(frozen=True, kw_only=True)
class Received(EventPayload):
    TYPE = ev.RECEIVED
    _NESTED: ClassVar[Mapping[str, type[Fields]]] = {"applicant": Applicant, "pickup": Pickup}

    case_number: str = _req(_case_number)
    service_code: str = _req(_text("service_code", v.SERVICE_CODE_MAX, 1))
    time_limit_working_days: int = _req(v.check_working_days)
    applicant: Applicant = _req(lambda x: _dict(x, "applicant"))
    phone: str | None = _dflt(_text("phone", v.PHONE_MAX))
    email: str | None = _dflt(v.check_email)
    copies: int | None = _dflt(v.check_copies)
    channel: str | None = _dflt(v.check_channel)
    reservation_at: str | None = _opt(_reservation)
    fields: dict[str, Any] | None = _dflt(_fields)
    consent: list[str] | None = _dflt(_consent)
    pickup: Pickup | None = _dflt(lambda x: _dict(x, "pickup"))
    #: The catalogue's required documents and those presented (not checked: advisory).
    documents: Any = _opt()


# --- the rest of a case's life ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Accepted(EventPayload):
    TYPE = ev.ACCEPTED
    note: str | None = _opt()


@dataclass(frozen=True, kw_only=True)
class ConsentRecorded(EventPayload):
    TYPE = ev.CONSENT_RECORDED
    kinds: list[str] | None = _opt()


@dataclass(frozen=True, kw_only=True)
class IdentityVerified(EventPayload):
    """The card's proof (``services.identity.proof_payload``), kept whole in ``extra``."""

    TYPE = ev.IDENTITY_VERIFIED


@dataclass(frozen=True, kw_only=True)
class SupplementRequested(EventPayload):
    TYPE = ev.SUPPLEMENT_REQUESTED
    items: list[Any] | None = _opt()


@dataclass(frozen=True, kw_only=True)
class SupplementReceived(EventPayload):
    TYPE = ev.SUPPLEMENT_RECEIVED
    note: str | None = _opt()


@dataclass(frozen=True, kw_only=True)
class Closed(EventPayload):
    TYPE = ev.CLOSED
    note: str | None = _opt()


@dataclass(frozen=True, kw_only=True)
class Rejected(EventPayload):
    TYPE = ev.REJECTED


@dataclass(frozen=True, kw_only=True)
class Cancelled(EventPayload):
    TYPE = ev.CANCELLED


@dataclass(frozen=True, kw_only=True)
class ReadyForPickup(EventPayload):
    TYPE = ev.READY_FOR_PICKUP
    office: str | None = _opt(lambda x: v.check_office(x, "pickup_office"))
    pickup_number: str | None = _opt(_text("pickup_number", 16))


@dataclass(frozen=True, kw_only=True)
class PickedUp(EventPayload):
    TYPE = ev.PICKED_UP
    #: Who collected the documents (``{"self": True}`` or a proxy's name and ID).
    by: dict[str, Any] | None = _opt()


@dataclass(frozen=True, kw_only=True)
class NoticeResendRequested(EventPayload):
    TYPE = ev.NOTICE_RESEND_REQUESTED
    stage: str = _req(_text("stage", 24, 1))


@dataclass(frozen=True, kw_only=True)
class ConflictRecorded(EventPayload):
    TYPE = ev.CONFLICT_RECORDED
    conflict_id: str = _req(_text("conflict_id", v.ID_MAX, 1))


@dataclass(frozen=True, kw_only=True)
class ConflictResolved(EventPayload):
    TYPE = ev.CONFLICT_RESOLVED
    conflict_id: str = _req(_text("conflict_id", v.ID_MAX, 1))


@dataclass(frozen=True, kw_only=True)
class ApprovalGranted(EventPayload):
    TYPE = ev.APPROVAL_GRANTED
    action: str = _req(_text("action", 40, 1))
    for_event: str = _req(lambda x: v.check_id(x, "for_event"))
    for_type: str | None = _opt(_text("for_type", 40))
    requested_by: str = _req(lambda x: v.check_clerk(x, "requested_by"))
    approved_by: str = _req(lambda x: v.check_clerk(x, "approved_by"))


# --- money -----------------------------------------------------------------------------------


def _fee_items(value: Any) -> list[Any]:
    for item in _list(value, "items"):
        for key, amount in _dict(item, "items").items():
            if isinstance(amount, int) and not isinstance(amount, bool):
                v.check_amount(abs(amount), key)
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True, kw_only=True)
class FeeAssessed(EventPayload):
    TYPE = ev.FEE_ASSESSED
    total: int = _req(lambda x: v.check_amount(x, "total"))
    items: list[dict[str, Any]] | None = _dflt(_fee_items)
    exemption_reason: str | None = _opt(_text("exemption_reason", v.REASON_MAX, multiline=True))
    #: The copies assessed (the case rule checks the range).
    copies: int | None = _opt()


def _payment_id() -> Any:
    return _req(_text("payment_id", v.PAYMENT_ID_MAX, 1))


def _amount(name: str) -> Rule:
    return lambda x: v.check_amount(x, name)


@dataclass(frozen=True, kw_only=True)
class PaymentRecorded(EventPayload):
    TYPE = ev.PAYMENT_RECORDED
    payment_id: str = _payment_id()
    method: str = _req(_text("method", 12, 1))
    amount: int = _req(lambda x: v.check_amount(x, positive=True))
    tendered: int | None = _opt(_amount("tendered"))
    change: int | None = _opt(_amount("change"))
    receipt_number: str | None = _opt(_text("receipt_number", v.RECEIPT_NUMBER_MAX))
    reference: str | None = _opt(_text("reference", v.REFERENCE_MAX))
    payment_tool: str | None = _opt(_text("payment_tool", 24))
    settlement_number: str | None = _opt(_text("settlement_number", 40))
    authorised_at: str | None = _opt(lambda x: v.check_iso_time(x, "authorised_at"))
    deposit_date: str | None = _opt(_text("deposit_date", 10))
    deposited: bool | None = _opt()


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(EventPayload):
    TYPE = ev.PAYMENT_REFUNDED
    payment_id: str = _payment_id()
    amount: int = _req(lambda x: v.check_amount(x, positive=True))


@dataclass(frozen=True, kw_only=True)
class PaymentVoided(EventPayload):
    TYPE = ev.PAYMENT_VOIDED
    payment_id: str = _payment_id()
    settlement_number: str | None = _opt(_text("settlement_number", 40))
    deposit_date: str | None = _opt(_text("deposit_date", 10))


@dataclass(frozen=True, kw_only=True)
class PaymentSettled(EventPayload):
    TYPE = ev.PAYMENT_SETTLED
    payment_id: str = _payment_id()
    settlement_number: str | None = _opt(_text("settlement_number", 40))
    deposit_date: str | None = _opt(_text("deposit_date", 10))
    deposited: bool | None = _opt()


def _receipt_number() -> Any:
    return _req(_text("receipt_number", v.RECEIPT_NUMBER_MAX, 1))


@dataclass(frozen=True, kw_only=True)
class ReceiptIssued(EventPayload):
    TYPE = ev.RECEIPT_ISSUED
    receipt_number: str = _receipt_number()


@dataclass(frozen=True, kw_only=True)
class ReceiptReprinted(EventPayload):
    TYPE = ev.RECEIPT_REPRINTED
    receipt_number: str = _receipt_number()


@dataclass(frozen=True, kw_only=True)
class ReceiptVoided(EventPayload):
    TYPE = ev.RECEIPT_VOIDED
    receipt_number: str = _receipt_number()


#: The three receipt events (their payloads carry the receipt number only, and a reason).
ReceiptPayload = ReceiptIssued | ReceiptReprinted | ReceiptVoided

#: Event type -> its payload class (every type of ``events.ALL_TYPES``).
PAYLOADS: Mapping[str, type[EventPayload]] = {
    c.TYPE: c
    for c in (
        Received,
        Accepted,
        ConsentRecorded,
        IdentityVerified,
        SupplementRequested,
        SupplementReceived,
        FeeAssessed,
        PaymentRecorded,
        PaymentRefunded,
        PaymentVoided,
        PaymentSettled,
        ReceiptIssued,
        ReceiptReprinted,
        ReceiptVoided,
        Closed,
        Rejected,
        Cancelled,
        ReadyForPickup,
        PickedUp,
        ConflictRecorded,
        ConflictResolved,
        NoticeResendRequested,
        ApprovalGranted,
    )
}


def payload_of(event: ev.Event) -> EventPayload:
    """The typed payload of an event that passed ``event_values.check_event``."""
    return PAYLOADS[event.type].read(event.payload)
