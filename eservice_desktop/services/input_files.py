"""A file a command imports, read only when it is a regular file and no further than its limit:
``storage.input_files`` (shared with the county server), here for the office's commands, which
import services and domain only."""

from __future__ import annotations

from eservice_desktop.storage.input_files import read_regular

__all__ = ["read_regular"]
