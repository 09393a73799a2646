"""``publish catalogue|crl`` refuses a file the county and the offices could not use with exit 2
and one line, and publishes nothing. JSON that was no catalogue (or a service with a malformed
code) went into the feed, every office refused it and kept the catalogue it had, while the
county fell back to the shipped one for its own checks, reports and notices; a file that was no
CRL/ARL was published and then refused by every office in a log line."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.county import cli as county_cli
from eservice_desktop.county.notify import county_catalogue
from eservice_desktop.county.store import FeedRow, create_schema, make_engine
from eservice_desktop.storage import resources


def _publish(
    monkeypatch: pytest.MonkeyPatch, db: str, path: Path, kind: str = "catalogue"
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = county_cli.main(["publish", kind, str(path), "--db", db])
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
        assert err.count("\n") == 1 and "目錄檔" in err and "Traceback" not in err, err

    engine = make_engine(county_db)
    try:
        with Session(engine) as s:
            published = s.scalar(select(func.count()).where(FeedRow.kind == "catalogue"))
            assert published == 1  # nothing of the refused files reached the feed
            assert county_catalogue(s).version == "2027.1"  # the county keeps what it published
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "content",
    [
        b"not a crl",
        b"",
        b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
        bytes(range(256)) * 8,
    ],
)
def test_a_file_that_is_no_crl_is_refused_and_nothing_published(
    sqlite_county_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    path = tmp_path / "moica.crl"
    path.write_bytes(content)
    engine = make_engine(sqlite_county_db)
    create_schema(engine)
    engine.dispose()
    code, out, err = _publish(monkeypatch, sqlite_county_db, path, "crl")
    assert code == 2 and out == "", (out, err)
    assert err.count("\n") == 1 and "憑證廢止清冊" in err and "CRL" in err, err
    engine = make_engine(sqlite_county_db)
    try:
        with Session(engine) as s:
            assert s.scalar(select(func.count()).where(FeedRow.kind == "revocation")) == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("encoding", ["DER", "PEM"])
def test_a_crl_in_der_or_pem_is_published(
    sqlite_county_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    """The offices check its signature against their trust anchors; the county only that it is
    a list at all."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")]))
        .last_update(now)
        .next_update(now + timedelta(days=1))
        .sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
    )
    path = tmp_path / "moica.crl"
    path.write_bytes(crl.public_bytes(getattr(serialization.Encoding, encoding)))
    code, out, err = _publish(monkeypatch, sqlite_county_db, path, "crl")
    assert code == 0 and json.loads(out)["seq"] >= 1, err


@pytest.mark.parametrize(
    "args",
    [
        ["publish", "catalogue"],
        ["publish", "calendar", "--year", "2027"],
        ["publish", "crl"],
        ["registry", "import"],
    ],
)
def test_a_named_pipe_is_refused_before_it_is_read(
    sqlite_county_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """``publish`` and ``registry import`` opened their file with ``open()``: a named pipe
    held the command for good, waiting for a writer. Refused now as settle-import and the
    office's imports refuse it: exit 2, one line, nothing published."""
    fifo = tmp_path / "catalogue.json"
    os.mkfifo(fifo)
    engine = make_engine(sqlite_county_db)
    create_schema(engine)
    engine.dispose()
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setenv("ESERVICE_COUNTY_PASSPHRASE", "a county passphrase")
    codes: list[int] = []
    command = [*args[:2], str(fifo), *args[2:], "--db", sqlite_county_db]
    runner = threading.Thread(target=lambda: codes.append(county_cli.main(command)), daemon=True)
    runner.start()
    runner.join(30)
    if runner.is_alive():  # let the command go (a writer opens the pipe), then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        runner.join(30)
        pytest.fail(f"{args} waited on a named pipe")
    assert codes == [2] and out.getvalue() == "", (codes, out.getvalue())
    assert "是裝置或管道，不是一般檔案" in err.getvalue() and err.getvalue().count("\n") == 1
    engine = make_engine(sqlite_county_db)
    try:
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(FeedRow)) == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["publish", "catalogue"], "目錄檔不是 JSON"),
        (["registry", "import"], "登錄資料檔不是 JSON：巢狀層次過深"),
    ],
)
def test_json_nested_deeper_than_the_parser_goes_is_one_line(
    sqlite_county_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    words: str,
) -> None:
    """A file of [[[[… ended ``publish catalogue`` and ``registry import`` in RecursionError's
    traceback; it is refused as any file that is not JSON is: exit 2, one line."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setenv("ESERVICE_COUNTY_PASSPHRASE", "a county passphrase")
    code = county_cli.main([*args, str(deep), "--db", sqlite_county_db])
    assert code == 2 and out.getvalue() == "", (code, out.getvalue())
    assert err.getvalue().count("\n") == 1 and words in err.getvalue(), err.getvalue()


def test_a_catalogue_saved_by_notepad_with_a_byte_order_mark_is_published(
    sqlite_county_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notepad's "UTF-8 with BOM": the catalogue county IT had edited was refused as
    「目錄檔不是 JSON」, a file that is JSON; settings.json is read with its BOM too."""
    shipped = resources.read_json("catalogue", "services.json")
    path = tmp_path / "services.json"
    path.write_text(json.dumps({**shipped, "version": "2027.2"}), encoding="utf-8-sig")
    code, out, err = _publish(monkeypatch, sqlite_county_db, path)
    assert code == 0 and err == "" and json.loads(out)["seq"] >= 1, (code, out, err)
    engine = make_engine(sqlite_county_db)
    try:
        with Session(engine) as s:
            assert county_catalogue(s).version == "2027.2"
    finally:
        engine.dispose()
