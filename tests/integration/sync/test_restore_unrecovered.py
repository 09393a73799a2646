"""A restore whose ``sync recover`` did not run (the county unreachable then, or the PC switched
off right after the switch) against a real county on loopback: the counter issued the case and
receipt numbers the county already held, and every later event was refused as a broken chain."""

from __future__ import annotations

from collections.abc import Callable

import factories
import pytest
from sqlalchemy import select
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import backup, cases, payments, restore_guard, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.doctor import check_sync_backlog
from eservice_desktop.storage.models_payments import ReceiptRow


def _receipts(app: App) -> set[str]:
    with app.reading() as s:
        return set(s.scalars(select(ReceiptRow.number)))


def _numbers(app: App) -> set[str]:
    return {r.case_number for r in cases.queue(app, "all")}


def test_a_restore_not_recovered_writes_nothing_until_the_round_recovers_it(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
) -> None:
    app = office(url=sqlite_county.url)
    settings = app.settings
    settings.save()
    enrol(app, sqlite_county)
    new_case(app)
    sync_now(app)
    taken = backup.take(app, "manual")
    later = new_case(app, phone="")  # after the backup: its numbers reached the county only
    payments.record_payment(app, later, "cash", 15, tendered=15)
    sync_now(app)
    numbers, receipts = _numbers(app), _receipts(app)
    assert len(receipts) == 1
    app.close()

    backup.restore(settings, taken.path)  # switched in; the recovery never ran
    app = make_app(settings)
    with pytest.raises(DomainError) as refused:
        factories.new_case(app, name="林美麗", applicant_id="A223456781")
    assert refused.value.code == "restore.recover_pending"
    assert "sync recover" in refused.value.message_zh and "twice" in refused.value.message_en
    assert _numbers(app) < numbers and later not in _numbers(app)  # nothing was written
    said = check_sync_backlog(settings)
    assert said.status == "fail" and "sync recover" in said.fix_en

    result = sync_now(app)  # the county answers: the round recovers first
    assert result.conflicts == 0
    with app.reading() as s:
        assert not restore_guard.pending(s)
    assert _numbers(app) == numbers and _receipts(app) == receipts
    fresh = factories.new_case(app, name="林美麗", applicant_id="A223456781")
    assert fresh not in numbers
    payments.record_payment(app, fresh, "cash", 15, tendered=15)
    assert len(_receipts(app) - receipts) == 1  # a new receipt number, none issued twice
    pushed = sync_now(app)
    assert pushed.conflicts == 0 and pushed.pending == 0


def test_a_restore_the_county_could_not_recover_says_why_in_words(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The restore's account said 無法連線縣府（Offline） / "county unreachable (Offline)": the
    name of the error's kind, where every other line of the program says the reason."""
    app = office(url=sqlite_county.url)
    enrol(app, sqlite_county)
    new_case(app)
    sync_now(app)
    taken = backup.take(app, "manual")
    app.settings.county_url = "http://127.0.0.1:9"  # nothing listens there: the link is down
    app.settings.save()
    data = app.settings.data_dir
    app.close()
    said = {
        "zh_TW": "未自縣府取回事件（無法連線縣府伺服器（網路無法連線））：連線後請執行 "
        "sync recover",
        "en": "no events got back from the county (Cannot reach the county server (network "
        "unreachable)): run `sync recover` once it answers",
    }
    for lang, line in said.items():
        argv = ["--data-dir", str(data), "--lang", lang, "backup", "restore", str(taken.path)]
        assert main(argv) == 3
        out = capsys.readouterr().out
        assert line in out.splitlines() and "Offline" not in out, out


def test_a_restore_on_a_pc_without_the_credential_names_the_replacement_code(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A rebuilt PC (the key imported, the backup restored; the credential stayed in the old
    PC's keyring) read 未自縣府取回事件（HTTP 401：本機尚未登記）：連線後請執行 sync recover, and
    IT waited for a link that was up. The restore names the county's replacement code; done as
    it says (the code, ``sync enrol``, ``sync recover``), the events come back."""
    import keyring

    app = office(url=sqlite_county.url)
    app.settings.save()
    enrol(app, sqlite_county)
    own = new_case(app)
    sync_now(app)
    taken = backup.take(app, "manual")
    later = new_case(app, phone="")  # after the backup: at the county only
    sync_now(app)
    account = sync.keyring_account(app)
    data, office_code = app.settings.data_dir, app.settings.office_code
    app.close()
    keyring.delete_password(sync.KEYRING_SERVICE, account)  # the rebuilt PC has none

    command = f"eservice-county-server enrol-code --office {office_code} --device 01"
    argv = ["--data-dir", str(data), "--lang", "en", "backup", "restore", str(taken.path)]
    assert main(argv) == 3
    out = capsys.readouterr().out
    assert f"ask county IT for a replacement code ({command}), run `sync enrol`" in out, out
    assert "once it answers" not in out

    code = sqlite_county.enrol_code(office_code, device="01")
    base = ["--data-dir", str(data)]
    assert main([*base, "sync", "enrol", "--server", sqlite_county.url, "--code", code]) == 0
    assert main([*base, "sync", "recover"]) == 0
    capsys.readouterr()
    app = office(url=sqlite_county.url)
    assert {own, later} <= _numbers(app)


def test_a_backup_taken_before_the_enrolment_is_marked_as_well(
    sqlite_county: CountyServer,
    office: Callable[..., App],
    make_app: Callable[[Settings], App],
) -> None:
    """A counter that took cases before its enrolment, backed up then, enrolled and pushed
    them: its backup had no enrolment, was not marked, and the restored counter took in at once
    the next case number the county already held, chained after a head the county knew to be
    longer. The replaced database's enrolment comes with the restore, and the guard holds."""
    app = office(url=sqlite_county.url)
    settings = app.settings
    settings.save()
    new_case(app)  # before the enrolment
    taken = backup.take(app, "manual")
    enrol(app, sqlite_county)
    later = new_case(app, phone="")  # after the backup: its number reached the county only
    sync_now(app)
    numbers = _numbers(app)
    app.close()

    backup.restore(settings, taken.path)  # switched in; the recovery never ran
    app = make_app(settings)
    with pytest.raises(DomainError) as refused:
        factories.new_case(app, name="林美麗", applicant_id="A223456781")
    assert refused.value.code == "restore.recover_pending"
    assert later not in _numbers(app)  # nothing was written
    assert sync.status(app)["enrolled"] is not None  # the device's enrolment, not the copy's

    result = sync_now(app)  # the county answers: the round recovers first
    assert result.conflicts == 0 and _numbers(app) == numbers
    fresh = factories.new_case(app, name="林美麗", applicant_id="A223456781")
    assert fresh not in numbers
    pushed = sync_now(app)
    assert pushed.conflicts == 0 and pushed.pending == 0
