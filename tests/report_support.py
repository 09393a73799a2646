"""A known case mix for the supervisor reports, and every figure it must give.

Office H01, period 2026-03-01..2026-04-30, the clock at 2026-05-10. Each case is a list of
events that go through the one ingest path (``services.ingest.ingest_many``) or, at the county,
through its push; the expected figures below are worked out by hand from this list (see the
comments), not from the code under test.

| case | service | channel | received | what happens | counts as |
|---|---|---|---|---|---|
| c1 | HR-TRANSCRIPT (1 day) | counter | 03-02 | closed the same day | on time |
| c2 | HR-TRANSCRIPT | web | 03-03 | closed the same day | on time |
| c3 | HR-TRANSCRIPT | kiosk | 03-04 | closed 04-08 | late |
| c4 | UR-ZONING-CERT (2 days) | web, consent | 03-05 | closed the same day | on time, savings |
| c5 | UR-ZONING-CERT | counter, consent | 03-09 | closed 04-09 | late, savings |
| c6 | UR-ZONING-CERT | counter, consent | 03-10 | rejected the same day | on time, no savings |
| c7 | ED-CRAM-SCHOOL-REGISTER (30) | web | 03-11 | consent 03-11, closed 03-12 | on time, savings |
| c8 | EP-CONTROL-NUMBER (3) | kiosk | 03-12 | closed the same day | on time |
| c9 | LR-LAND-TRANSCRIPT (1) | counter | 04-01 | clerk-b: identity 11:00; open | overdue (04-01) |
| c10 | LR-LAND-TRANSCRIPT | counter | 04-30 | open | due 04-30: not overdue |
| c11 | HR-TRANSCRIPT | counter | 04-07 | cancelled | neither finished nor open |
| c12 | ED-CRAM-SCHOOL-REGISTER | counter, consent | 04-13 | closed 04-14 | on time, savings |
| c13 | UR-ZONING-CERT | counter, consent | 02-27 | closed | outside the period |
| c14 | HR-TRANSCRIPT at H02 | counter | 03-02 | closed | another office |
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.events import Event

TPE = timezone(timedelta(hours=8))
PERIOD = (date(2026, 3, 1), date(2026, 4, 30))
NOW = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
CRAM_KINDS = ["building_transcript", "household_transcript", "land_transcript"]


def _target(department: str, month: str, metric: str, value: int, office: str = "H01") -> dict:
    return {
        "office": office, "department": department, "month": month, "metric": metric,
        "value": value,
    }  # fmt: skip


def _t(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TPE).astimezone(UTC)


class _Case:
    def __init__(self, office: str, seq: int, service: str, limit: int) -> None:
        self.office = office
        self.case_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"report-mix/{office}/{seq}"))
        self.number = str(CaseNumber(office, "01", 115, seq))
        self.service = service
        self.limit = limit
        self.events: list[Event] = []

    def add(
        self, type_: str, at: datetime, payload: dict[str, Any], clerk: str = "clerk-a"
    ) -> None:
        self.events.append(
            Event(
                event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.case_id}/{len(self.events)}")),
                case_id=self.case_id,
                type=type_,
                office=self.office,
                device="01",
                clerk=clerk,
                at=at,
                payload=payload,
            )
        )

    def received(self, at: datetime, channel: str, consent: list[str] | None = None) -> _Case:
        self.add(
            ev.RECEIVED,
            at,
            {
                "case_number": self.number,
                "service_code": self.service,
                "time_limit_working_days": self.limit,
                "applicant": {"kind": "person", "id_type": "national_id",
                              "id": "A123456789", "name": "王小明"},
                "consent": consent or [],
                "channel": channel,
                "pickup": {"method": "counter", "office": self.office},
            },
        )  # fmt: skip
        if channel != "counter":
            self.add(ev.ACCEPTED, at, {})  # 收件 of a web or kiosk case (docs/channels.md)
        return self


def case_mix() -> list[Event]:
    """The events of c1..c14, in time order per case."""
    cases: list[_Case] = []

    def new(service: str, limit: int, office: str = "H01") -> _Case:
        c = _Case(office, len(cases) + 1, service, limit)
        cases.append(c)
        return c

    c1 = new("HR-TRANSCRIPT", 1).received(_t(3, 2), "counter")
    c1.add(ev.CLOSED, _t(3, 2, 15), {})
    c2 = new("HR-TRANSCRIPT", 1).received(_t(3, 3), "web")
    c2.add(ev.CLOSED, _t(3, 3, 11), {})
    c3 = new("HR-TRANSCRIPT", 1).received(_t(3, 4), "kiosk")
    c3.add(ev.CLOSED, _t(4, 8), {})
    c4 = new("UR-ZONING-CERT", 2).received(_t(3, 5), "web", ["land_transcript"])
    c4.add(ev.CLOSED, _t(3, 5, 16), {})
    c5 = new("UR-ZONING-CERT", 2).received(_t(3, 9), "counter", ["land_transcript"])
    c5.add(ev.CLOSED, _t(4, 9), {})
    c6 = new("UR-ZONING-CERT", 2).received(_t(3, 10), "counter", ["land_transcript"])
    c6.add(ev.REJECTED, _t(3, 10, 12), {"reason": "非本轄區土地"})
    c7 = new("ED-CRAM-SCHOOL-REGISTER", 30).received(_t(3, 11), "web")
    c7.add(ev.CONSENT_RECORDED, _t(3, 11, 11), {"kinds": CRAM_KINDS})
    c7.add(ev.CLOSED, _t(3, 12), {})
    c8 = new("EP-CONTROL-NUMBER", 3).received(_t(3, 12), "kiosk")
    c8.add(ev.CLOSED, _t(3, 12, 14), {})
    c9 = new("LR-LAND-TRANSCRIPT", 1).received(_t(4, 1), "counter")
    c9.add(ev.IDENTITY_VERIFIED, _t(4, 1, 11), {"method": "nhi_card"}, clerk="clerk-b")
    new("LR-LAND-TRANSCRIPT", 1).received(_t(4, 30), "counter")
    c11 = new("HR-TRANSCRIPT", 1).received(_t(4, 7), "counter")
    c11.add(ev.CANCELLED, _t(4, 7, 11), {"reason": "民眾撤回"})
    c12 = new("ED-CRAM-SCHOOL-REGISTER", 30).received(_t(4, 13), "counter", CRAM_KINDS)
    c12.add(ev.CLOSED, _t(4, 14), {})
    c13 = new("UR-ZONING-CERT", 2).received(_t(2, 27), "counter", ["land_transcript"])
    c13.add(ev.CLOSED, _t(2, 27, 15), {})
    c14 = new("HR-TRANSCRIPT", 1, office="H02").received(_t(3, 2), "counter")
    c14.add(ev.CLOSED, _t(3, 2, 15), {})
    return [e for c in cases for e in c.events]


#: The departments as the reports name them, Chinese then English (domain.supervisor).
HOUSEHOLD = "戶政事務所 Household Registration Offices"
LAND = "地政事務所 Land Registration Offices"

#: The expected on-time figures: (received, finished, on time, late, rate %, open, overdue).
ON_TIME_TOTAL = (12, 9, 7, 2, 77.78, 2, 1)
ON_TIME_BY_DEPARTMENT = {
    HOUSEHOLD: (4, 3, 2, 1, 66.67, 0, 0),  # c1 c2 c3(late) c11(cancelled)
    "城鄉發展處 Department of Urban and Rural Development": (
        3,
        3,
        2,
        1,
        66.67,
        0,
        0,
    ),  # c4 c5(late) c6(rejected, on time)
    "教育處 Department of Education": (2, 2, 2, 0, 100.0, 0, 0),  # c7 c12
    "環境保護局 Environmental Protection Bureau": (1, 1, 1, 0, 100.0, 0, 0),  # c8
    LAND: (2, 0, 0, 0, None, 2, 1),  # c9 (overdue) c10
}
ON_TIME_BY_SERVICE = {
    "HR-TRANSCRIPT": (4, 3, 2, 1, 66.67, 0, 0),
    "UR-ZONING-CERT": (3, 3, 2, 1, 66.67, 0, 0),
    "ED-CRAM-SCHOOL-REGISTER": (2, 2, 2, 0, 100.0, 0, 0),
    "EP-CONTROL-NUMBER": (1, 1, 1, 0, 100.0, 0, 0),
    "LR-LAND-TRANSCRIPT": (2, 0, 0, 0, None, 2, 1),
}
#: c9: due 2026-04-01 (received 10:00, 1 working day), the report's day 2026-04-30: 19 working
#: days after it (04-02..04-30 less the weekends and the days off 04-03 and 04-06);
#: held by clerk-b since the identity check at 11:00 Taipei.
OVERDUE = ("H01-01-115-000009", "2026-04-01", 19, "clerk-b", "2026-04-01T11:00+08:00")
#: On-time rate by month of receipt: March 6 of 8 (c3, c5 late), April 1 of 1 (c12).
RATE_BY_MONTH = {"2026-03": 75.0, "2026-04": 100.0}

#: Usage: (total, counter, web, kiosk, online, online %) per month and in all.
USAGE_BY_MONTH = {
    "2026-03": (8, 3, 3, 2, 5, 62.5),  # counter c1 c5 c6; web c2 c4 c7; kiosk c3 c8
    "2026-04": (4, 4, 0, 0, 0, 0.0),  # c9 c10 c11 c12
}
USAGE_TOTAL = {"cases": 12, "counter": 7, "web": 3, "kiosk": 2, "online": 5}
USAGE_BY_SERVICE = {
    "HR-TRANSCRIPT": (4, 2, 1, 1, 2, 50.0),
    "UR-ZONING-CERT": (3, 2, 1, 0, 1, 33.33),
    "ED-CRAM-SCHOOL-REGISTER": (2, 1, 1, 0, 1, 50.0),
    "EP-CONTROL-NUMBER": (1, 0, 0, 1, 1, 100.0),
    "LR-LAND-TRANSCRIPT": (2, 2, 0, 0, 0, 0.0),
}

#: Savings: closed with consent c4, c5 (都市計畫土地使用分區證明書: 土地登記簿謄本, seed
#: appendix 4/6/10: 20 NTD, 60 minutes, 1 sheet) and c7, c12 (短期補習班立案申請: three
#: documents, 60 NTD, 60 minutes, 3 sheets together). c6 was rejected, c13 is outside.
SAVINGS_CASES = {"UR-ZONING-CERT": 2, "ED-CRAM-SCHOOL-REGISTER": 2}
SAVINGS_SEED_UNITS = {"UR-ZONING-CERT": (20, 60, 1), "ED-CRAM-SCHOOL-REGISTER": (60, 60, 3)}


def savings_total() -> dict[str, int]:
    ntd = sum(n * SAVINGS_SEED_UNITS[k][0] for k, n in SAVINGS_CASES.items())
    minutes = sum(n * SAVINGS_SEED_UNITS[k][1] for k, n in SAVINGS_CASES.items())
    sheets = sum(n * SAVINGS_SEED_UNITS[k][2] for k, n in SAVINGS_CASES.items())
    return {"cases": 4, "ntd": ntd, "minutes": minutes, "sheets": sheets}


#: Targets the county set (H01 and one for H02 that H01 never sees; May is outside).
TARGETS = [
    _target("household", "2026-03", "cases", 3),
    _target("household", "2026-04", "cases", 2),
    _target("household", "2026-03", "online", 4),
    _target("land", "2026-04", "cases", 2),
    _target("land", "2026-05", "cases", 9),
    _target("household", "2026-03", "cases", 7, office="H02"),
]
#: (target, actual, achieved %, progress score, result score, points of 60) per department:
#: household cases: March 3 of 3, April 1 of 2 (c11): monthly lags 0, 50; cumulative 0, 20
#: (5 → 4): never behind two months running → 100; ends 20 % behind → the >10 % band, 39 at
#: 10 % down to 1 at 100 %: 39 - 10/90 × 38 = 34.8 → 35; 0.3 × 100 + 0.3 × 35 = 40.5.
#: household online: March 2 of 4 (c2 web, c3 kiosk): 50 % behind one month → 100; result
#: 39 - 40/90 × 38 = 22.1 → 22; 30 + 6.6 = 36.6. land cases: April 2 of 2 → 100, 100, 60.
TARGET_SCORES = {
    (LAND, "cases"): (2, 2, 100.0, 100, 100, 60.0),
    (HOUSEHOLD, "cases"): (5, 4, 80.0, 100, 35, 40.5),
    (HOUSEHOLD, "online"): (4, 2, 50.0, 100, 22, 36.6),
}
#: Months more than 20 % behind: household April (50 %), household online March (50 %).
REVIEW_MONTHS = 2
