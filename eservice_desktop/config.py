"""One settings object for every face (GUI, CLI, sync service).

Settings come from, in increasing priority: built-in defaults, ``settings.json`` in the data
directory (written by IT or the installer), ``ESERVICE_*`` environment variables, then the
command line. The data directory itself is chosen first (``--data-dir`` > ``ESERVICE_DATA_DIR`` >
platformdirs), because the settings file lives inside it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

import platformdirs

from eservice_desktop.settings_file import bad_settings, stored
from eservice_desktop.settings_rules import CHOICES, LIMITS, PATHS, RETIRED, STRICTER

APP_NAME = "eservice-desktop"
SETTINGS_FILE = "settings.json"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass
class Settings:
    """Typed settings with defaults. Every field may be set in settings.json or as
    ``ESERVICE_<FIELD_NAME_UPPER>`` in the environment."""

    data_dir: Path = field(default_factory=default_data_dir)
    #: Office this counter belongs to (see resources/catalogue/offices.json).
    office_code: str = "H01"
    #: household | land | county_department; derived from the office catalogue when empty.
    office_kind: str = ""
    #: Device number inside the office (2 digits); owns its own case/receipt number space.
    device_id: str = "01"
    #: Minutes without input after which the GUI locks and a CLI session expires.
    idle_lock_min: float = 10.0
    #: Wrong passwords in a row before an account is locked, and for how many minutes.
    login_max_failures: int = 5
    login_lockout_min: float = 15.0
    #: PC/SC reader holding the operator's own card (staff or MOICA card); when set, pulling
    #: the card from it locks the window at once. Empty = off.
    lock_card_reader: str = ""
    #: zh_TW (default) or en.
    lang: str = "zh_TW"
    #: County server base URL; plain http is accepted only for loopback addresses.
    county_url: str = "http://127.0.0.1:8765"
    #: PEM file of the county's CA, pinned for TLS (IT sets it at install time).
    county_ca_file: str = ""
    #: Demo mode: demo keys and data are accepted only when true.
    demo: bool = False
    #: Seconds between background sync rounds.
    sync_interval_s: float = 5.0
    #: Largest file (MB) a clerk may attach to a case (scans, photos, PDFs).
    attachment_max_mb: int = 20
    #: Hours since the last successful sync round after which intake warns (``sync.stale``),
    #: and after which an intake needs a supervisor's approval; 0 turns either off. Only an
    #: enrolled device (one that syncs) is held to them.
    sync_stale_warn_h: float = 24.0
    sync_stale_approval_h: float = 72.0
    #: PKCS#11 module of the MOICA card (HiCOSPKCS11 on real counters).
    pkcs11_module: str = ""
    #: PKCS#11 token label of the MOICA card; empty = the only token present.
    pkcs11_token_label: str = ""
    #: Certificate policy OIDs accepted as the required assurance level (space separated;
    #: 2.16.886.101.0.3.3 = GPKI level 3, MOICA citizen certificates).
    pki_policy_oids: str = "2.16.886.101.0.3.3"
    #: Hours between scheduled CRL/ARL downloads (when online).
    crl_update_interval_h: float = 6.0
    #: Directory of IT-configured trust anchors (PEM/DER), pinned by fingerprint.
    trust_anchor_dir: str = ""
    #: production refuses test-level certificate policies.
    pki_mode: str = "production"
    #: refuse | override: what to do when revocation status is unknown (CRL past nextUpdate).
    revocation_unknown_policy: str = "refuse"
    #: CRL/ARL download URLs (space separated).
    crl_urls: str = ""
    #: Keyboard-wedge scanner rules.
    scanner_prefix: str = ""
    scanner_suffix: str = "\r"
    scanner_max_interkey_ms: float = 30.0
    #: Serial scanner port (COM3, /dev/ttyACM0); empty = none.
    scanner_serial_port: str = ""
    scanner_serial_baud: int = 9600
    #: Camera of the pickup desk's camera mode (F8, then Ctrl+K): 0 = the first camera.
    camera_index: int = 0
    #: A video file or a directory of frames played instead of the camera (demos, training);
    #: empty = the camera at ``camera_index``.
    camera_recording: str = ""
    #: Printer name for silent printing; empty = ask with the print dialog.
    printer_name: str = ""
    #: Receipt layout: a6 | roll80.
    receipt_layout: str = "a6"
    #: Where the database key is kept: file | keyring; empty = keyring on Windows (Credential
    #: Manager, DPAPI), file elsewhere (docs/it-guide.md "Key custody").
    db_key_store: str = ""
    #: Directory of the key file (file store); empty = DATA_DIR/keys.
    db_key_dir: str = ""
    #: Second location for scheduled backups (USB disk, network share); empty = DATA_DIR/backups.
    backup_dir: str = ""
    #: Hours between backups while the program runs (the daily closing takes one too).
    backup_interval_h: float = 1.0
    #: Backups kept: every one of the last 48 hours, then the newest of each day for this many days.
    backup_keep_days: int = 30
    #: doctor fails when the newest good backup is older than this many hours.
    backup_max_age_h: float = 26.0
    #: doctor (shift start) warns when this device's oldest event not yet acknowledged by the
    #: county is older than ``sync_backlog_warn_h`` hours and fails beyond ``sync_backlog_max_h``.
    sync_backlog_warn_h: float = 1.0
    sync_backlog_max_h: float = 24.0
    #: doctor warns when the newest CRL/ARL was issued more than this many hours ago (a list
    #: past its nextUpdate always fails: revocation is then unknown).
    crl_max_age_h: float = 48.0
    #: Days after a case is finished (and acknowledged by the county) before its personal data
    #: is pseudonymised on this PC (services/retention.py gives the legal basis of the default).
    retention_days: int = 180
    #: Working days (the office calendar) an assessed fee may stay unpaid before the queue and
    #: the case mark the case "待繳逾 N 工作天"; 0 = never marked (domain/payment_wait.py).
    payment_due_days: int = 5
    #: The sign-in settings (``STRICTER``) whose value in the file or the environment was
    #: looser than the default and not taken (``load_settings`` sets it; doctor warns).
    held_back: ClassVar[tuple[str, ...]] = ()
    #: The ``IDENTITY`` settings set nowhere (file, environment, command line; doctor warns).
    unset: ClassVar[tuple[str, ...]] = ()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "eservice.sqlite3"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["data_dir"] = str(self.data_dir)
        return out

    def save(self) -> None:
        """Writes settings.json atomically (IT edits it; a half-written file must never exist)."""
        data = self.to_json()
        data.pop("data_dir")
        _write(self.data_dir, data)


#: Which office and county: left out of a new settings file until given (written with their
#: defaults, H01 looked chosen by IT and doctor said OK of a new office never set up).
IDENTITY = ("office_code", "county_url")


def store(data_dir: Path, **changes: Any) -> None:
    """Writes ``changes`` into ``data_dir``'s settings.json and keeps every other key as the
    file has it. A program that changes a setting (enrolment: the county URL, the device
    number) saved its whole Settings, so the values of its own environment (``ESERVICE_*``)
    and command line (``--lang en``) became the office's for every program. A new file
    starts from the defaults, so IT finds every key to edit."""
    file = data_dir / SETTINGS_FILE
    if file.exists():
        data = stored(file)
    else:
        data = Settings(data_dir=data_dir).to_json()
        data.pop("data_dir")
        for key in IDENTITY:
            data.pop(key)  # until given (``changes``)
    data.update(changes)
    _write(data_dir, data)


def _write(data_dir: Path, data: dict[str, Any]) -> None:
    """settings.json replaced whole: written under a name of this writer's own (two programs
    saving at once, the window's enrolment and a command, shared one ``settings.tmp``: one's
    replace found it gone, or took the other's half-written text) and flushed to the disk
    before it replaces the file (a power cut could leave an empty settings.json, and every
    program then refused to start)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / SETTINGS_FILE
    tmp = target.with_name(f"{target.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False, indent=2))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # the rename itself (Windows: MoveFileEx is durable)
        fd = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class _Wrong(ValueError):
    """A value this setting cannot hold; ``zh``/``en`` say why, for IT."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _coerce(value: Any, kind: Any) -> Any:
    """A value of the file (any JSON) or of the environment (text) as the setting's kind; a
    value of another kind (a list for a name, ``true`` or ``2.9`` for a count, ``nan``) raises
    ValueError rather than being bent into one."""
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    if kind_name == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower() if isinstance(value, str | int) else None
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(value)
    if kind_name in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(value)
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        if kind_name == "float":
            return number
        if isinstance(value, str):
            return int(value.strip())
        if number != int(number):
            raise ValueError(value)
        return int(value)
    if kind_name == "Path":
        return Path(value).expanduser()
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _in_range(key: str, value: Any) -> Any:
    """The value when this setting allows it; _Wrong naming the range or the words otherwise."""
    if key == "lang" and isinstance(value, str):
        low = value.strip().replace("-", "_").lower()
        value = "en" if low.startswith("en") else "zh_TW" if low.startswith("zh") else value
    if key in CHOICES and value not in CHOICES[key]:
        words = "、".join(sorted(w or '""' for w in CHOICES[key]))
        raise _Wrong(f"應為 {words} 之一", f"must be one of {words.replace('、', ', ')}")
    if key in PATHS and value:
        value = os.path.expanduser(value)  # ``~`` names the same folder from anywhere
        if not Path(value).is_absolute():
            raise _Wrong(
                "須為完整路徑（自 / 或磁碟代號如 E:\\ 起）",
                "must be a full path (from / or a drive such as E:\\)",
            )
        from eservice_desktop.domain.file_names import path_fault_words  # off the start

        # E:\NUL, E:\a:b, E:\backups. (file.bad_name); a colon is Windows' alone
        fault = path_fault_words(Path(value), colons=os.name != "nt")
        if fault is not None:
            raise _Wrong(*fault)
    if key in LIMITS and not LIMITS[key][0] <= value <= LIMITS[key][1]:
        lo, hi = (f"{n:g}" for n in LIMITS[key])
        raise _Wrong(f"應介於 {lo} 與 {hi} 之間", f"must be between {lo} and {hi}")
    return value


def _checked(value: Any, kind: Any, where: str, key: str = "") -> Any:
    try:
        return _in_range(key, _coerce(value, kind))
    except _Wrong as e:
        raise bad_settings(where, e.zh, e.en) from None
    except (ValueError, TypeError, OverflowError):
        raise bad_settings(where, "值的種類不對", "wrong kind of value") from None


def _looser(key: str, value: Any, before: Any) -> bool:
    """Whether ``value`` would loosen the sign-in protection ``key`` from ``before``."""
    if STRICTER[key] == "higher":
        return bool(value < before)
    return bool(value > before or value <= 0)


_log = logging.getLogger("eservice.settings")
_WARNED: set[str] = set()


def warn_held_back(settings: Settings) -> None:
    """Logs each looser sign-in setting that was not taken, once a process (names only)."""
    for key in settings.held_back:
        if key not in _WARNED:
            _WARNED.add(key)
            _log.warning("setting %s looser than the default: not taken", key)


def load_settings(data_dir: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Builds this process's settings; ``overrides`` are command-line values (None: unset)."""
    chosen = data_dir or os.environ.get("ESERVICE_DATA_DIR")
    settings = Settings(data_dir=Path(chosen).expanduser() if chosen else default_data_dir())
    types = {f.name: f.type for f in fields(Settings)}
    file = settings.data_dir / SETTINGS_FILE
    held: list[str] = []

    def take(key: str, value: Any) -> None:
        if key in STRICTER and _looser(key, value, getattr(settings, key)):
            held.append(key)  # the default (or the file's stricter value) stays
        else:
            setattr(settings, key, value)

    for key, value in (in_file := stored(file)).items():
        if key in RETIRED:
            continue
        if key not in types or key == "data_dir":  # a typo would silently keep the default
            raise bad_settings(f"{file}: {key}", "沒有這項設定", "no such setting")
        take(key, _checked(value, types[key], f"{file}: {key}", key))
    for key, kind in types.items():
        env = os.environ.get(f"ESERVICE_{key.upper()}")
        if env is not None and key != "data_dir":
            take(key, _checked(env, kind, f"ESERVICE_{key.upper()}", key))
    vars(settings)["held_back"] = tuple(dict.fromkeys(held))
    given = {*in_file, *(k for k in IDENTITY if f"ESERVICE_{k.upper()}" in os.environ)}
    vars(settings)["unset"] = tuple(k for k in IDENTITY if k not in given and not overrides.get(k))
    for key, value in overrides.items():
        if value is not None and key in types:
            setattr(settings, key, _coerce(value, types[key]))
    return settings


def settings_from_args(args: Any) -> Settings:
    """Settings for a command-line invocation: global options win over file and environment."""
    return load_settings(
        getattr(args, "data_dir", None),
        office_code=getattr(args, "office", None),
        device_id=getattr(args, "device", None),
        lang=getattr(args, "lang", None),
        demo=True if getattr(args, "demo", False) else None,
    )
