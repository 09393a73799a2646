"""What each setting may hold: the ranges of numbers, the sign-in settings that may only get
stricter, the words of a setting with fixed values, the settings naming paths, the keys no longer
read.

Apart from ``config`` (which reads them, and re-exports them under the same names) so that the
rules IT checks a value against are one table to read, and the settings object and its loading
another."""

from __future__ import annotations

#: The range of each number IT may set (inclusive): outside it a value is a typo or a unit
#: mistake (a week's minutes in ``idle_lock_min``, ``-5`` days of retention) and is refused.
LIMITS: dict[str, tuple[float, float]] = {
    "idle_lock_min": (0, 7 * 24 * 60),
    "login_max_failures": (1, 100),
    "login_lockout_min": (0, 7 * 24 * 60),
    "sync_interval_s": (0.05, 24 * 3600),
    "attachment_max_mb": (1, 1024),
    "sync_stale_warn_h": (0, 365 * 24),
    "sync_stale_approval_h": (0, 365 * 24),
    "crl_update_interval_h": (0.1, 365 * 24),
    "scanner_max_interkey_ms": (1, 10_000),
    "scanner_serial_baud": (300, 4_000_000),
    "camera_index": (0, 99),
    "backup_interval_h": (0.1, 365 * 24),
    "backup_keep_days": (0, 3650),
    "backup_max_age_h": (0.1, 365 * 24),
    "sync_backlog_warn_h": (0, 365 * 24),
    "sync_backlog_max_h": (0, 365 * 24),
    "crl_max_age_h": (0, 365 * 24),
    "retention_days": (1, 36500),
    "payment_due_days": (0, 365),
}

#: Sign-in protections settings.json and ESERVICE_* may make stricter, never looser: whoever has a
#: shell as the counter's OS user can write both, and a looser value would let a password-
#: guessing loop run freely or keep a session open for ever. Per setting: its stricter side.
#: A looser value (``idle_lock_min`` 0 included) is not taken: the value before it applies.
STRICTER: dict[str, str] = {
    "login_max_failures": "lower",
    "login_lockout_min": "higher",
    "idle_lock_min": "lower",
}

#: The words a setting with a fixed set of values accepts.
CHOICES: dict[str, frozenset[str]] = {
    "lang": frozenset({"zh_TW", "en"}),
    "office_kind": frozenset({"", "household", "land", "county_department"}),
    "receipt_layout": frozenset({"a6", "roll80"}),
    "db_key_store": frozenset({"", "file", "keyring"}),
    "pki_mode": frozenset({"production", "test"}),
    "revocation_unknown_policy": frozenset({"refuse", "override"}),
}

#: Settings that name a file or folder: a relative path would be read against the working
#: directory of each program, so the sync service (started in ``/`` or System32) and IT's shell
#: would look in different places (a key kept under one never found by the other).
PATHS: frozenset[str] = frozenset(
    {"backup_dir", "db_key_dir", "trust_anchor_dir", "county_ca_file"}
)

#: Keys earlier versions wrote into settings.json (``Settings.save`` writes every field) and
#: this one no longer reads: ignored, so an upgraded office still starts. A key removed from
#: ``Settings`` goes here; any other unknown key is refused (a typo would keep the default).
RETIRED: frozenset[str] = frozenset({"clerk"})
