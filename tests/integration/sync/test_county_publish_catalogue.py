"""``publish catalogue`` refuses a file the county and the offices could not use (JSON that is
no catalogue, a service with a malformed code) with exit 2 and one line, and publishes
nothing: such a file went into the feed, every office refused it and kept the catalogue it had,
while the county fell back to the shipped one for its own checks, reports and notices."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.county import cli as county_cli
from eservice_desktop.county.notify import county_catalogue
from eservice_desktop.county.store import FeedRow, make_engine
from eservice_desktop.storage import resources


def _publish(monkeypatch: pytest.MonkeyPatch, db: str, path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = county_cli.main(["publish", "catalogue", str(path), "--db", db])
    return code, out.getvalue(), err.getvalue()


def _not_a_catalogue(shipped: dict[str, Any]) -> list[Any]:
    return [
        [],
        {"services": "x"},
        {**shipped, "services": "x"},
        {**shipped, "services": [*shipped["services"], {"code": "x"}]},
    ]


def test_a_file_that_is_no_catalogue_is_refused_and_the_published_one_stays(
    county_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = resources.read_json("catalogue", "services.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({**shipped, "version": "2027.1"}), encoding="utf-8")
    assert _publish(monkeypatch, county_db, good)[0] == 0

    for n, doc in enumerate(_not_a_catalogue(shipped)):
        bad = tmp_path / f"bad{n}.json"
        bad.write_text(json.dumps(doc), encoding="utf-8")
        code, out, err = _publish(monkeypatch, county_db, bad)
        assert code == 2 and out == "", (doc, out, err)
        assert err.count("\n") == 1 and " / " in err and "Traceback" not in err, err

    engine = make_engine(county_db)
    try:
        with Session(engine) as s:
            published = s.scalar(select(func.count()).where(FeedRow.kind == "catalogue"))
            assert published == 1  # nothing of the refused files reached the feed
            assert county_catalogue(s).version == "2027.1"  # the county keeps what it published
    finally:
        engine.dispose()
