"""Search as you type: the per-index union gives exactly the naive newest-first answer."""

from __future__ import annotations

from sqlalchemy import or_, select

from eservice_desktop.services.app import App
from eservice_desktop.services.demo_bulk import seed_demo_bulk
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow


def _naive(app: App, text: str, limit: int = 50) -> list[str]:
    t = text.strip()
    up = t.upper()
    dashed = repo._dash_case_prefix(up.replace("-", ""))
    conds = [
        (CaseRow.applicant_id >= up) & (CaseRow.applicant_id < up + "\uffff"),
        (CaseRow.applicant_name >= t) & (CaseRow.applicant_name < t + "\uffff"),
        (CaseRow.case_number >= dashed) & (CaseRow.case_number < dashed + "\uffff"),
    ]
    stmt = select(CaseRow.case_number).where(or_(*conds))
    with app.reading() as s:
        return list(s.scalars(stmt.order_by(CaseRow.received_at.desc()).limit(limit)))


def test_union_search_equals_the_naive_query(app: App) -> None:
    seed_demo_bulk(app, 250, seed=5, days=20)
    with app.reading() as s:
        rows = s.scalars(select(CaseRow).limit(6)).all()
        checked = 0
        for row in rows:
            for text in (
                row.applicant_id[:4],
                row.applicant_name[:1],
                row.applicant_name[:2],
                row.case_number[:16],
                row.case_number.replace("-", "")[:13],
            ):
                found = repo.search_cases(s, text, limit=20)
                got = [r.case_number for r in found]
                # Same cases; order newest first (ties in receipt time may come either way).
                assert sorted(got) == sorted(_naive(app, text, limit=20)), text
                times = [r.received_at for r in found]
                assert times == sorted(times, reverse=True)
                assert got
                checked += 1
    assert checked == 30


def test_broad_prefix_still_fills_the_page_newest_numbers_first(app: App) -> None:
    seed_demo_bulk(app, 250, seed=6, days=20)
    saved = repo.SEARCH_BRANCH_CAP
    try:
        repo.SEARCH_BRANCH_CAP = 30
        with app.reading() as s:
            got = repo.search_cases(s, "H", limit=30)
    finally:
        repo.SEARCH_BRANCH_CAP = saved
    assert len(got) == 30
    # "H" matches every case number (and some IDs): the 30 newest cases come back.
    assert {int(r.case_number.split("-")[3]) for r in got} == set(range(221, 251))
