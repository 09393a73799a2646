"""A sync round killed after its pull and before its end (a power cut, ``kill -9``, the PC's
reset button): what the pulled pages brought is kept with them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from db_support import connect_db
from kill_support import kill_when_there
from sync_helpers import ROOT, CountyServer, county_cli, service_env

#: ``sync once`` in a process of its own that says ``there`` and waits once every page is
#: pulled, when it asks for the operators, until it is killed.
SYNCER = textwrap.dedent(
    """
    import sys, time
    from eservice_desktop.county_link.client import CountyClient
    from eservice_desktop.cli.main import main

    def operators(self, *args, **kwargs):
        print("there", flush=True)
        time.sleep(600)

    CountyClient.operators = operators
    sys.exit(main(sys.argv[1:]))
    """
)


def _office(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _pickup_keys(data: Path) -> set[str]:
    with connect_db(data, read_only=True) as conn:
        return {r[0] for r in conn.execute("SELECT kid FROM county_keys")}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_pickup_keys_pulled_by_a_killed_round_are_kept(
    sqlite_county: CountyServer, tmp_path: Path
) -> None:
    """The county's new pickup key was stored after the round, in a transaction of its own: a
    round killed in between had pulled past the key document, no later round brought it again,
    and the desk refused every MMS code signed with the new key."""
    data = tmp_path / "office"
    env = {**service_env(tmp_path / "credentials"), "ESERVICE_DEMO": "1"}
    assert _office(data, env, "demo", "seed", "--cases", "1").returncode == 0
    code = sqlite_county.enrol_code("H01")
    enrol = ["sync", "enrol", "--server", sqlite_county.url, "--code", code]
    assert _office(data, env, *enrol).returncode == 0
    first = _office(data, env, "sync", "once", "--json")
    assert json.loads(first.stdout)["ok"], first.stderr
    before = _pickup_keys(data)
    assert before  # the county's keys, from the first round

    county_cli("keys", "rotate", "--db", sqlite_county.db_url)  # a new pickup key published
    kill_when_there(
        [sys.executable, "-c", SYNCER, "--data-dir", str(data), "sync", "once"],
        env,
        ROOT,
    )

    again = _office(data, env, "sync", "once", "--json")
    assert json.loads(again.stdout)["ok"], again.stderr
    after = _pickup_keys(data)
    assert before < after, (before, after)  # the new key is at the desk
