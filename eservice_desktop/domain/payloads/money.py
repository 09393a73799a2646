"""The payloads of money: fee assessments, payments (recorded, refunded, voided, settled) and
receipts (issued, reprinted, voided, and an online payment's receipt issued by a counter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values as v
from eservice_desktop.domain.payloads.base import (
    EventPayload,
    Rule,
    as_dict,
    as_list,
    dflt,
    opt,
    req,
    text_rule,
)

#: The 經收人 text: an operator's name (at most 40) and the account (64) in full-width brackets.
CLERK_MAX = 200

# --- money -----------------------------------------------------------------------------------


def _fee_items(value: Any) -> list[Any]:
    for item in as_list(value, "items"):
        for key, amount in as_dict(item, "items").items():
            if isinstance(amount, int) and not isinstance(amount, bool):
                v.check_amount(abs(amount), key)
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True, kw_only=True)
class FeeAssessed(EventPayload):
    TYPE = ev.FEE_ASSESSED
    total: int = req(lambda x: v.check_amount(x, "total"))
    items: list[dict[str, Any]] | None = dflt(_fee_items)
    exemption_reason: str | None = opt(text_rule("exemption_reason", v.REASON_MAX, multiline=True))
    #: The copies assessed (the case rule checks the range).
    copies: int | None = opt()


def _payment_id() -> Any:
    return req(text_rule("payment_id", v.PAYMENT_ID_MAX, 1))


def _amount(name: str) -> Rule:
    return lambda x: v.check_amount(x, name)


@dataclass(frozen=True, kw_only=True)
class PaymentRecorded(EventPayload):
    TYPE = ev.PAYMENT_RECORDED
    payment_id: str = _payment_id()
    method: str = req(text_rule("method", 12, 1))
    amount: int = req(lambda x: v.check_amount(x, positive=True))
    tendered: int | None = opt(_amount("tendered"))
    change: int | None = opt(_amount("change"))
    receipt_number: str | None = opt(text_rule("receipt_number", v.RECEIPT_NUMBER_MAX))
    reference: str | None = opt(text_rule("reference", v.REFERENCE_MAX))
    payment_tool: str | None = opt(text_rule("payment_tool", 24))
    settlement_number: str | None = opt(text_rule("settlement_number", 40))
    authorised_at: str | None = opt(lambda x: v.check_iso_time(x, "authorised_at"))
    deposit_date: str | None = opt(text_rule("deposit_date", 10))
    deposited: bool | None = opt()


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(EventPayload):
    TYPE = ev.PAYMENT_REFUNDED
    payment_id: str = _payment_id()
    amount: int = req(lambda x: v.check_amount(x, positive=True))


@dataclass(frozen=True, kw_only=True)
class PaymentVoided(EventPayload):
    TYPE = ev.PAYMENT_VOIDED
    payment_id: str = _payment_id()
    settlement_number: str | None = opt(text_rule("settlement_number", 40))
    deposit_date: str | None = opt(text_rule("deposit_date", 10))


@dataclass(frozen=True, kw_only=True)
class PaymentSettled(EventPayload):
    TYPE = ev.PAYMENT_SETTLED
    payment_id: str = _payment_id()
    settlement_number: str | None = opt(text_rule("settlement_number", 40))
    deposit_date: str | None = opt(text_rule("deposit_date", 10))
    deposited: bool | None = opt()


def _receipt_number() -> Any:
    return req(text_rule("receipt_number", v.RECEIPT_NUMBER_MAX, 1))


@dataclass(frozen=True, kw_only=True)
class PaymentMethodCorrected(EventPayload):
    """Cash keyed as card, or card as cash, corrected (``domain.method_correction_rule``)."""

    TYPE = ev.PAYMENT_METHOD_CORRECTED
    payment_id: str = _payment_id()
    receipt_number: str = _receipt_number()
    from_method: str = req(text_rule("from_method", 12, 1))
    to_method: str = req(text_rule("to_method", 12, 1))
    amount: int = req(lambda x: v.check_amount(x, positive=True))
    reference: str | None = opt(text_rule("reference", v.REFERENCE_MAX))


@dataclass(frozen=True, kw_only=True)
class OnlineReceiptIssued(EventPayload):
    """A counter's receipt for an online payment the county recorded without one: the counter's
    number, code and key, and the payment's own values (as its ``case.payment_recorded`` has
    them), so that the receipts projection makes the row from this event alone."""

    TYPE = ev.ONLINE_RECEIPT_ISSUED
    payment_id: str = _payment_id()
    receipt_number: str = _receipt_number()
    verification: str = req(text_rule("verification", 16, 1))
    key_id: str = req(text_rule("key_id", 64, 1))
    case_number: str | None = opt(text_rule("case_number", 40))
    amount: int = req(lambda x: v.check_amount(x, positive=True))
    reference: str | None = opt(text_rule("reference", v.REFERENCE_MAX))
    payment_tool: str | None = opt(text_rule("payment_tool", 24))
    authorised_at: str | None = opt(lambda x: v.check_iso_time(x, "authorised_at"))
    settlement_number: str | None = opt(text_rule("settlement_number", 40))
    deposit_date: str | None = opt(text_rule("deposit_date", 10))
    deposited: bool | None = opt()


@dataclass(frozen=True, kw_only=True)
class ReceiptIssued(EventPayload):
    TYPE = ev.RECEIPT_ISSUED
    receipt_number: str = _receipt_number()
    #: The 經收人 text the first print showed (absent: a build that printed the account alone).
    clerk: str | None = opt(text_rule("clerk", CLERK_MAX))


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
