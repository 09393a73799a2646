"""NULL parameters of the office's driver are bound through an adapter registered for ``None``
(storage/cipher.py), not through the driver's fallback, which builds and clears two
AttributeErrors per NULL (a pulled page binds thousands): the values stored stay the same."""

from __future__ import annotations

import sqlcipher3.dbapi2 as sqlcipher

from eservice_desktop.storage import cipher


def test_none_has_the_registered_adapter() -> None:
    assert sqlcipher.adapters[(type(None), sqlcipher.PrepareProtocol)] is cipher._null


def test_values_are_stored_as_before() -> None:
    conn = sqlcipher.connect(":memory:")
    try:
        conn.execute("CREATE TABLE t (a, b, c, d)")
        rows = [(None, 1, "一", 2.5), ("x", None, None, None), (None, None, None, None)]
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
        conn.execute(
            "INSERT INTO t VALUES (:a, :b, :c, :d)", dict(zip("abcd", rows[0], strict=True))
        )
        got = conn.execute(
            "SELECT a, b, c, d, typeof(a), typeof(b), typeof(c), typeof(d) FROM t ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()
    assert got == [
        (None, 1, "一", 2.5, "null", "integer", "text", "real"),
        ("x", None, None, None, "text", "null", "null", "null"),
        (None, None, None, None, "null", "null", "null", "null"),
        (None, 1, "一", 2.5, "null", "integer", "text", "real"),
    ]
