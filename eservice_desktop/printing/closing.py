"""Daily closing (日結) per counter or per office: PDF for the cashier's file, CSV for finance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.printing.tables import Column, Report, Section, render_csv, render_report

METHOD_ZH = {"cash": "現金", "card": "刷卡", "online": "線上"}


@dataclass(frozen=True)
class ClosingReceipt:
    number: str
    time: str
    case_number: str
    method: str
    amount: int
    status: str  # valid | void
    refunded: int
    clerk: str
    void_reason: str = ""


@dataclass(frozen=True)
class ClosingRefund:
    receipt_number: str
    time: str
    case_number: str
    method: str
    amount: int
    reason: str
    clerk: str


@dataclass(frozen=True)
class ReceiptRange:
    device: str
    first: str
    last: str
    count: int
    missing: tuple[str, ...] = ()


@dataclass
class ClosingReport:
    office_code: str
    office_name: str
    day: date
    device: str | None  # None: the whole office
    generated_at: str
    clerk: str
    receipts: list[ClosingReceipt] = field(default_factory=list)
    refunds: list[ClosingRefund] = field(default_factory=list)
    by_fee_item: list[tuple[str, int, int]] = field(default_factory=list)  # name, count, amount
    by_method: dict[str, tuple[int, int]] = field(default_factory=dict)  # count, amount
    ranges: list[ReceiptRange] = field(default_factory=list)

    @property
    def valid(self) -> list[ClosingReceipt]:
        return [r for r in self.receipts if r.status == "valid"]

    @property
    def voids(self) -> list[ClosingReceipt]:
        return [r for r in self.receipts if r.status == "void"]

    @property
    def gross(self) -> int:
        return sum(r.amount for r in self.valid)

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds)

    @property
    def net(self) -> int:
        return self.gross - self.refunded

    @property
    def cash_expected(self) -> int:
        """Cash that must be in the drawer: cash received minus cash handed back today."""
        cash_in = sum(r.amount for r in self.valid if r.method == "cash")
        cash_out = sum(r.amount for r in self.refunds if r.method == "cash")
        return cash_in - cash_out

    def to_json(self) -> dict[str, object]:
        return {
            "office": self.office_code,
            "device": self.device,
            "day": self.day.isoformat(),
            "receipts": len(self.receipts),
            "voids": [r.number for r in self.voids],
            "gross": self.gross,
            "refunded": self.refunded,
            "net": self.net,
            "cash_expected": self.cash_expected,
            "by_method": {k: {"count": v[0], "amount": v[1]} for k, v in self.by_method.items()},
            "by_fee_item": [{"item": n, "count": c, "amount": a} for n, c, a in self.by_fee_item],
            "ranges": [
                {
                    "device": r.device,
                    "first": r.first,
                    "last": r.last,
                    "count": r.count,
                    "missing": list(r.missing),
                }
                for r in self.ranges
            ],
        }


def _money(amount: int) -> str:
    return f"{amount:,}"


def _ranges(r: ClosingReport) -> Section:
    return Section(
        "收據號碼區間",
        [
            Column("櫃檯", 20),
            Column("起號", 50),
            Column("迄號", 50),
            Column("張數", 20, "right"),
            Column("缺號", 40),
        ],
        [[x.device, x.first, x.last, str(x.count), "、".join(x.missing) or "無"] for x in r.ranges],
    )


def _subtotals(r: ClosingReport) -> list[Section]:
    """Per fee item and per payment method."""
    three = [Column("筆數", 25, "right"), Column("金額", 40, "right")]
    return [
        Section(
            "規費項目小計",
            [Column("規費項目", 90), *three],
            [[n, str(c), _money(a)] for n, c, a in r.by_fee_item],
            ["合計", "", _money(sum(a for _, _, a in r.by_fee_item))],
        ),
        Section(
            "繳費方式小計",
            [Column("繳費方式", 90), *three],
            [[METHOD_ZH.get(k, k), str(c), _money(a)] for k, (c, a) in sorted(r.by_method.items())],
            ["合計", str(len(r.valid)), _money(r.gross)],
        ),
    ]


def _detail(r: ClosingReport) -> Section:
    cols = [
        Column("收據號碼", 42),
        Column("時間", 14),
        Column("案號", 42),
        Column("方式", 12),
        Column("金額", 20, "right"),
        Column("狀態", 12, "centre"),
        Column("經收", 20),
    ]
    rows = [
        [
            x.number,
            x.time,
            x.case_number,
            METHOD_ZH.get(x.method, x.method),
            _money(x.amount),
            "作廢" if x.status == "void" else ("退費" if x.refunded else ""),
            x.clerk,
        ]
        for x in r.receipts
    ]
    return Section("收據明細", cols, rows)


def _voids_and_refunds(r: ClosingReport) -> list[Section]:
    voids = Section(
        "作廢收據",
        [
            Column("收據號碼", 45),
            Column("案號", 45),
            Column("金額", 20, "right"),
            Column("作廢原因", 72),
        ],
        [[x.number, x.case_number, _money(x.amount), x.void_reason] for x in r.voids],
        note="作廢收據保留原號碼，不得重複使用。",
    )
    refunds = Section(
        "退費",
        [
            Column("收據號碼", 45),
            Column("時間", 14),
            Column("方式", 12),
            Column("金額", 20, "right"),
            Column("退費原因", 91),
        ],
        [
            [
                x.receipt_number,
                x.time,
                METHOD_ZH.get(x.method, x.method),
                _money(x.amount),
                x.reason,
            ]
            for x in r.refunds
        ],
    )
    return [voids, refunds]


def _summary(r: ClosingReport) -> Section:
    return Section(
        "結算",
        [Column("項目", 90), Column("金額", 40, "right")],
        [
            ["實收合計（不含作廢）", _money(r.gross)],
            ["退費合計", _money(r.refunded)],
            ["淨額", _money(r.net)],
            ["應有現金（現金收入－現金退費）", _money(r.cash_expected)],
        ],
    )


def _report(r: ClosingReport) -> Report:
    scope = f"櫃檯 {r.device}" if r.device else "全所"
    subtitle = [
        f"機關：{r.office_name}（{r.office_code}）　範圍：{scope}",
        f"營業日：{format_roc(r.day, 'receipt')}　製表時間：{r.generated_at}　製表人：{r.clerk}",
    ]
    return Report(
        title="規費日結表",
        subtitle_lines=subtitle,
        sections=[_ranges(r), *_subtotals(r), _detail(r), *_voids_and_refunds(r), _summary(r)],
        signature_line="經收人：＿＿＿＿＿＿　主管：＿＿＿＿＿＿　出納：＿＿＿＿＿＿",
    )


def closing_pdf(r: ClosingReport) -> bytes:
    return render_report(_report(r))


def closing_csv(r: ClosingReport) -> bytes:
    return render_csv(_report(r))
