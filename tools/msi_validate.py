"""Validates an eservice-desktop MSI with msiinfo (msitools): what IT relies on is really in it.

Usage: python tools/msi_validate.py PACKAGE.msi VERSION
Exit 0 and a summary when every rule holds; exit 1 with the broken rules otherwise. Used by
`make msi-check` (tools/msi-check.sh) and by tests/installer/test_installer_msi.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

#: Tables whose presence would mean file associations (the package must register none).
ASSOCIATION_TABLES = ("Extension", "ProgId", "Verb", "MIME", "TypeLib", "Class")
SILENT_PROPERTIES = (
    "COUNTY_SERVER_URL",
    "OFFICE_CODE",
    "COUNTY_CA_FILE",
    "ENROL_CODE",
    "REMOVE_DATA",
)

# Windows Installer constants (msi.h / the ServiceInstall and ServiceControl table docs).
SERVICE_WIN32_OWN_PROCESS = 0x10
SERVICE_AUTO_START = 2
SC_START_INSTALL, SC_STOP_INSTALL, SC_STOP_UNINSTALL, SC_DELETE_UNINSTALL = 0x1, 0x2, 0x20, 0x80
CA_EXE_FROM_FILE, CA_EXE_FROM_PROPERTY = 18, 50
CA_DEFERRED, CA_NO_IMPERSONATE, CA_IGNORE_RETURN = 0x400, 0x800, 0x40


def msiinfo(*args: str) -> str:
    return subprocess.run(["msiinfo", *args], capture_output=True, text=True, check=True).stdout


def table(msi: Path, name: str) -> list[dict[str, str]]:
    """Rows of an MSI table as dicts (msiinfo export: names, types, keys, then the rows)."""
    # IDT text: CRLF line ends; values may hold a bare CR, so split on the pair only.
    lines = re.split(r"\r?\n", msiinfo("export", str(msi), name))
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:] if line]


def validate(msi: Path, version: str) -> tuple[list[str], list[str]]:
    """(problems, summary lines)."""
    problems: list[str] = []
    summary: list[str] = []
    tables = set(msiinfo("tables", str(msi)).split())
    for needed in (
        "File",
        "Component",
        "Directory",
        "Feature",
        "Property",
        "ServiceInstall",
        "ServiceControl",
        "Shortcut",
        "CustomAction",
        "InstallExecuteSequence",
        "Upgrade",
        "Media",
    ):
        if needed not in tables:
            problems.append(f"table {needed} missing")
    for t in ASSOCIATION_TABLES:
        if t in tables and table(msi, t):
            problems.append(f"file associations present: table {t} has rows")
    if problems:
        return problems, summary

    props = {r["Property"]: r.get("Value", "") for r in table(msi, "Property")}
    if props.get("ProductVersion") != version:
        problems.append(f"ProductVersion {props.get('ProductVersion')!r} != {version!r}")
    if props.get("ALLUSERS") != "1":
        problems.append("not a per-machine package (ALLUSERS != 1)")
    if not props.get("UpgradeCode"):
        problems.append("no UpgradeCode: upgrades would install side by side")
    secure = set(props.get("SecureCustomProperties", "").split(";"))
    for p in SILENT_PROPERTIES:
        if p not in secure:
            problems.append(f"{p} is not a secure public property (lost in a silent install)")
    if "ENROL_CODE" not in props.get("MsiHiddenProperties", ""):
        problems.append("ENROL_CODE would be written to installer logs (MsiHiddenProperties)")
    summary.append(
        f"Product {props.get('ProductName')} {props.get('ProductVersion')}, "
        f"UpgradeCode {props.get('UpgradeCode')}, ALLUSERS={props.get('ALLUSERS')}"
    )
    summary.append(f"Silent properties: {', '.join(SILENT_PROPERTIES)}")

    upgrades = table(msi, "Upgrade")
    if not any(r["UpgradeCode"] == props.get("UpgradeCode") for r in upgrades):
        problems.append("Upgrade table does not look for older versions of this product")
    if not any(r["Action"] == "FindRelatedProducts" for r in table(msi, "InstallExecuteSequence")):
        problems.append("FindRelatedProducts not sequenced: no major upgrade")

    services = table(msi, "ServiceInstall")
    sync = [s for s in services if s["Name"] == "eservice-sync"]
    if len(sync) != 1:
        problems.append("no ServiceInstall row for eservice-sync")
    else:
        s = sync[0]
        if int(s["ServiceType"]) & SERVICE_WIN32_OWN_PROCESS == 0:
            problems.append("eservice-sync is not an own-process service")
        if int(s["StartType"]) != SERVICE_AUTO_START:
            problems.append("eservice-sync does not start automatically")
        summary.append(
            f"Service {s['Name']} ({s['DisplayName']}), start type "
            f"{s['StartType']}, account {s.get('StartName') or 'LocalSystem'}"
        )
    controls = [c for c in table(msi, "ServiceControl") if c["Name"] == "eservice-sync"]
    events = int(controls[0]["Event"]) if controls else 0
    for bit, what in (
        (SC_START_INSTALL, "started on install"),
        (SC_STOP_INSTALL, "stopped before an upgrade replaces it"),
        (SC_STOP_UNINSTALL, "stopped on uninstall"),
        (SC_DELETE_UNINSTALL, "deleted on uninstall"),
    ):
        if not events & bit:
            problems.append(f"eservice-sync is not {what} (ServiceControl.Event={events})")
    files = {r["File"]: r for r in table(msi, "File")}
    components = {r["Component"]: r for r in table(msi, "Component")}
    if sync and components.get(sync[0]["Component_"], {}).get("KeyPath") != "SyncServiceExe":
        problems.append("the service is not installed with its executable's component")

    shortcuts = table(msi, "Shortcut")
    menu = [s for s in shortcuts if s["Directory_"] == "ProgramMenuFolder"]
    if not menu:
        problems.append("no Start-menu shortcut")
    else:
        summary.append(
            f"Start-menu shortcut {menu[0]['Name']!r} -> {menu[0]['Target']} "
            f"{menu[0].get('Arguments', '')}"
        )

    actions = {r["Action"]: r for r in table(msi, "CustomAction")}
    sequence = {r["Action"]: r.get("Condition", "") for r in table(msi, "InstallExecuteSequence")}
    for name in ("CA_Setup", "CA_DbUpgrade", "CA_RemoveData", "CA_DataAcl"):
        if name not in actions or name not in sequence:
            problems.append(f"custom action {name} missing or not sequenced")
            continue
        kind = int(actions[name]["Type"])
        if kind & 0x3F not in (CA_EXE_FROM_FILE, CA_EXE_FROM_PROPERTY) or not (
            kind & CA_DEFERRED and kind & CA_NO_IMPERSONATE
        ):
            problems.append(f"{name} is not a deferred, elevated command (Type={kind})")
    order = {r["Action"]: int(r["Sequence"]) for r in table(msi, "InstallExecuteSequence")}
    for name in ("CA_DataAcl", "CA_DbUpgrade", "CA_Setup"):
        if name in order and not (
            order.get("InstallFiles", 0) < order[name] < order.get("StartServices", 0)
        ):
            problems.append(f"{name} does not run between InstallFiles and StartServices")
    if "CA_RemoveData" in order and not (
        order.get("RemoveFiles", 0) < order["CA_RemoveData"] < order.get("InstallFinalize", 0)
    ):
        problems.append("CA_RemoveData does not run after RemoveFiles inside the transaction")
    if "CA_Setup" in actions:
        target = actions["CA_Setup"]["Target"]
        for p in ("COUNTY_SERVER_URL", "OFFICE_CODE", "COUNTY_CA_FILE", "ENROL_CODE"):
            if f"[{p}]" not in target:
                problems.append(f"setup does not receive {p}")
        if not int(actions["CA_Setup"]["Type"]) & CA_IGNORE_RETURN:
            problems.append("an unreachable county would fail the installation (CA_Setup)")
    remove_cond = sequence.get("CA_RemoveData", "")
    if 'REMOVE_DATA="1"' not in remove_cond or "UPGRADINGPRODUCTCODE" not in remove_cond:
        problems.append(f"data removal is not limited to an explicit uninstall: {remove_cond!r}")
    if any(
        "ProgramData" in r.get("DefaultDir", "") or "CommonAppData" in r["Directory"]
        for r in table(msi, "Directory")
        if r["Directory"] != "CommonAppDataFolder"
    ):
        problems.append("the data directory is part of the package (uninstall would remove it)")
    summary.append(
        f"{len(files)} files in {len(components)} components; custom actions: "
        f"{', '.join(sorted(actions))}"
    )
    return problems, summary


def main(argv: list[str]) -> int:
    msi, version = Path(argv[1]), argv[2]
    problems, summary = validate(msi, version)
    if problems:
        print(f"{msi}: INVALID", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"{msi}: valid")
    for line in summary:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
