"""The answer to a push (``POST /v1/events``): each event's result and each touched case's
signed receipt, kept as the push made them and written to the answer's JSON text in one go.

Made into a ``PushResult`` per event and a ``CountyReceipt`` per case, validated one by one and
then serialised, the answer was 3% of the county's CPU per pushed event (10,000 results and
5,000 receipts per 10,000 events, at 1.6 and 3.4 µs each). An accepted or duplicate event's
result is its id and status, a receipt the case's state, the push's time, the key and the
signature: values the push's own checks made or passed (ids by the wire model's pattern, case
numbers by their rule, offices by their code), written here as pydantic writes them, the same
bytes (tests/unit/sync/test_push_answer.py). A conflict's result, which carries reasons in
both languages, stays a validated model, serialised by pydantic itself. The models are still
made for a reader that asks for them (``results``, ``receipts``: the channels' own pushes, the
tests), once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from pydantic import TypeAdapter

from eservice_desktop.county_link.protocol import (
    CountyReceipt,
    PushResponse,
    PushResult,
    PushStatus,
)
from eservice_desktop.county_link.wire_base import WireTime
from eservice_desktop.domain.case import CaseState

#: How ``json.dumps(..., ensure_ascii=False)`` writes a string: as pydantic writes it (the
#: same escapes: the quote, the backslash, control characters; nothing else).
_TEXT = json.encoder.encode_basestring
#: The answer's time as pydantic writes a ``WireTime`` (``2026-03-10T02:00:00Z``).
_TIME = TypeAdapter(WireTime)
#: An accepted or duplicate event's result after its id.
_AFTER_ID = {
    status: f',"status":"{status}","conflict_id":null,"reason_code":null,'
    '"reason_zh":null,"reason_en":null}'
    for status in ("accepted", "duplicate")
}

#: An event's result as the push keeps it: its status and id (accepted, duplicate), or the
#: conflict's model.
Result = tuple[PushStatus, str] | PushResult


@dataclass(frozen=True)
class Signed:
    """The receipts of a push: the county time they were signed at, the cases in case id
    order, their final states and signatures (base64), the key that signed them."""

    at: datetime
    case_ids: list[str] = field(default_factory=list)
    states: list[CaseState] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    key_id: str = ""

    def models(self) -> list[CountyReceipt]:
        return [
            CountyReceipt(
                case_id=case_id,
                case_number=st.case_number,
                office=st.office,
                events_accepted=st.event_count,
                county_time=self.at,
                key_id=self.key_id,
                signature=signature,
            )
            for case_id, st, signature in zip(
                self.case_ids, self.states, self.signatures, strict=True
            )
        ]

    def json_items(self) -> list[str]:
        """Each receipt's JSON object, as pydantic writes a ``CountyReceipt``."""
        if not self.case_ids:
            return []
        t = _TEXT
        rest = f',"county_time":{_time_json(self.at)},"key_id":{t(self.key_id)},"signature":'
        return [
            f'{{"case_id":{t(case_id)},"case_number":{t(st.case_number)},'
            f'"office":{t(st.office)},"events_accepted":{int(st.event_count)}{rest}{t(sig)}}}'
            for case_id, st, sig in zip(self.case_ids, self.states, self.signatures, strict=True)
        ]


class PushAnswer:
    """A push's answer: :meth:`to_json` for the wire; ``results``, ``receipts`` and
    ``server_time`` as a ``PushResponse`` holds them, for a reader in Python."""

    def __init__(self, results: list[Result], signed: Signed, server_time: datetime) -> None:
        self._results = results
        self._signed = signed
        self.server_time = server_time

    @cached_property
    def results(self) -> list[PushResult]:
        return [
            r if isinstance(r, PushResult) else PushResult(event_id=r[1], status=r[0])
            for r in self._results
        ]

    @cached_property
    def receipts(self) -> list[CountyReceipt]:
        return self._signed.models()

    def response(self) -> PushResponse:
        """The answer as its model (the results and receipts made, if not made before)."""
        return PushResponse.model_construct(
            results=self.results, receipts=self.receipts, server_time=self.server_time
        )

    def to_json(self) -> str:
        """The answer's JSON text: ``self.response().model_dump_json()``, byte for byte."""
        t, after = _TEXT, _AFTER_ID
        results = ",".join(
            r.model_dump_json()
            if isinstance(r, PushResult)
            else f'{{"event_id":{t(r[1])}{after[r[0]]}'
            for r in self._results
        )
        receipts = ",".join(self._signed.json_items())
        time = _time_json(self.server_time)
        return f'{{"results":[{results}],"receipts":[{receipts}],"server_time":{time}}}'


def _time_json(at: datetime) -> str:
    return _TIME.dump_json(at).decode()
