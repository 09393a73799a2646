"""A counter PC whose clock went days back and that never learned the county's time took
payments and cases dated days in the past (a receipt before the case it paid, a payment on a
closing already taken): the write is now refused, nothing stored, until the clock is right or
a sync round has learned the county's time (services/clock_guard.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import factories
import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Operator, Role
from eservice_desktop.services import cases, clock_guard, operators_demo, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many
from eservice_desktop.services.intake import intake
from eservice_desktop.services.sync.state import set_state
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncStateRow

TODAY = datetime(2026, 3, 10, 10, 0, tzinfo=TAIPEI)


@pytest.fixture(autouse=True)
def _an_office_s_database(app: App) -> None:
    """The suite's databases are demo ones, which the guard leaves alone (their seeding dates
    cases by the demo's timeline): this one is an office's."""
    with app.transaction() as s:
        operators_demo.office_database(s)


def _events(app: App) -> int:
    with app.reading() as s:
        return s.query(EventRow).count()


def test_a_clock_days_back_takes_no_money_and_no_case(app: App, clock: object) -> None:
    clock.set(TODAY)  # type: ignore[attr-defined]
    number = factories.new_case(app)  # its fee due
    clock.set(TODAY - timedelta(days=3))  # type: ignore[attr-defined]  # the CMOS battery
    before = _events(app)
    with pytest.raises(DomainError) as refused:
        payments.record_payment(app, number, "cash", 15)
    error = refused.value
    assert error.code == "clock.behind"
    assert "115/03/07 10:00:00" in error.message_zh and "115/03/10 10:00:00" in error.message_zh
    assert error.message_zh.startswith("本機時鐘") and "資訊人員" in error.message_zh
    assert "Ask IT" in error.message_en and "nothing was saved" in error.message_en
    # the English reads its dates as the English window writes them, not as ROC years
    assert (
        "(2026-03-07 10:00:00)" in error.message_en and "(2026-03-10 10:00:00)" in error.message_en
    )
    assert "115/" not in error.message_en
    with pytest.raises(DomainError, match="behind the last record"):
        intake(app, factories.request())
    note = app.actor.event(
        cases.load_case(app, number).case_id,
        ev.SUPPLEMENT_REQUESTED,
        app.now(),
        {"reason": "缺少委託書", "items": []},
    )
    with app.transaction() as s, pytest.raises(DomainError, match="behind the last record"):
        ingest_many(app, s, [note])  # the batch door as the one-event door
    assert _events(app) == before
    assert payments.receipts_of_case(app, number) == []
    # the clock set right: taken
    clock.set(TODAY + timedelta(minutes=5))  # type: ignore[attr-defined]
    assert payments.record_payment(app, number, "cash", 15).receipt_number.endswith("R000001")


def test_a_demo_database_is_dated_by_its_timeline(app: App, clock: object) -> None:
    clock.set(TODAY)  # type: ignore[attr-defined]
    number = factories.new_case(app)
    with app.transaction() as s:
        s.add(SyncStateRow(name=operators_demo.DEMO_DATABASE, value="1", updated_at=TODAY))
    clock.set(TODAY - timedelta(days=3))  # type: ignore[attr-defined]
    assert payments.record_payment(app, number, "cash", 15).receipt_number.endswith("R000001")


def test_hours_back_and_a_counter_on_the_county_s_time_are_let_through(
    app: App, clock: object
) -> None:
    clock.set(TODAY)  # type: ignore[attr-defined]
    number = factories.new_case(app)
    # eight hours back: the PC's time zone set right; the next sync corrects the rest
    clock.set(TODAY - timedelta(hours=8))  # type: ignore[attr-defined]
    cases.request_supplement(app, number, "缺印章")
    # a counter that learned the county's offset: app.now() is the county's time, trusted
    # from the round that learned it on
    clock.set(TODAY - timedelta(days=3))  # type: ignore[attr-defined]
    with app.transaction() as s:
        learned = TODAY - timedelta(days=3, hours=1)
        set_state(s, "clock_offset_s", json.dumps(0.0), learned.astimezone(UTC))
    assert cases.record_supplement(app, number) is not None


def test_a_clock_set_back_after_the_county_s_time_was_learned_is_refused(
    app: App, clock: object
) -> None:
    """A round learned the county's time in the morning; then the PC's clock was set back three
    days (the link down, so no round corrected it): app.now() is the clock plus the offset
    learned then, and every case and receipt of the day was dated three days back, where the
    guard let everything through once an offset was known."""
    clock.set(TODAY)  # type: ignore[attr-defined]
    number = factories.new_case(app)
    with app.transaction() as s:
        set_state(s, "clock_offset_s", json.dumps(0.0), TODAY.astimezone(UTC))  # the round
    clock.set(TODAY - timedelta(days=3, hours=-2))  # type: ignore[attr-defined]
    before = _events(app)
    with pytest.raises(DomainError) as refused:
        payments.record_payment(app, number, "cash", 15)
    error = refused.value
    assert error.code == "clock.behind"
    assert "115/03/07 12:00:00" in error.message_zh and "115/03/10 10:00:00" in error.message_zh
    assert "上次與縣市伺服器對時" in error.message_zh and "db confirm-clock" in error.message_zh
    assert "set back" in error.message_en and "nothing was saved" in error.message_en
    assert (
        "(2026-03-07 12:00:00)" in error.message_en and "(2026-03-10 10:00:00)" in error.message_en
    )
    assert "115/" not in error.message_en
    with pytest.raises(DomainError, match="set back"):
        intake(app, factories.request())
    assert _events(app) == before and payments.receipts_of_case(app, number) == []
    # IT, having checked the clock, says so: the county's time learned before holds no more
    clerk = app.operator
    app.operator = Operator(account="it01", name="資訊", roles=frozenset({Role.IT}))
    clock_guard.confirm(app)
    app.operator = clerk
    assert payments.record_payment(app, number, "cash", 15).receipt_number.endswith("R000001")


@pytest.mark.parametrize("back", [timedelta(days=3), timedelta(days=400)])
def test_a_fresh_counter_with_nothing_recorded_takes_its_first_case(
    app: App, clock: object, back: timedelta
) -> None:
    """An empty database has no last record to hold the clock against: a new counter whose
    clock is back (an old disk image) takes its first case and payment, and the clock set
    right later is taken too; only a clock back again from there is refused."""
    assert _events(app) == 0
    clock.set(TODAY - back)  # type: ignore[attr-defined]
    with app.transaction() as s:
        ingest_many(app, s, [])  # nothing to write: nothing asked
    number = factories.new_case(app)
    assert payments.record_payment(app, number, "cash", 15).receipt_number.endswith("R000001")
    clock.set(TODAY)  # type: ignore[attr-defined]  # the time service set it right
    payments.confirm_printed(app, payments.receipts_of_case(app, number)[0].receipt_number)
    clock.set(TODAY - back)  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="behind the last record"):
        factories.new_case(app)


def test_a_clock_set_right_after_running_days_ahead_is_confirmed_by_it(
    app: App, clock: object
) -> None:
    """The PC ran days ahead and stamped its records so; IT set the clock right, and every
    write was refused until a sync round, which an office without its link waits for. IT's
    word that the clock is right lets the counter work; the records after it hold the clock."""
    clock.set(TODAY + timedelta(days=3))  # type: ignore[attr-defined]  # ran ahead
    number = factories.new_case(app)
    clock.set(TODAY)  # type: ignore[attr-defined]  # IT set it right
    with pytest.raises(DomainError) as refused:
        payments.record_payment(app, number, "cash", 15)
    assert "db confirm-clock" in refused.value.message_zh
    assert "db confirm-clock" in refused.value.message_en
    recorded = _events(app)
    clerk = app.operator
    with pytest.raises(AuthError):  # a clerk's word is not enough: IT checks the clock
        clock_guard.confirm(app)
    app.operator = Operator(account="it01", name="資訊", roles=frozenset({Role.IT}))
    said = clock_guard.confirm(app)
    assert said["records_before"] == recorded and said["operator"] == "it01"
    app.operator = clerk
    assert payments.record_payment(app, number, "cash", 15).receipt_number.endswith("R000001")
    with app.reading() as s:
        word = json.loads(s.get(SyncStateRow, clock_guard.CONFIRMED).value)  # type: ignore[union-attr]
    assert word["by"] == "it01" and datetime.fromisoformat(word["at"]) == TODAY
    clock.set(TODAY - timedelta(days=3))  # type: ignore[attr-defined]  # back again from there
    with pytest.raises(DomainError, match="behind the last record"):
        factories.new_case(app)


def test_it_confirms_the_clock_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from operator_support import sign_in_it

    from eservice_desktop.cli.main import main

    data = tmp_path / "office"
    sign_in_it(monkeypatch, data)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "db", "confirm-clock", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["operator"] == "it01" and out["records_before"] == 0 and out["confirmed_at"]
    monkeypatch.setenv("ESERVICE_LANG", "en")
    assert main(["--data-dir", str(data), "db", "confirm-clock"]) == 0
    assert "confirmed right" in capsys.readouterr().out


def test_a_supervisor_s_password_is_not_asked_for_a_write_the_clock_refuses(
    app: App, clock: object
) -> None:
    """An exemption on a counter whose clock went back: the supervisor came over and typed
    their password (a wrong one counted towards their lock-out), and the exemption was refused
    all the same. The clock's refusal comes first; the password is not tried."""
    from approvals_support import SUPERVISOR, add_accounts

    from eservice_desktop.services import approvals, fees
    from eservice_desktop.services.approvals import Approval
    from eservice_desktop.storage.models_operators import OperatorRow

    clock.set(TODAY)  # type: ignore[attr-defined]
    add_accounts(app)
    number = factories.new_case(app)
    clock.set(TODAY - timedelta(days=3))  # type: ignore[attr-defined]
    wrong = Approval(SUPERVISOR, "not-the-password", "低收入戶")
    with pytest.raises(DomainError) as refused:
        fees.assess(app, number, exempt=True, reason="低收入戶", approval=wrong)
    assert refused.value.code == "clock.behind"
    with pytest.raises(DomainError) as asked:
        approvals.writable(app)
    assert asked.value.code == "clock.behind"
    with app.reading() as s:
        supervisor = s.get(OperatorRow, SUPERVISOR)
        assert supervisor is not None
        assert supervisor.failed_attempts == 0  # the password was never tried
