"""Substring search (storage/search.py): what it finds, that it equals a plain scan of the
table in every branch, order and page, and that the index moves with the projection."""

from __future__ import annotations

import fnmatch
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from factories import FIELDS
from sqlalchemy import select, text

from eservice_desktop.config import Settings
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.domain.case_number import short_case_number
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage import repo, search
from eservice_desktop.storage.models import CaseRow


def _take(app: App, pid: str, name: str) -> cases.CaseView:
    return intake(app, IntakeRequest("HR-TRANSCRIPT", pid, name, fields=FIELDS))


def _numbers(rows: list[cases.QueueRow]) -> list[str]:
    return [r.case_number for r in rows]


def test_given_name_sequence_number_and_id_digits_find_the_case(app: App) -> None:
    seed_demo_bulk(app, 300, seed=11, days=20)
    wang = _take(app, "A123456789", "王小明")
    seq = wang.case_number.split("-")[3]
    check = wang.case_number.split("-")[4]
    for typed in ("小明", "王小明", "王小", "王", seq, f"{seq}-{check}", "456789", "6789"):
        found = _numbers(cases.search(app, typed, limit=1000))
        assert wang.case_number in found, typed
    # Two characters from the middle of a three-character name: a bigram, not a prefix.
    assert _numbers(cases.search(app, "小明")) == [wang.case_number]
    assert cases.search_count(app, "小明") == 1
    # The number as read aloud (no dashes), and its start with the dashes.
    assert _numbers(cases.search(app, wang.case_number.replace("-", ""))) == [wang.case_number]
    assert wang.case_number in _numbers(cases.search(app, wang.case_number[:12], limit=1000))
    assert cases.search(app, "小明王") == []
    assert wang.case_number not in _numbers(cases.search(app, "明", limit=1000))  # prefix only


def _full_width(text: str) -> str:
    """As typed with a Chinese IME left in full-width mode (Ａ１２３…, the dash too)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_numbers_typed_in_full_width_find_the_case(app: App) -> None:
    seed_demo_bulk(app, 100, seed=7, days=20)
    wang = _take(app, "A123456789", "王小明")
    seq = wang.case_number.split("-")[3]
    for typed in (seq, "6789", "A1", "a12", wang.case_number, wang.case_number[:12]):
        wide = _full_width(typed)
        assert wang.case_number in _numbers(cases.search(app, wide, limit=1000)), wide
        assert cases.search_count(app, wide) == cases.search_count(app, typed), wide
    assert _numbers(cases.search(app, _full_width(wang.case_number))) == [wang.case_number]


def _naive(rows: Sequence[CaseRow], typed: str) -> list[str]:
    """The documented rules applied row by row to the whole table (``rows``, newest first)."""
    q = typed.strip()
    compact = unicodedata.normalize("NFKC", q).upper().replace("-", "").replace(" ", "")
    dashed = search.dash_case_prefix(compact)
    latin = compact.isascii() and compact.isalnum()
    short = short_case_number(unicodedata.normalize("NFKC", q))
    out = []
    for r in rows:
        seq = search.case_sequence(r.case_number)
        hit = (
            (len(q) >= 2 and q in r.applicant_name)
            or (len(compact) >= 3 and (compact in r.applicant_id or compact in seq))
            or (
                latin
                and (compact[:1].isalpha() or compact.isdigit())
                and r.case_number.startswith(dashed)
            )
            or (latin and len(compact) < 3 and r.applicant_id.startswith(compact))
            or (len(q) == 1 and r.applicant_name.startswith(q))
            or (short is not None and fnmatch.fnmatchcase(r.case_number, short.glob))
        )
        if hit:
            out.append(r.case_number)
    return out


def test_every_branch_page_and_count_equal_a_plain_scan(app: App) -> None:
    seed_demo_bulk(app, 400, seed=5, days=20)
    rng = random.Random(3)
    with app.reading() as s:
        rows = s.scalars(select(CaseRow)).all()
    typed = ["H", "H0", "H01", "H0101", "A", "A1", "000", "-", "陳", "1", "12", "Ｈ０１", "１２"]
    for r in rng.sample(list(rows), 8):
        name, pid, number = r.applicant_name, r.applicant_id, r.case_number
        typed += [
            name[:1],
            name[1:3],
            name[-2:],
            name,
            pid[:2],
            pid[:5],
            pid[-4:],
            pid[3:7],
            number.replace("-", "")[:9],
            number[:13],
            search.case_sequence(number)[2:],
            "-".join(number.split("-")[2:4]),  # as read off the slip: year and sequence
            number[:3] + "".join(number.split("-")[2:]),
        ]
    # The table does not change below: it is read, and each expected answer made, once.
    with app.reading() as s:
        newest_first = s.scalars(select(CaseRow).order_by(CaseRow.search_key.desc())).all()
    wanted = {t: _naive(newest_first, t) for t in typed}
    saved = search.SORT_AT_MOST
    try:
        for sort_at_most in (saved, 5):  # both plans of the prefix branches
            search.SORT_AT_MOST = sort_at_most
            for t in typed:
                want = wanted[t]
                assert cases.search_count(app, t) == len(want), t
                assert _numbers(cases.search(app, t, limit=30)) == want[:30], t
                assert _numbers(cases.search(app, t, limit=25, offset=10)) == want[10:35], t
                # Keyset pages: each continues after the last row of the one before.
                got: list[str] = []
                page = cases.search_page(app, t, limit=40)
                got += _numbers(page.rows)
                while page.more:
                    page = cases.search_page(app, t, limit=40, after=page.after)
                    got += _numbers(page.rows)
                assert got == want, t
    finally:
        search.SORT_AT_MOST = saved
    assert any(len(want) > 40 for want in wanted.values())  # paging was exercised


def test_equal_receipt_times_get_distinct_keys_in_order(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    first = _take(app, "A123456789", "王小明")
    second = _take(app, "F131104093", "林美玲")  # same clock: the same microsecond
    with app.reading() as s:
        keys = {r.case_number: r.search_key for r in s.scalars(select(CaseRow))}
    assert keys[second.case_number] == keys[first.case_number] + 1
    assert search.base_key(clock()) == keys[first.case_number]


def test_index_is_written_in_the_projections_transaction(app: App) -> None:
    wang = _take(app, "A123456789", "王小明")
    with app.reading() as s:
        state = repo.load_state(s, wang.case_id)
    assert state is not None
    renamed = replace(state, applicant_name="王大同", applicant_id="B223456780")
    # A failing transaction leaves neither the projection nor the index changed.
    with pytest.raises(RuntimeError), app.transaction() as s:
        repo.upsert_projection(s, renamed, None, app.now())
        raise RuntimeError("rolled back")
    assert _numbers(cases.search(app, "小明")) == [wang.case_number]
    assert cases.search(app, "大同") == []
    # A committed change replaces the old entry: old texts no longer match, new ones do.
    with app.transaction() as s:
        repo.upsert_projection(s, renamed, None, app.now())
    assert cases.search(app, "小明") == [] and cases.search(app, "6789") == []
    assert _numbers(cases.search(app, "大同")) == [wang.case_number]
    assert _numbers(cases.search(app, "56780")) == [wang.case_number]


def test_the_index_keeps_no_copy_of_names_or_ids(app: App) -> None:
    _take(app, "A123456789", "王小明")
    with app.reading() as s:
        tables = set(s.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars())
        stored = s.execute(
            text("SELECT name, id FROM case_search WHERE case_search MATCH '\"王小明\"'")
        ).all()
    assert "case_search_content" not in tables  # contentless FTS5: trigrams and rowids only
    assert stored == [(None, None)]


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (-1, 0), (1001, 0), (10, -1)])
def test_bad_pages_are_refused(app: App, limit: int, offset: int) -> None:
    with pytest.raises(DomainError) as info:
        cases.search(app, "王", limit=limit, offset=offset)
    assert info.value.code in ("page.limit", "page.offset")


def test_queue_pages_and_total_cover_the_whole_queue(app: App) -> None:
    seed_demo_bulk(app, 300, seed=9, days=5)
    total = cases.queue_total(app, "all")
    assert total == 300
    got: list[str] = []
    offset = 0
    while True:
        page = cases.queue_page(app, "all", limit=70, offset=offset)
        got += _numbers(page.rows)
        offset += len(page.rows)
        if not page.more:
            break
    assert len(got) == len(set(got)) == total
    assert got[:70] == _numbers(cases.queue(app, "all", limit=70))
    for name in ("open", "today", "supplement", "due_soon", "overdue"):
        assert cases.queue_total(app, name) == len(cases.queue(app, name, limit=1000)), name


def test_broad_case_number_prefix_over_several_years_comes_newest_first(app: App) -> None:
    from datetime import UTC, datetime

    taken = []
    for year, month in ((2025, 3), (2026, 1), (2025, 6), (2026, 2), (2025, 9)):
        at = datetime(year, month, 10, 2, 0, tzinfo=UTC)
        view = intake(
            app,
            IntakeRequest("HR-TRANSCRIPT", "A123456789", "王小明", fields=FIELDS, received_at=at),
        )
        taken.append((at, view.case_number))
    newest_first = [n for _at, n in sorted(taken, reverse=True)]
    assert {n[:10] for n in newest_first} == {"H01-01-114", "H01-01-115"}
    saved = search.SORT_AT_MOST
    try:
        search.SORT_AT_MOST = 1  # the per-group walk of a broad prefix
        for typed in ("H", "H01", "H0101", "H01-01-11"):
            assert _numbers(cases.search(app, typed)) == newest_first, typed
            page = cases.search_page(app, typed, limit=2)
            rest = cases.search_page(app, typed, limit=10, after=page.after)
            assert _numbers(page.rows) + _numbers(rest.rows) == newest_first, typed
        assert _numbers(cases.search(app, "H0101114")) == newest_first[2:]
    finally:
        search.SORT_AT_MOST = saved


def test_a_case_number_read_off_the_slip_finds_the_case(app: App) -> None:
    """Citizens read the year and the sequence off the slip (115-000002), maybe with the
    office (H01-115-000002): the search found nothing and ``case show`` said 查無此案件."""
    seed_demo_bulk(app, 120, seed=9, days=20)
    wang = _take(app, "A123456789", "王小明")
    _office, _device, year, seq, check = wang.case_number.split("-")
    forms = (
        f"{year}-{seq}",
        f"{year}{seq}",
        f"{year}-{seq}-{check}",
        f"H01-{year}-{seq}",
        f"h01{year}{seq}{check}",
        _full_width(f"{year}-{seq}"),
        f" {year} {seq} ",
    )
    for typed in forms:
        assert _numbers(cases.search(app, typed, limit=1000)) == [wang.case_number], typed
        assert cases.search_count(app, typed) == 1, typed
        assert cases.show_case(app, typed).case_number == wang.case_number, typed
    wrong_check = (int(check) + 1) % 10
    for other in (f"H02-{year}-{seq}", f"{int(year) - 1}-{seq}", f"{year}-{seq}-{wrong_check}"):
        assert cases.search(app, other) == [] and cases.search_count(app, other) == 0, other
        with pytest.raises(DomainError) as e:
            cases.show_case(app, other)
        assert e.value.code == "case.not_found", other


def test_a_slip_number_two_counters_hold_names_both_and_opens_neither(
    app: App, make_app: Callable[[Settings], App]
) -> None:
    """The same year and sequence at a second counter: the search lists both, a look-up
    refuses naming both (a pickup office holds its own 115-000002 beside the filing
    office's), never one picked for the clerk."""
    # counter 02's case here stands for what a pull brings (opened before the first event)
    other_counter = make_app(
        Settings(data_dir=app.settings.data_dir, office_code="H01", device_id="02")
    )
    wang = _take(app, "A123456789", "王小明")
    _office, _device, year, seq, check = wang.case_number.split("-")
    second = _take(other_counter, "F131104093", "林美玲")
    assert second.case_number.split("-")[2:4] == [year, seq]
    both = [second.case_number, wang.case_number]
    assert _numbers(cases.search(app, f"{year}-{seq}")) == both
    assert cases.search_count(app, f"H01-{year}-{seq}") == 2
    with pytest.raises(DomainError) as e:
        cases.show_case(app, f"{year}-{seq}")
    assert e.value.code == "case_number.ambiguous"
    assert all(n in e.value.message_zh and n in e.value.message_en for n in both)
    assert cases.show_case(app, f"{year}-{seq}-{check}").case_number == wang.case_number
