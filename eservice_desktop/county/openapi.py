"""Prints the server's OpenAPI document: ``python -m eservice_desktop.county.openapi``.

``docs/openapi.json`` is this output; a test fails when the two differ."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def document() -> dict[str, Any]:
    from eservice_desktop.county.asgi import create_app

    with tempfile.TemporaryDirectory() as d:
        app = create_app(
            f"sqlite:///{Path(d) / 'schema.sqlite3'}",
            secret=b"schema only, never served",
            dispatch=False,
        )
        doc = app.openapi()
        app.state.engine.dispose()
    return doc


def main() -> int:
    sys.stdout.write(json.dumps(document(), ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
