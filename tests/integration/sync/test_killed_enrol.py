"""An enrolment killed after the county took its code (a power cut, ``kill -9``, the PC's reset
button while ``sync enrol`` waited for the answer): the code is used up, and the counter says
how to go on."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kill_support import kill_when_there
from sync_helpers import ROOT, CountyServer, service_env

#: ``sync enrol`` in a process of its own that says ``there`` and waits once the county has
#: answered with the credential, before the counter stores it, until it is killed.
ENROLLER = textwrap.dedent(
    """
    import sys, time
    from eservice_desktop.county_link.client import CountyClient
    from eservice_desktop.cli.main import main

    real = CountyClient.enrol

    def enrol(self, *args, **kwargs):
        answer = real(self, *args, **kwargs)
        print("there", flush=True)
        time.sleep(600)
        return answer

    CountyClient.enrol = enrol
    sys.exit(main(sys.argv[1:]))
    """
)


def _office(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_an_enrolment_killed_after_the_county_answered_says_how_to_go_on(
    county: CountyServer, tmp_path: Path
) -> None:
    """The same code again said 登記碼無效、已使用或已過期 alone: IT, who had typed it a minute
    before, was not told that the interrupted enrolment had used it, nor what to ask for."""
    data = tmp_path / "office"
    env = {**service_env(tmp_path / "credentials"), "ESERVICE_DEMO": "1"}
    assert _office(data, env, "demo", "seed", "--cases", "2").returncode == 0
    code = county.enrol_code("H01")
    enrol = ["sync", "enrol", "--server", county.url, "--code", code]
    kill_when_there(
        [sys.executable, "-c", ENROLLER, "--data-dir", str(data), *enrol],
        env,
        ROOT,
    )

    again = "enrol-code --office H01 --device 01"
    refused = _office(data, env, *enrol, "--json")
    assert refused.returncode == 2 and json.loads(refused.stdout)["error"] == "sync.enrol_refused"
    assert "登記碼無效、已使用或已過期" in refused.stderr and again in refused.stderr
    refused = _office(data, env, "--lang", "en", *enrol)
    assert refused.returncode == 2 and "interrupted" in refused.stderr, refused.stderr
    assert f"ask county IT for a replacement code ({again})" in refused.stderr

    replacement = county.enrol_code("H01", device="01")  # what county IT issues
    done = _office(data, env, "sync", "enrol", "--server", county.url, "--code", replacement)
    assert done.returncode == 0, done.stderr
    once = _office(data, env, "sync", "once", "--json")
    assert once.returncode == 0 and json.loads(once.stdout)["ok"], once.stderr
