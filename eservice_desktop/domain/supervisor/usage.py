"""The usage report (appendix 3): cases per service and channel, month by month, with the
online share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.report_model import (
    Cell,
    ChartSpec,
    Report,
    ReportTable,
    months_between,
)
from eservice_desktop.domain.supervisor.common import (
    T_USAGE_MONTHS,
    T_USAGE_SERVICES,
    is_online,
    rate_pct,
    service_names,
)
from eservice_desktop.domain.values import (
    CHANNEL_NAMES,
    CHANNELS,
)

#: The channels' English words in the bilingual headings (``臨櫃 Counter``), capitalised as
#: every other heading is (``線上 Online``): the codes themselves read "counter / web / kiosk".
CHANNEL_NAMES_EN = {"counter": "Counter", "web": "Web", "kiosk": "Kiosk"}


@dataclass(frozen=True)
class UsageCount:
    service_code: str
    channel: str
    month: str
    cases: int


def _usage_charts(
    channels: Sequence[str],
    labels: Sequence[str],
    months: tuple[str, ...],
    per_month: Mapping[str, Mapping[str, int]],
    per_channel: Mapping[str, int],
) -> tuple[ChartSpec, ChartSpec]:
    """The share by channel, and the cases per month by channel."""
    return (
        ChartSpec(
            kind="pie",
            title="各管道占比 Share by channel",
            categories=tuple(labels),
            series=(("件數 Cases", tuple(float(per_channel.get(ch, 0)) for ch in channels)),),
            unit="件",
        ),
        ChartSpec(
            kind="stacked_bar",
            title="每月各管道件數 Cases per month by channel",
            categories=months,
            series=tuple(
                (label, tuple(float(per_month.get(m, {}).get(ch, 0)) for m in months))
                for ch, label in zip(channels, labels, strict=True)
            ),
            unit="件",
        ),
    )


def build_usage(
    catalogue: Catalogue,
    counts: Iterable[UsageCount],
    *,
    period_from: date,
    period_to: date,
    office: str,
) -> Report:
    """Appendix 3's shape: the period's total and per service the total, each channel and the
    online share; then month by month per channel with the online share; charts of the share
    by channel and of the cases per month by channel."""
    counts = list(counts)
    channels = list(CHANNELS) + sorted({c.channel for c in counts} - set(CHANNELS))
    months = months_between(period_from, period_to)
    per_service: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_channel: dict[str, int] = defaultdict(int)
    for c in counts:
        per_service[c.service_code][c.channel] += c.cases
        per_month[c.month][c.channel] += c.cases
        per_channel[c.channel] += c.cases
    labels = [f"{CHANNEL_NAMES.get(ch, ch)} {CHANNEL_NAMES_EN.get(ch, ch)}" for ch in channels]

    def cells(by: Mapping[str, int]) -> tuple[Cell, ...]:
        total = sum(by.values())
        online = sum(n for ch, n in by.items() if is_online(ch))
        return (total, *[by.get(ch, 0) for ch in channels], online, rate_pct(online, total))

    # the period's total first, as on time's table of departments has it: the screen and the
    # PDF showed no total of cases or online share, which only the exports' summary gave
    service_rows: list[tuple[Cell, ...]] = [("合計 Total", "", "", *cells(per_channel))]
    for code, by in sorted(per_service.items()):
        dept, name = service_names(catalogue, code)
        service_rows.append((dept, code, name, *cells(by)))
    month_rows = [(m, *cells(per_month.get(m, {}))) for m in months]
    grand = sum(per_channel.values())
    online = sum(n for ch, n in per_channel.items() if is_online(ch))
    tail = ("合計 Total", *labels, "線上 Online", "線上比率% Online share")
    return Report(
        kind="usage",
        title="線上申辦使用情形 Usage and online share",
        period_from=period_from,
        period_to=period_to,
        office=office,
        tables=(
            ReportTable(
                T_USAGE_SERVICES,
                ("單位 Department", "代碼 Code", "項目 Service", *tail),
                tuple(service_rows),
            ),
            ReportTable(T_USAGE_MONTHS, ("月份 Month", *tail), tuple(month_rows)),
        ),
        charts=_usage_charts(channels, labels, months, per_month, per_channel),
        totals={
            "cases": grand,
            **{ch: per_channel.get(ch, 0) for ch in channels},
            "online": online,
            "online_share_pct": rate_pct(online, grand) or 0.0,
        },
    )
