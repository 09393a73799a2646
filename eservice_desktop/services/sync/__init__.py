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

The names below are the package's public face; other code imports them from here.
"""

from __future__ import annotations

from eservice_desktop.county_link.client import SyncError, error_named, sync_error_message
from eservice_desktop.county_link.worker import SyncLoop
from eservice_desktop.services.sync.attachments import add_attachment, upload_attachments
from eservice_desktop.services.sync.clock import base_now, install_clock_correction
from eservice_desktop.services.sync.conflicts import ConflictView, open_conflicts, resolve_conflict
from eservice_desktop.services.sync.credentials import (
    KEYRING_SERVICE,
    credential,
    enrol,
    ensure_enrolled,
    keyring_account,
    make_client,
)
from eservice_desktop.services.sync.quarantine import QuarantineView, quarantined
from eservice_desktop.services.sync.receipts import (
    county_receipt,
    county_receipt_pdf,
    verify_receipt,
)
from eservice_desktop.services.sync.recovery import recover_from_county
from eservice_desktop.services.sync.reference import load_county_reference
from eservice_desktop.services.sync.round import PULL_PAGE, PUSH_BATCH, RoundResult, sync_round
from eservice_desktop.services.sync.service import has_pending, make_loop, run_round, start
from eservice_desktop.services.sync.state import get_state, outbox, pending_count, set_state
from eservice_desktop.services.sync.status import status

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
    "county_receipt",
    "county_receipt_pdf",
    "credential",
    "enrol",
    "ensure_enrolled",
    "error_named",
    "get_state",
    "has_pending",
    "install_clock_correction",
    "keyring_account",
    "load_county_reference",
    "make_client",
    "make_loop",
    "open_conflicts",
    "outbox",
    "pending_count",
    "quarantined",
    "recover_from_county",
    "resolve_conflict",
    "run_round",
    "set_state",
    "start",
    "status",
    "sync_error_message",
    "sync_round",
    "upload_attachments",
    "verify_receipt",
]
