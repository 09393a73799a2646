"""The pickup desk's online look-up on a restored counter the county has not yet recovered."""

from __future__ import annotations

from collections.abc import Callable

import factories
import pytest
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import backup, cases, payments, pickup
from eservice_desktop.services.core import App


def test_a_restored_counter_looks_its_own_case_up_only_after_the_recovery(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
) -> None:
    """A case this counter took after the backup, scanned at its desk before the recovery ran:
    the look-up stored its events as pulled ones, the recovery passed them by as known, and the
    counter's chain head stayed before them: every later event of the counter was refused by
    the county as a broken chain. The look-up now waits for the recovery, saying so."""
    app = office(url=sqlite_county.url)
    settings = app.settings
    settings.save()
    enrol(app, sqlite_county)
    new_case(app)
    sync_now(app)
    taken = backup.take(app, "manual")
    number = new_case(app)  # after the backup: the county has it, the backup does not
    payments.record_payment(app, number, "cash", 15)
    cases.close_case(app, number)
    sync_now(app)
    sync_now(app)  # the county's ready event, with the signed code
    token = pickup.stored_token(app, number)
    assert token
    app.close()

    backup.restore(settings, taken.path)  # switched in; the recovery never ran
    app = make_app(settings)
    with pytest.raises(DomainError) as refused:
        pickup.fetch_online(app, token)
    assert refused.value.code == "restore.recover_pending"
    assert "sync recover" in refused.value.message_zh
    assert number not in {r.case_number for r in cases.queue(app, "all")}  # nothing stored

    sync_now(app)  # the county answers: the round recovers first
    assert pickup.verify(app, token).ok  # the case is back, ready at the desk
    fresh = factories.new_case(app, name="林美麗", applicant_id="A223456781")
    assert fresh != number
    pushed = sync_now(app)
    assert pushed.conflicts == 0 and pushed.pending == 0  # the chain goes on where the county's
