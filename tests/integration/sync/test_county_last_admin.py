"""County IT cannot leave an office without an active office admin (``operator roles`` or
``disable`` of the last one): the office refuses it as ``operator.last_admin``, the county
provisioned it to every counter of the office at their next sync."""

from __future__ import annotations

import json

import pytest
from test_county_operator_passwords import GOOD, _county


def _operator(mp: pytest.MonkeyPatch, db: str, *args: str) -> tuple[int, str, str]:
    return _county(mp, db, "operator", *args, "--office", "H01")


def test_the_last_admin_of_an_office_is_kept(
    county_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for account, role in (("boss", "admin"), ("a01", "clerk")):
        added = _county(
            monkeypatch, county_db, "operator", "add", account, "--office", "H01",
            "--name", "林主任", "--role", role, "--password-stdin", stdin=GOOD.encode() + b"\n",
        )  # fmt: skip
        assert added[0] == 0, added
    for change in (("roles", "boss", "--role", "clerk"), ("disable", "boss")):
        code, _out, err = _operator(monkeypatch, county_db, *change)
        assert code == 2 and err.count("\n") == 1, err
        assert "最後一位" in err and "last one" not in err, err
        code, _out, err = _operator(monkeypatch, county_db, *change, "--lang", "en")
        assert code == 2 and err.count("\n") == 1, err
        assert "last one" in err and "nothing was changed" in err and "最後一位" not in err, err
    code, out, _err = _operator(monkeypatch, county_db, "list", "--json")
    assert [(o["account"], o["roles"], o["active"], o["version"]) for o in json.loads(out)] == [
        ("a01", ["clerk"], True, 2),
        ("boss", ["admin"], True, 1),
    ]
    # with another admin first, the first may go; a clerk is disabled as before
    assert _operator(monkeypatch, county_db, "roles", "a01", "--role", "admin")[0] == 0
    assert _operator(monkeypatch, county_db, "roles", "boss", "--role", "clerk")[0] == 0
    assert _operator(monkeypatch, county_db, "disable", "boss")[0] == 0
    assert _operator(monkeypatch, county_db, "disable", "a01")[0] == 2
