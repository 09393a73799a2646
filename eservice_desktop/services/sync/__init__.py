"""Office-side sync with the county, one job per module:

- :mod:`.credentials` the device credential (OS keyring), enrolment, the county client;
- :mod:`.clock` the county clock offset that ``app.now()`` follows;
- :mod:`.round` one push+pull round (exactly-once without distributed transactions);
- :mod:`.inbox` one pulled page, its events through :func:`services.ingest.ingest_many`;
- :mod:`.reference` catalogue, calendars, keys and revocation lists from the county;
- :mod:`.receipts` the county's signed receipts;
- :mod:`.attachments` resumable uploads;
- :mod:`.provisioning` the office's operators as the county provisions them;
- :mod:`.conflicts` events the county refused, and the clerk's resolution;
- :mod:`.recovery` a restored or wiped device rebuilt from the county;
- :mod:`.status` what the faces show about the link;
- :mod:`.service` the loop, with the one :func:`start` of ``sync run`` and the GUI;
- :mod:`.state` the small values kept in ``sync_state`` and the outbox queries.

The names below are the package's public face; other code imports them from here. They are
loaded on first use (:func:`__getattr__`): the counter window reads the link's status and the
outbox at start and at every intake, and the wire stack behind a round (``requests``,
``pydantic``, the protocol models: ~15 MiB and ~0.5 s) is imported only when a loop starts or a
face calls what needs it (``tests/gui/test_cold_start_imports.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# ``status`` is also the name of its module: imported here, so that importing the module
# ``services.sync.status`` never leaves the package attribute naming the module.
from eservice_desktop.services.sync.status import status

if TYPE_CHECKING:
    from eservice_desktop.county_link.client import (
        SyncError,
        check_url,
        error_named,
        sync_error_message,
    )
    from eservice_desktop.county_link.errors import config_reason
    from eservice_desktop.county_link.worker import SyncLoop
    from eservice_desktop.services.sync.attachments import add_attachment, upload_attachments
    from eservice_desktop.services.sync.clock import (
        base_now,
        follow_stored_offset,
        install_clock_correction,
    )
    from eservice_desktop.services.sync.conflicts import (
        ConflictView,
        open_conflicts,
        resolve_conflict,
    )
    from eservice_desktop.services.sync.credentials import (
        KEYRING_SERVICE,
        credential,
        enrol,
        ensure_enrolled,
        keyring_account,
        make_client,
    )
    from eservice_desktop.services.sync.failure_words import (
        named_failure_message,
        round_failure_message,
    )
    from eservice_desktop.services.sync.quarantine import QuarantineView, quarantined
    from eservice_desktop.services.sync.receipts import (
        county_receipt,
        county_receipt_pdf,
        verify_receipt,
    )
    from eservice_desktop.services.sync.recovery import recover_from_county
    from eservice_desktop.services.sync.reference import (
        load_county_reference,
        refresh_county_reference,
    )
    from eservice_desktop.services.sync.round import PULL_PAGE, PUSH_BATCH, RoundResult, sync_round
    from eservice_desktop.services.sync.service import has_pending, make_loop, run_round, start
    from eservice_desktop.services.sync.state import get_state, outbox, pending_count, set_state

#: Public name -> the module that defines it.
_WHERE = {
    "SyncError": "eservice_desktop.county_link.client",
    "check_url": "eservice_desktop.county_link.client",
    "config_reason": "eservice_desktop.county_link.errors",
    "error_named": "eservice_desktop.county_link.client",
    "sync_error_message": "eservice_desktop.county_link.client",
    "SyncLoop": "eservice_desktop.county_link.worker",
    "add_attachment": "eservice_desktop.services.sync.attachments",
    "upload_attachments": "eservice_desktop.services.sync.attachments",
    "base_now": "eservice_desktop.services.sync.clock",
    "install_clock_correction": "eservice_desktop.services.sync.clock",
    "follow_stored_offset": "eservice_desktop.services.sync.clock",
    "round_failure_message": "eservice_desktop.services.sync.failure_words",
    "named_failure_message": "eservice_desktop.services.sync.failure_words",
    "ConflictView": "eservice_desktop.services.sync.conflicts",
    "open_conflicts": "eservice_desktop.services.sync.conflicts",
    "resolve_conflict": "eservice_desktop.services.sync.conflicts",
    "KEYRING_SERVICE": "eservice_desktop.services.sync.credentials",
    "credential": "eservice_desktop.services.sync.credentials",
    "enrol": "eservice_desktop.services.sync.credentials",
    "ensure_enrolled": "eservice_desktop.services.sync.credentials",
    "keyring_account": "eservice_desktop.services.sync.credentials",
    "make_client": "eservice_desktop.services.sync.credentials",
    "QuarantineView": "eservice_desktop.services.sync.quarantine",
    "quarantined": "eservice_desktop.services.sync.quarantine",
    "county_receipt": "eservice_desktop.services.sync.receipts",
    "county_receipt_pdf": "eservice_desktop.services.sync.receipts",
    "verify_receipt": "eservice_desktop.services.sync.receipts",
    "recover_from_county": "eservice_desktop.services.sync.recovery",
    "load_county_reference": "eservice_desktop.services.sync.reference",
    "refresh_county_reference": "eservice_desktop.services.sync.reference",
    "PULL_PAGE": "eservice_desktop.services.sync.round",
    "PUSH_BATCH": "eservice_desktop.services.sync.round",
    "RoundResult": "eservice_desktop.services.sync.round",
    "sync_round": "eservice_desktop.services.sync.round",
    "has_pending": "eservice_desktop.services.sync.service",
    "make_loop": "eservice_desktop.services.sync.service",
    "run_round": "eservice_desktop.services.sync.service",
    "start": "eservice_desktop.services.sync.service",
    "get_state": "eservice_desktop.services.sync.state",
    "outbox": "eservice_desktop.services.sync.state",
    "pending_count": "eservice_desktop.services.sync.state",
    "set_state": "eservice_desktop.services.sync.state",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use and kept here afterwards."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


__all__ = [
    "KEYRING_SERVICE",
    "PULL_PAGE",
    "PUSH_BATCH",
    "ConflictView",
    "QuarantineView",
    "RoundResult",
    "SyncError",
    "SyncLoop",
    "add_attachment",
    "base_now",
    "check_url",
    "config_reason",
    "county_receipt",
    "county_receipt_pdf",
    "credential",
    "enrol",
    "ensure_enrolled",
    "error_named",
    "follow_stored_offset",
    "get_state",
    "has_pending",
    "install_clock_correction",
    "keyring_account",
    "load_county_reference",
    "make_client",
    "make_loop",
    "named_failure_message",
    "open_conflicts",
    "outbox",
    "pending_count",
    "quarantined",
    "recover_from_county",
    "refresh_county_reference",
    "resolve_conflict",
    "round_failure_message",
    "run_round",
    "set_state",
    "start",
    "status",
    "sync_error_message",
    "sync_round",
    "upload_attachments",
    "verify_receipt",
]
