"""Logging: one logger per area (eservice.sync, eservice.card, ...), rotating files in the data
directory, and a redaction filter so an ID number, a phone number or a PIN never reaches a log."""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
from pathlib import Path

_ID = re.compile(r"\b[A-Z][A-D1289]\d{8}\b")
_UBN = re.compile(r"(?<!\d)\d{8}(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?886-?|0)9\d{2}-?\d{3}-?\d{3}(?!\d)")


def redact(text: str) -> str:
    text = _ID.sub(lambda m: m.group(0)[:2] + "********", text)
    text = _PHONE.sub("09********", text)
    return _UBN.sub("********", text)


class RedactingFilter(logging.Filter):
    """Rewrites every record's message; names are never logged by the code in the first place."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(
    log_dir: Path | None,
    level: int = logging.INFO,
    json_lines: bool = False,
    stderr: bool = False,
    name: str = "eservice",
) -> None:
    root = logging.getLogger("eservice")
    root.setLevel(level)
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()
    fmt: logging.Formatter = (
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handlers: list[logging.Handler] = []
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_dir / f"{name}.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        )
    if stderr:
        handlers.append(logging.StreamHandler())
    for h in handlers:
        h.setFormatter(fmt)
        h.addFilter(RedactingFilter())
        root.addHandler(h)
