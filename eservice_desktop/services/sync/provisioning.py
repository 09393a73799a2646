"""The office's operators as the county provisions them: each round pulls the records changed
since the version this office holds (``GET /v1/operators``) and hands them to
:func:`services.operators.upsert_provisioned` with their argon2id hashes as given, so a clerk
logs in offline after the first sync and an account disabled at the county is disabled here
after the next one. The version is stored after the records, so a crash in between only means
the same records are applied again (an upsert). A record this office refuses (a hash that is
no argon2id, a department it does not know) is set aside like an unusable pulled change
(``parked:operator-<account>``, shown by `sync conflicts`) and the others applied."""

from __future__ import annotations

import logging
from typing import Any

from eservice_desktop.county_link.client import CountyClient, RequestRefused
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import operators
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.inbox import park_raw
from eservice_desktop.services.sync.state import get_state, set_state

log = logging.getLogger("eservice.sync")

#: ``sync_state`` name of the operators version this office holds.
OPERATORS_VERSION = "operators_version"


def pull_operators(app: App, client: CountyClient) -> int:
    """Pulls and applies this office's changed operators; returns how many."""
    with app.reading() as s:
        since = get_state(s, OPERATORS_VERSION) or ""
    try:
        page = client.operators(since)
    except RequestRefused as e:
        if e.status == 404:  # a county server that does not provision operators
            return 0
        raise
    if page.operators:
        records = [r.model_dump() for r in page.operators]
        try:
            operators.upsert_provisioned(app, records)
        except DomainError:
            _apply_apart(app, records)
    if page.version != since:
        with app.transaction() as s:
            set_state(s, OPERATORS_VERSION, page.version, app.now())
    return len(page.operators)


def _apply_apart(app: App, records: list[dict[str, Any]]) -> None:
    """The records of a page one of which this office refuses, one at a time: the refused
    one is set aside, the others applied. Before, the page raised out of every round: no later
    change of any operator reached the office and no round ended as a success."""
    for rec in records:
        try:
            operators.upsert_provisioned(app, [rec])
        except DomainError as e:
            kept = {k: v for k, v in rec.items() if k != "password_hash"}
            with app.transaction() as s:
                why = (e.code, e.message_zh, e.message_en)
                park_raw(
                    app, s, rec["version"], kept, key=f"operator-{rec['account']}", refused=why
                )
            log.warning("operator record %s refused (%s): set aside", rec["account"], e.code)
