"""The case statuses as people read them (zh-TW, English).

Apart from ``case_state`` (``domain.case`` exports them as before) because the window's first
list labels its rows with them before anything folds a case: importing the state's module and
its dataclasses for a dictionary was a cost of every start.
"""

from __future__ import annotations

#: Status shown to people; derived from lifecycle plus what the case is waiting for.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "received": ("收件", "Received"),
    "payment_due": ("待繳費", "Payment due"),
    "supplement_requested": ("補正中", "Supplement requested"),
    "closed": ("結案", "Closed"),
    "rejected": ("駁回", "Rejected"),
    "cancelled": ("撤件", "Cancelled"),
    "ready_for_pickup": ("待領件", "Ready for pickup"),
    "picked_up": ("已領件", "Picked up"),
}
