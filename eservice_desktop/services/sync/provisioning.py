"""The office's operators as the county provisions them: each round pulls the records changed
since the version this office holds (``GET /v1/operators``) and hands them to
:func:`services.operators.upsert_provisioned` with their argon2id hashes as given, so a clerk
logs in offline after the first sync and an account disabled at the county is disabled here
after the next one. The version is stored after the records, so a crash in between only means
the same records are applied again (an upsert)."""

from __future__ import annotations

from eservice_desktop.county_link.client import CountyClient, RequestRefused
from eservice_desktop.services import operators
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import get_state, set_state

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
        operators.upsert_provisioned(app, [r.model_dump() for r in page.operators])
    if page.version != since:
        with app.transaction() as s:
            set_state(s, OPERATORS_VERSION, page.version, app.now())
    return len(page.operators)
