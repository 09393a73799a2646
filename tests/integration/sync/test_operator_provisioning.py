"""Issue 13: the county provisions each office's operators by sync. County IT adds them with the
county command; the office pulls its own in the next round; the clerk then logs in with the
county offline; an account disabled (or re-roled) at the county follows after the next sync;
another office's operators never reach this office."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from sync_helpers import TEST_SECRET, CountyServer, enrol, sync_now

from eservice_desktop.county import cli as county_cli
from eservice_desktop.county.vault import PASSPHRASE_ENV
from eservice_desktop.domain.errors import AuthError
from eservice_desktop.services import operators
from eservice_desktop.services.sync.provisioning import OPERATORS_VERSION
from eservice_desktop.services.sync.state import get_state

PASSWORD = "counter pass 1234"


def _county(
    monkeypatch: pytest.MonkeyPatch, db_url: str, *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """``eservice-county-server ARGS --db URL`` in this process, with the test passphrase."""
    monkeypatch.setenv(PASSPHRASE_ENV, TEST_SECRET.decode())
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = county_cli.main([*args, "--db", db_url])
    return code, out.getvalue(), err.getvalue()


def test_operators_provisioned_by_sync_log_in_offline_and_follow_the_county(
    sqlite_county_db: str,
    server_factory: Callable[[str], CountyServer],
    office: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = sqlite_county_db
    srv = server_factory(db).start_in_thread()

    def add(account: str, office: str, role: str, password: str) -> tuple[int, str, str]:
        return _county(
            monkeypatch,
            db,
            "operator",
            "add",
            account,
            "--office",
            office,
            "--name",
            "王小明",
            "--role",
            role,
            "--password-stdin",
            stdin=password + "\n",
        )

    assert add("a01", "H01", "clerk", PASSWORD)[0] == 0
    assert add("b01", "H02", "clerk", PASSWORD)[0] == 0
    # refused input: exit 2, a zh-TW sentence (the language by default), nothing stored
    code, _out, err = add("a02", "H01", "boss", PASSWORD)
    assert code == 2 and "角色" in err and "Unknown role" not in err
    code, _out, err = add("a03", "H01", "clerk", "short")
    assert code == 2 and "密碼" in err
    code, out, _err = _county(monkeypatch, db, "operator", "list", "--office", "H01", "--json")
    listed = json.loads(out)
    assert [o["account"] for o in listed] == ["a01"]
    assert "password_hash" not in listed[0] and "argon2" not in out

    h01 = office("H01", "01", url=srv.url)
    enrol(h01, srv)
    first = sync_now(h01)
    assert first.operators == 1
    with h01.reading() as s:
        version = get_state(s, OPERATORS_VERSION)
    assert version and int(version) >= 2
    assert sync_now(h01).operators == 0  # nothing changed: nothing pulled again

    # the county goes away: the clerk still logs in, with the county's password
    srv.stop()
    op = operators.login(h01, "a01", PASSWORD)
    assert op.account == "a01" and {r.value for r in op.roles} == {"clerk"}
    operators.logout(h01)
    with pytest.raises(AuthError) as err_bad:
        operators.login(h01, "a01", "not the password")
    assert err_bad.value.reason == "auth.bad_password"
    with pytest.raises(AuthError) as err_other:  # H02's operator never reached H01
        operators.login(h01, "b01", PASSWORD)
    assert err_other.value.reason == "auth.unknown_account"

    # county IT re-roles, resets and then disables a01; the office follows after its next sync
    code, _o, _e = _county(
        monkeypatch,
        db,
        "operator",
        "roles",
        "a01",
        "--office",
        "H01",
        "--role",
        "clerk",
        "--role",
        "cashier",
    )
    assert code == 0
    new_password = "a brand new one 99"
    code, _o, _e = _county(
        monkeypatch,
        db,
        "operator",
        "password",
        "a01",
        "--office",
        "H01",
        "--password-stdin",
        stdin=new_password,
    )
    assert code == 0
    again = server_factory(db).start_in_thread()
    h01.settings.county_url = again.url
    assert sync_now(h01).operators == 1
    op = operators.login(h01, "a01", new_password)
    assert {r.value for r in op.roles} == {"clerk", "cashier"}
    operators.logout(h01)
    assert _county(monkeypatch, db, "operator", "disable", "a01", "--office", "H01")[0] == 0
    assert sync_now(h01).operators == 1
    with pytest.raises(AuthError) as err_off:
        operators.login(h01, "a01", new_password)
    assert err_off.value.reason == "auth.inactive"
    # disabled twice: the same row is not sent to every counter again
    assert _county(monkeypatch, db, "operator", "disable", "a01", "--office", "H01")[0] == 0
    assert sync_now(h01).operators == 0


def test_county_it_renames_with_roles_and_an_option_an_action_does_not_take_is_refused(
    sqlite_county_db: str,
    server_factory: Callable[[str], CountyServer],
    office: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``operator roles a01 --name 王大明`` changed no name and answered ``version 2``, as if
    done; ``disable --role`` and ``password --name`` were ignored the same way. The office's
    own ``operator roles --name`` renames, and so does the county's now; an option the action
    does not take is refused, exit 2, nothing changed."""
    db = sqlite_county_db
    srv = server_factory(db).start_in_thread()
    add = ("operator", "add", "a01", "--office", "H01", "--name", "王小明", "--role", "clerk")
    assert _county(monkeypatch, db, *add, "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    h01 = office("H01", "01", url=srv.url)
    enrol(h01, srv)
    assert sync_now(h01).operators == 1

    def listed() -> dict[str, Any]:
        code, out, _ = _county(monkeypatch, db, "operator", "list", "--office", "H01", "--json")
        assert code == 0
        [row] = json.loads(out)
        return dict(row)

    before = listed()
    for args in (
        ("disable", "a01", "--role", "clerk"),
        ("enable", "a01", "--name", "王大明"),
        ("password", "a01", "--name", "王大明", "--password-stdin"),
    ):
        code, _out, err = _county(
            monkeypatch, db, "operator", *args, "--office", "H01", stdin=PASSWORD + "2\n"
        )
        assert code == 2 and "未做任何變更" in err, (args, err)
    code, _out, err = _county(
        monkeypatch, db, "--lang", "en", "operator", "disable", "a01", "--office", "H01",
        "--name", "x",
    )  # fmt: skip
    assert code == 2 and "does not take --name" in err
    assert listed() == before

    roles = ("operator", "roles", "a01", "--office", "H01", "--role", "clerk")
    assert _county(monkeypatch, db, *roles, "--name", "王大明")[0] == 0
    assert listed()["name"] == "王大明"
    assert sync_now(h01).operators == 1
    assert operators.get_operator(h01, "a01").name == "王大明"
    code, _out, err = _county(
        monkeypatch, db, *roles, "--name", "王\u200b大明"
    )  # refused as at add
    assert code == 2 and listed()["name"] == "王大明"
