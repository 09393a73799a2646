"""The MSI (`make msi-check`): the stand-in package validates, and the validator catches the
mistakes it exists for (checked on small variants of the WiX source built with wixl here)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from installer_smoke import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import msi_validate

from eservice_desktop import __version__

WXS = ROOT / "installer" / "windows" / "eservice-desktop.wxs"


def test_standin_msi_is_valid() -> None:
    found = sorted((ROOT / "build").glob("eservice-desktop-*-standin.msi"))
    if not found:
        pytest.fail("no stand-in MSI in build/: run `make msi-check`")
    problems, summary = msi_validate.validate(found[-1], __version__)
    assert problems == []
    assert any("eservice-sync" in line for line in summary)


def _build_variant(tmp_path: Path, edit: tuple[str, str] | None) -> Path:
    """The real WiX source (optionally with one edit) over a two-file payload, via msi-check."""
    frozen = tmp_path / "AppDir" / "usr" / "lib" / "eservice-desktop"
    (frozen / "_internal").mkdir(parents=True)
    exe = frozen / "eservice-desktop"
    exe.write_text(f'#!/bin/sh\necho "eservice-desktop {__version__}"\n')
    exe.chmod(0o755)
    (frozen / "_internal" / "base_library.zip").write_bytes(b"stand-in")
    source = WXS.read_text(encoding="utf-8")
    if edit is not None:
        changed = re.sub(edit[0], edit[1], source, count=1, flags=re.S)
        assert changed != source, edit[0]
        source = changed
    tree = tmp_path / "repo"
    shutil.copytree(ROOT / "installer", tree / "installer")
    shutil.copytree(ROOT / "tools", tree / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "installer" / "windows" / "eservice-desktop.wxs").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [str(tree / "tools" / "msi-check.sh"), str(tmp_path / "AppDir"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "VENV": str(Path(sys.executable).parents[1])},
    )
    msi = tmp_path / "out" / f"eservice-desktop-{__version__}-standin.msi"
    assert msi.is_file(), done.stderr
    return msi


def test_validator_accepts_the_source_as_is(tmp_path: Path) -> None:
    msi = _build_variant(tmp_path, None)
    assert msi_validate.validate(msi, __version__)[0] == []


@pytest.mark.parametrize(
    ("edit", "complaint"),
    [
        ((r"<ServiceInstall .*?/>", ""), "no ServiceInstall row for eservice-sync"),
        ((r'Remove="uninstall"', 'Remove="install"'), "deleted on uninstall"),
        ((r' AND REMOVE_DATA="1"', ""), "data removal is not limited"),
        ((r"<MajorUpgrade [^>]*/>", ""), "FindRelatedProducts"),
        (
            (r'Return="ignore"\s+ExeCommand="--data-dir', 'Return="check" ExeCommand="--data-dir'),
            "unreachable county would fail",
        ),
        ((r"ENROL_CODE;CA_Setup", "CA_Setup"), "installer logs"),
        # https enrols only with the county's CA pinned: the installer must pass it on
        ((r" --county-ca-file &quot;\[COUNTY_CA_FILE\]&quot;", ""), "receive COUNTY_CA_FILE"),
    ],
)
def test_validator_catches_broken_sources(
    tmp_path: Path, edit: tuple[str, str], complaint: str
) -> None:
    msi = _build_variant(tmp_path, edit)
    problems, _ = msi_validate.validate(msi, __version__)
    assert any(complaint in p for p in problems), problems
