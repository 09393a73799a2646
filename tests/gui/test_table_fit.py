"""fit_widths: headers always fit, data columns get what they need, the elastic one gives way."""

from __future__ import annotations

from eservice_desktop.gui.table_fit import fit_widths

MINIMUM = [60, 80, 60, 100]  # header widths
WANTED = [150, 400, 70, 100]  # contents


def test_everything_fits_and_the_spare_room_is_shared() -> None:
    widths = fit_widths(MINIMUM, WANTED, 1000, elastic=(1,))
    assert sum(widths) == 1000
    assert all(w >= want for w, want in zip(widths, WANTED, strict=True))


def test_the_elastic_column_gives_way_first() -> None:
    widths = fit_widths(MINIMUM, WANTED, 500, elastic=(1,))
    assert sum(widths) == 500
    assert widths[0] == 150 and widths[2] == 70 and widths[3] == 100  # full contents
    assert widths[1] == 180 and widths[1] >= MINIMUM[1]  # elided, header still whole


def test_too_narrow_for_contents_keeps_every_header() -> None:
    widths = fit_widths(MINIMUM, WANTED, 320, elastic=(1,))
    assert sum(widths) == 320
    assert all(w >= m for w, m in zip(widths, MINIMUM, strict=True))


def test_narrower_than_the_headers_gives_the_headers() -> None:
    assert fit_widths(MINIMUM, WANTED, 200, elastic=(1,)) == MINIMUM
