"""The savings report's look-up figures come from the counts' ``lookups`` key (migration 0020):
the same figures as joining every look-up to its case, which the report did before and which
this test keeps as its reference, over whole months and over a period that cuts both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import report_support as mix
from sqlalchemy import text

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import supervisor as sv
from eservice_desktop.services import supervisor_reports as reports
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest_many

CRAM, ZONING = "ED-CRAM-SCHOOL-REGISTER", "UR-ZONING-CERT"

#: The report as it read the look-ups before: each one joined to its case.
_REFERENCE = """
    FROM case_lookups l JOIN cases c ON c.case_id = l.case_id
    WHERE c.office = 'H01' AND c.received_day BETWEEN :f AND :t AND c.consent = 1
      AND c.status IN ('closed', 'ready_for_pickup', 'picked_up')
"""


def _lookup(case: mix._Case, month: int, day: int, kind: str) -> None:
    payload = {"kind": kind, "result_id": str(uuid.uuid4()), "sha256": "ab" * 32}
    case.add(ev.LOOKUP_DONE, mix._t(month, day, 11), payload)


def _cases() -> Iterator[mix._Case]:
    """Closed with consent: a (two kinds looked up, one twice), b (one kind), e (none); not
    counted: c (open), d (another office), f (no consent); g, h (zoning, one kind each)."""
    seq = iter(range(1, 100))

    def new(service: str, office: str = "H01") -> mix._Case:
        return mix._Case(office, next(seq), service, 30)

    a = new(CRAM).received(mix._t(3, 20), "counter", mix.CRAM_KINDS)
    for kind in ("household_transcript", "land_transcript", "household_transcript"):
        _lookup(a, 3, 20, kind)
    b = new(CRAM).received(mix._t(4, 2), "counter", mix.CRAM_KINDS)
    _lookup(b, 4, 2, "building_transcript")
    c = new(ZONING).received(mix._t(3, 21), "counter", ["land_transcript"])
    _lookup(c, 3, 21, "land_transcript")
    d = new(ZONING, office="H02").received(mix._t(3, 22), "counter", ["land_transcript"])
    _lookup(d, 3, 22, "land_transcript")
    e = new(CRAM).received(mix._t(4, 10), "counter", mix.CRAM_KINDS)
    f = new(ZONING).received(mix._t(4, 11), "counter")
    g = new(ZONING).received(mix._t(3, 2), "web", ["land_transcript"])
    _lookup(g, 3, 2, "land_transcript")
    h = new(ZONING).received(mix._t(4, 29), "counter", ["land_transcript"])
    _lookup(h, 4, 29, "land_transcript")
    for closed in (a, b, d, e, f, g, h):
        closed.add(ev.CLOSED, closed.events[-1].at, {})
    yield from (a, b, c, d, e, f, g, h)


@pytest.fixture
def looked_up(app: App, clock: object) -> App:
    clock.now = mix.NOW  # type: ignore[attr-defined]
    events = [e for c in _cases() for e in c.events]
    with app.transaction() as s:
        report = ingest_many(app, s, [e for e in events if e.office == "H01"])
        assert not report.refused, report.refused
        report = ingest_many(app, s, [e for e in events if e.office != "H01"], origin="county")
        assert not report.refused, report.refused
    return app


def _reference(app: App, f: date, t: date) -> sv.LookupCounts:
    p = {"f": f.isoformat(), "t": t.isoformat()}
    with app.reading() as s:
        cases = s.execute(
            text(f"SELECT c.service_code, count(DISTINCT c.case_id) {_REFERENCE} GROUP BY 1"), p
        )
        kinds = s.execute(
            text(
                f"SELECT c.service_code, l.kind, count(DISTINCT c.case_id) {_REFERENCE} "
                "GROUP BY 1, 2"
            ),
            p,
        )
        return sv.LookupCounts(
            cases={code: int(n) for code, n in cases},
            by_kind={(code, kind): int(n) for code, kind, n in kinds},
        )


@pytest.mark.parametrize(
    "period",
    [(date(2026, 3, 1), date(2026, 4, 30)), (date(2026, 3, 15), date(2026, 4, 20))],
    ids=["whole months", "cut months"],
)
def test_the_lookup_figures_are_those_of_the_lookups_joined_to_their_cases(
    looked_up: App, period: tuple[date, date]
) -> None:
    f, t = period
    got = reports.savings(looked_up, f, t)
    want = sv.build_savings(
        looked_up.catalogue,
        _consented(looked_up, f, t),
        period_from=f,
        period_to=t,
        office="H01",
        lookups=_reference(looked_up, f, t),
    )
    assert got == want


def _consented(app: App, f: date, t: date) -> dict[str, int]:
    sql = (
        "SELECT service_code, count(*) FROM cases WHERE office = 'H01' AND consent = 1 "
        "AND received_day BETWEEN :f AND :t "
        "AND status IN ('closed', 'ready_for_pickup', 'picked_up') GROUP BY 1"
    )
    with app.reading() as s:
        return {code: int(n) for code, n in s.execute(text(sql), {"f": str(f), "t": str(t)})}


def test_each_document_counts_the_cases_that_looked_it_up(looked_up: App) -> None:
    """By hand, March and April: cram school a (household, land), b (building), e (none:
    every document); zoning g and h (land), f without consent. Cut at 03-15..04-20: g
    (03-02) and h (04-29) are outside."""
    rows = reports.savings(looked_up, date(2026, 3, 1), date(2026, 4, 30)).table(sv.T_SAVINGS)
    counted = {(row[1], row[3]): row[4] for row in rows.rows}
    assert counted == {
        (CRAM, "個人戶籍謄本"): 2,  # a, e
        (CRAM, "土地登記簿謄本"): 2,  # a, e
        (CRAM, "建物登記簿謄本"): 2,  # b, e
        (ZONING, "土地登記簿謄本"): 2,  # g, h
    }
    cut = reports.savings(looked_up, date(2026, 3, 15), date(2026, 4, 20)).table(sv.T_SAVINGS)
    assert {(row[1], row[3]): row[4] for row in cut.rows} == {
        (CRAM, "個人戶籍謄本"): 2,
        (CRAM, "土地登記簿謄本"): 2,
        (CRAM, "建物登記簿謄本"): 2,
    }


def test_a_case_keeps_its_kinds_looked_up_in_the_counts(looked_up: App) -> None:
    with looked_up.reading() as s:
        sql = "SELECT case_number, lookup_kinds FROM cases WHERE office = 'H01'"
        kinds = {int(n.split("-")[3]): looked for n, looked in s.execute(text(sql))}
        keys = set(s.execute(text("SELECT lookups FROM case_stats WHERE n != 0")).scalars())
    assert kinds[1] == '["household_transcript","land_transcript"]'  # a, one kind twice
    assert kinds[5] == "[]"  # e
    assert keys == {
        "[]",
        '["household_transcript","land_transcript"]',
        '["building_transcript"]',
        '["land_transcript"]',
    }
