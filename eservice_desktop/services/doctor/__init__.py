"""Installation checks for office IT (``eservice-desktop doctor``).

Each check returns a :class:`Check` — data, not text — so the CLI can print it in either language
or as JSON, and a support desk can compare machines. Checks only *look*: none of them creates,
migrates or repairs anything (the database is opened read-only), so running doctor on a broken
counter never makes it worse. Every check that is not ``ok`` says how to fix it, in zh-TW and
English.

Hardware probes (PC/SC, serial ports, printers) import their libraries lazily and turn a missing
service into a ``warn``: a PC without pcscd can still take cases, it just cannot read cards. Qt is
never imported here (printers come from CUPS' ``lpstat`` or, on Windows, PowerShell).

One module per area (``report``: the result types; ``machine``, ``database``, ``backups``,
``office``, ``county``, ``enrolment``, ``pickup_keys``, ``devices``, ``trust``, ``shift``);
this package runs them in the order IT reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from eservice_desktop.config import Settings
from eservice_desktop.services.doctor.backups import check_backup as check_backup
from eservice_desktop.services.doctor.county import check_county as check_county
from eservice_desktop.services.doctor.database import check_chain as check_chain
from eservice_desktop.services.doctor.database import check_database as check_database
from eservice_desktop.services.doctor.devices import check_camera as check_camera
from eservice_desktop.services.doctor.devices import check_card_readers as check_card_readers
from eservice_desktop.services.doctor.devices import check_printers as check_printers
from eservice_desktop.services.doctor.devices import check_scanners as check_scanners
from eservice_desktop.services.doctor.devices import list_printers as list_printers
from eservice_desktop.services.doctor.enrolment import check_enrolment as check_enrolment
from eservice_desktop.services.doctor.machine import RARE_SAMPLE as RARE_SAMPLE
from eservice_desktop.services.doctor.machine import check_data_dir as check_data_dir
from eservice_desktop.services.doctor.machine import check_fonts as check_fonts
from eservice_desktop.services.doctor.machine import check_keyring as check_keyring
from eservice_desktop.services.doctor.machine import check_receipt_fonts as check_receipt_fonts
from eservice_desktop.services.doctor.machine import check_version as check_version
from eservice_desktop.services.doctor.machine import receipt_fonts_verdict as receipt_fonts_verdict
from eservice_desktop.services.doctor.office import CALENDAR_FAIL_MONTH as CALENDAR_FAIL_MONTH
from eservice_desktop.services.doctor.office import CALENDAR_WARN_MONTH as CALENDAR_WARN_MONTH
from eservice_desktop.services.doctor.office import calendar_years as calendar_years
from eservice_desktop.services.doctor.office import check_calendar as check_calendar
from eservice_desktop.services.doctor.office import check_office as check_office
from eservice_desktop.services.doctor.office import check_sync_backlog as check_sync_backlog
from eservice_desktop.services.doctor.pickup_keys import check_pickup_keys as check_pickup_keys
from eservice_desktop.services.doctor.report import CERT_WARN_DAYS as CERT_WARN_DAYS
from eservice_desktop.services.doctor.report import FAIL_FREE_BYTES as FAIL_FREE_BYTES
from eservice_desktop.services.doctor.report import KEYRING_SERVICE as KEYRING_SERVICE
from eservice_desktop.services.doctor.report import WARN_FREE_BYTES as WARN_FREE_BYTES
from eservice_desktop.services.doctor.report import Check as Check
from eservice_desktop.services.doctor.report import Report as Report
from eservice_desktop.services.doctor.report import Status as Status
from eservice_desktop.services.doctor.shift import TEST_PRINT_TIMEOUT_S as TEST_PRINT_TIMEOUT_S
from eservice_desktop.services.doctor.shift import check_page as check_page
from eservice_desktop.services.doctor.shift import check_test_print as check_test_print
from eservice_desktop.services.doctor.shift import check_test_scan as check_test_scan
from eservice_desktop.services.doctor.trust import check_crl as check_crl
from eservice_desktop.services.doctor.trust import check_pkcs11 as check_pkcs11
from eservice_desktop.services.doctor.trust import check_trust_anchors as check_trust_anchors

#: What ``doctor --shift-start`` runs (the GUI shows it at the first login of the day): what a
#: counter needs to serve citizens today, the test print and the test scan included.
SHIFT_START = (
    "database",
    "backup",
    "calendar",
    "county",
    "enrolment",
    "sync_backlog",
    "pickup_keys",
    "card_readers",
    "pkcs11",
    "trust_anchors",
    "crl",
    "printers",
    "test_print",
    "scanners",
    "test_scan",
)


def run_checks(
    settings: Settings,
    *,
    network: bool = True,
    timeout: float = 3.0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    shift_start: bool = False,
    test_print: bool = False,
    scan_wait_s: float = 0.0,
) -> Report:
    """Every check in the order IT reads them; ``network=False`` skips the county probe;
    ``now`` is the clock (tests pass a fixed one). ``shift_start`` runs the shift-start set
    (``SHIFT_START``, with the test print and the test scan); ``test_print`` adds the test print
    to the full set; ``scan_wait_s`` waits that long for a scan on a serial scanner."""
    from eservice_desktop.services.sync.clock import county_clock

    # the clock backups are named and events dated by: the PC's, with the county's offset
    counter_now = county_clock(settings, now)
    wanted: Callable[[str], bool] = (
        (lambda key: key in SHIFT_START) if shift_start else (lambda key: True)
    )
    makers: list[tuple[str, Callable[[], Check]]] = [
        ("version", check_version),
        ("data_dir", lambda: check_data_dir(settings)),
        ("database", lambda: check_database(settings)),
        ("chain", lambda: check_chain(settings)),
        ("backup", lambda: check_backup(settings, now=counter_now)),
        ("office", lambda: check_office(settings)),
        ("calendar", lambda: check_calendar(settings, now())),
    ]
    makers += _county_makers(settings, network, timeout, counter_now)
    makers += [
        ("keyring", lambda: check_keyring(demo=settings.demo)),
        ("card_readers", check_card_readers),
        ("pkcs11", lambda: check_pkcs11(settings)),
        ("trust_anchors", lambda: check_trust_anchors(settings, now=now)),
        ("crl", lambda: check_crl(settings, now=now)),
        ("printers", lambda: check_printers(settings)),
    ]
    if shift_start or test_print:
        makers.append(("test_print", lambda: check_test_print(settings, now=now)))
    makers.append(("scanners", lambda: check_scanners(settings)))
    makers.append(("camera", lambda: check_camera(settings)))
    if shift_start or scan_wait_s > 0:
        makers.append(("test_scan", lambda: check_test_scan(settings, scan_wait_s)))
    makers += [("fonts", check_fonts), ("receipt_fonts", check_receipt_fonts)]
    return Report([make() for key, make in makers if wanted(key)], shift_start=shift_start)


def _county_makers(
    settings: Settings, network: bool, timeout: float, counter_now: Callable[[], datetime]
) -> list[tuple[str, Callable[[], Check]]]:
    """The checks of the county link: the county (``network``), the enrolment, the backlog and
    the pickup keys, which ask the county again only when it answered (a silent county held
    doctor 3 s more, the shift start every morning)."""
    county_failed: list[bool] = []

    def county() -> Check:
        found = check_county(settings, timeout=timeout)
        county_failed.append(found.status == "fail")
        return found

    makers: list[tuple[str, Callable[[], Check]]] = [("county", county)] if network else []
    return [
        *makers,
        (
            "enrolment",
            lambda: check_enrolment(settings, network=network, timeout=timeout, now=counter_now()),
        ),
        ("sync_backlog", lambda: check_sync_backlog(settings, now=counter_now)),
        (
            "pickup_keys",
            lambda: check_pickup_keys(
                settings, counter_now(), network=network and not any(county_failed), timeout=timeout
            ),
        ),
    ]
