"""``eservice-desktop pickup ...`` as the clerk types it, in demo mode with the demo county key."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import add_supervisor, choose_own

DEMO = {"ESERVICE_DEMO": "1"}
#: CJK ideographs and the full-width punctuation Chinese text uses.
HAN = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uff01-\uff1f]")


def test_pickup_ready_verify_handover_twice(cli: Callable[..., Any], tmp_path: Path) -> None:
    seeded = cli("demo", "seed", "--cases", "40", "--seed", "7", "--json", env=DEMO)
    assert seeded.code == 0, seeded.err
    assert seeded.json["pickup_ready_with_code"] >= 1

    ready = cli("pickup", "ready", "--json", env=DEMO)
    assert ready.code == 0, ready.err
    rows = ready.json
    assert rows and all("case_number" in r for r in rows)

    issued = cli("pickup", "issue", rows[-1]["case_number"], "--json", env=DEMO)
    assert issued.code == 0, issued.err
    payload = issued.json["payload"]
    assert issued.json["demo"] is True and len(payload) == 168

    verified = cli("pickup", "verify", payload, "--json", env=DEMO)
    assert verified.code == 0, verified.err
    assert verified.json["ok"] is True
    assert verified.json["case_number"] == rows[-1]["case_number"]

    first = cli("pickup", "handover", payload, "--json", env=DEMO)
    assert first.code == 0, first.err
    assert first.json["handed_over"] is True

    second = cli("pickup", "handover", payload, "--json", env=DEMO)
    assert second.code != 0
    assert second.json["reason"] == "already_picked_up"
    assert second.json["handed_over"] is False

    png = tmp_path / "mms.png"
    rendered = cli("pickup", "render-mms", rows[0]["case_number"], "--out", str(png), env=DEMO)
    assert rendered.code == 0, rendered.err
    from eservice_desktop.devices.scanner import decode_image

    token = decode_image(png)[0]
    assert (
        cli("pickup", "verify", token, "--json", env=DEMO).json["case_number"]
        == (rows[0]["case_number"])
    )

    slip = tmp_path / "slip.pdf"
    assert cli("pickup", "slip", rows[-1]["case_number"], "--out", str(slip)).code == 0
    assert slip.read_bytes().startswith(b"%PDF")

    # Outside demo mode (a pickup clerk signed in; the office's first admin ends the demo
    # database: demo mode is refused from then on) the demo county's codes are refused, and
    # none can be issued.
    real = {"ESERVICE_DEMO": ""}
    for args, password in (
        (("setup", "--admin", "boss", "--password-stdin"), "admin password 1"),
        (("login", "boss", "--password-stdin"), "admin password 1"),
        (("operator", "add", "desk01", "--name", "領件", "--roles", "pickup", "--password-stdin"),
         "desk password 0"),
    ):  # fmt: skip
        assert cli(*args, stdin=password + "\n", env=real).code == 0, args
    choose_own(cli, "desk01", "desk password 0", "desk password 1", env=real)
    assert cli("login", "desk01", "--password-stdin", stdin="desk password 1\n", env=real).code == 0
    refused = cli("pickup", "verify", payload, "--json", env=real)
    assert refused.code != 0 and refused.json["reason"] == "demo_key"
    assert cli("pickup", "issue", rows[0]["case_number"], env=real).code == 2


def test_verify_garbage_exits_nonzero_with_reason(cli: Callable[..., Any]) -> None:
    r = cli("pickup", "verify", "NOTACODE", "--json")
    assert r.code == 3 and r.json["reason"] == "malformed"


def test_handover_refused_while_fees_are_due(cli: Callable[..., Any]) -> None:
    """A ready case whose fee was refunded owes it again: exit 2, reason fees_due, the amount;
    paid at the desk, it is handed over."""
    hr = [
        "--service",
        "HR-TRANSCRIPT",
        "--applicant-id",
        "A123456789",
        "--applicant-name",
        "王小明",
    ]
    for kv in (
        "registered_address=桃園市桃園區中正路1號",
        "transcript_kind=現戶",
        "record_detail=省略記事",
    ):
        hr += ["--field", kv]
    number = cli("case", "intake", *hr, "--json", env=DEMO).json["case_number"]
    refused = cli("pickup", "issue", number, "--json", env=DEMO)  # neither closed nor paid
    assert refused.code == 2
    paid = cli("payment", "record", number, "--method", "cash", "--amount", "15", "--json")
    assert paid.code == 0, paid.err
    assert cli("case", "close", number).code == 0
    payload = cli("pickup", "issue", number, "--json", env=DEMO).json["payload"]
    receipt = paid.json["receipt_number"]
    refund = ("payment", "refund", receipt, "--amount", "15", "--reason", "誤收退還", "--json")
    refused = cli(*refund)
    assert refused.code == 2 and refused.json["error"] == "auth.approval_required"
    # an office supervisor approves on this counter with their own password
    add_supervisor(cli)
    approver = ("--approver", "super01", "--approver-password-stdin")
    done_refund = cli(*refund, *approver, stdin="super-secret-1\n")
    assert done_refund.code == 0, done_refund.err

    r = cli("pickup", "handover", payload, "--json", env=DEMO)
    assert r.code == 2
    j = r.json
    assert j["ok"] is False and j["reason"] == "fees_due" and j["error"] == "fees_due"
    assert j["amount"] == 15 and j["handed_over"] is False and "15" in j["message"]
    assert "payment record" in j["message"]
    assert cli("pickup", "verify", payload, "--json", env=DEMO).json["reason"] == "fees_due"

    again = cli("payment", "record", number, "--method", "cash", "--amount", "15", "--json")
    assert again.code == 0, again.err
    done = cli("pickup", "handover", payload, "--json", env=DEMO)
    assert done.code == 0 and done.json["handed_over"] is True


def test_pickup_ready_names_the_services_in_the_chosen_language(cli: Callable[..., Any]) -> None:
    """``pickup ready --lang en`` listed 請領戶籍謄本(預約) for every case, where ``case show``
    said Household registration transcript (online reservation); the JSON keeps the
    catalogue's name in either language."""
    assert cli("demo", "seed", "--cases", "40", "--seed", "7", env=DEMO).code == 0
    zh = cli("pickup", "ready", env=DEMO)
    en = cli("--lang", "en", "pickup", "ready", env=DEMO)
    assert zh.code == en.code == 0 and zh.out.strip(), (zh.err, en.err)
    assert en.out.count("\n") == zh.out.count("\n")
    for line in en.out.splitlines():
        service = line.split("  ")[2]  # case number, pickup number, service, name
        assert service and not HAN.search(service), line
    assert "(online reservation)" in en.out and "(預約)" in zh.out, zh.out
    rows = cli("--lang", "en", "pickup", "ready", "--json", env=DEMO).json
    assert rows == cli("pickup", "ready", "--json", env=DEMO).json
    assert all(HAN.search(r["service_name"]) for r in rows)


def test_render_mms_says_its_size_in_the_chosen_language(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """``pickup render-mms`` said ``mms.png（27547 bytes）`` in either language: an English word
    in the zh-TW line, full-width brackets in the English one."""
    assert cli("demo", "seed", "--cases", "40", "--seed", "7", env=DEMO).code == 0
    number = cli("pickup", "ready", "--json", env=DEMO).json[0]["case_number"]
    png = tmp_path / "mms.png"
    zh = cli("pickup", "render-mms", number, "--out", str(png), env=DEMO)
    size = png.stat().st_size
    en = cli("--lang", "en", "pickup", "render-mms", number, "--out", str(png), env=DEMO)
    assert zh.code == en.code == 0, (zh.err, en.err)
    assert zh.out.splitlines()[0] == f"{png}（{size} 位元組）", zh.out
    assert en.out.splitlines()[0] == f"{png} ({size} bytes)", en.out
    assert not HAN.search(en.out), en.out


def test_pickup_ready_says_how_many_wait_when_it_lists_only_the_oldest(
    cli: Callable[..., Any],
) -> None:
    """``pickup ready`` lists the oldest 500 (``--limit``) and said nothing of the rest: 500
    lines over an office with 8,996 cases waiting. A list cut short ends with how many wait
    in all; the JSON stays the list of rows."""
    assert cli("demo", "seed", "--cases", "40", "--seed", "7", env=DEMO).code == 0
    every = cli("pickup", "ready", "--json", env=DEMO).json
    assert len(every) >= 3
    whole = cli("pickup", "ready", env=DEMO)
    assert whole.code == 0 and len(whole.out.splitlines()) == len(every), whole.out
    cut = cli("pickup", "ready", "--limit", "2", env=DEMO)
    lines = cut.out.splitlines()
    assert cut.code == 0 and len(lines) == 3, cut.out
    assert lines[-1] == (
        f"（列出最早的 2 件／共 {len(every)} 件待領；--limit 可列出更多，最多 10,000 件）"
    )
    en = cli("--lang", "en", "pickup", "ready", "--limit", "2", env=DEMO).out.splitlines()
    assert (
        en[-1] == f"(the oldest 2 of {len(every)} cases waiting; --limit lists more, up to 10,000)"
    )
    assert cli("pickup", "ready", "--limit", "2", "--json", env=DEMO).json == every[:2]
