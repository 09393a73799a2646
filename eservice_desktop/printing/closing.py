"""Daily closing (日結) per counter or per office: PDF for the cashier's file, CSV for finance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.printing.closing_behind import CounterBehind, behind_note
from eservice_desktop.printing.closing_corrections import ClosingCorrection, corrections_section
from eservice_desktop.printing.closing_exceptions import ClosingException, exceptions_section
from eservice_desktop.printing.closing_refunds import METHOD_ZH, ClosingRefund, refunds_section
from eservice_desktop.printing.closing_refused import ClosingRefused, refused_section
from eservice_desktop.printing.closing_reprints import ClosingReprint, reprints_section
from eservice_desktop.printing.closing_retake import EarlierClosing
from eservice_desktop.printing.tables import Column, Report, Section, render_csv, render_report


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
    device: str = ""  # the counter that issued it (its number's series)
    voided_by: str = ""  # the counter that voided it (the void event's device)
    void_office: str = ""  # the office of the counter that voided it
    void_approved_by: str = ""  # the supervisor who approved the void: ``account name``
    void_clerk: str = ""  # who voided it and handed the money back (the void event's clerk)
    #: False for a receipt of this counter that was paid and never printed (a print failed,
    #: cancelled or still on its way when the closing was taken): the citizen has none.
    printed: bool = True


@dataclass(frozen=True)
class MethodTotal:
    """One payment method on a closing: what came in on it and what went back out on it here
    that day (refunds, and other counters' or offices' receipts voided here)."""

    method: str
    count: int  # receipts whose money came in here
    gross: int
    refunded: int = 0
    voided_out: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunded - self.voided_out

    @property
    def label(self) -> str:
        """The method as the closing prints it (現金, 刷卡, 線上)."""
        return METHOD_ZH.get(self.method, self.method)


@dataclass(frozen=True)
class ReceiptRange:
    device: str
    first: str
    last: str
    count: int
    missing: tuple[str, ...] = ()
    #: Spare papers: an online payment's receipt another counter issued first (void, printed).
    spare: tuple[str, ...] = ()


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
    #: Receipts taken in (count, gross amount) by method; ``methods`` nets them.
    by_method: dict[str, tuple[int, int]] = field(default_factory=dict)
    ranges: list[ReceiptRange] = field(default_factory=list)
    #: Receipts of other counters (office-wide: of other offices) voided here that day: money
    #: out of this drawer (this office's drawers).
    voided_here: list[ClosingReceipt] = field(default_factory=list)
    #: Receipts reprinted here that day (any day's receipts): no money, for the supervisor.
    reprints: list[ClosingReprint] = field(default_factory=list)
    refused: list[ClosingRefused] = field(default_factory=list)  # refused by the county: undone
    corrections: list[ClosingCorrection] = field(default_factory=list)  # closing_corrections.py
    #: Fees a supervisor let go uncollected here that day: no receipt, no money.
    exceptions: list[ClosingException] = field(default_factory=list)
    earlier: EarlierClosing | None = None  # the day's closing taken before, and what came after
    #: Counters in scope, other than this one, not synced by the time the closing covers (their
    #: receipts may be missing); None when the county never said (printing/closing_behind.py).
    behind: tuple[CounterBehind, ...] | None = None
    #: Why the day's backup the closing of today takes was not taken (zh-TW, English); not
    #: printed: the command and the window say it beside the written closing.
    backup_failed: tuple[str, str] | None = None

    def voided_elsewhere(self, r: ClosingReceipt) -> bool:
        """A receipt of this counter voided at another one (office-wide: of this office voided
        at another office): its money came into this drawer and went back out of the other's."""
        if r.status != "void" or not r.voided_by:
            return False
        if self.device is None:
            return r.void_office not in ("", self.office_code)
        return r.voided_by != self.device

    @property
    def valid(self) -> list[ClosingReceipt]:
        return [r for r in self.receipts if r.status == "valid"]

    @property
    def unprinted(self) -> list[str]:
        """This counter's valid receipts of the day never printed (the fees page's banner)."""
        return [r.number for r in self.valid if not r.printed]

    @property
    def taken_in(self) -> list[ClosingReceipt]:
        """The receipts whose money came in here: the valid ones and those voided elsewhere."""
        return [r for r in self.receipts if r.status == "valid" or self.voided_elsewhere(r)]

    @property
    def voids(self) -> list[ClosingReceipt]:
        return [r for r in self.receipts if r.status == "void"]

    @property
    def gross(self) -> int:
        return sum(r.amount for r in self.taken_in)

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds)

    @property
    def voided_out(self) -> int:
        """Handed back here on other counters' receipts voided here."""
        return sum(r.amount for r in self.voided_here)

    @property
    def net(self) -> int:
        return self.gross - self.refunded - self.voided_out

    @property
    def methods(self) -> list[MethodTotal]:
        """Each payment method taken in or handed back on, net of what went back on it here:
        their nets add up to ``net``, the cash one is ``cash_expected``."""
        back: dict[str, list[int]] = {m: [0, 0] for m in self.by_method}
        for x in self.refunds:
            back.setdefault(x.method, [0, 0])[0] += x.amount
        for v in self.voided_here:
            back.setdefault(v.method, [0, 0])[1] += v.amount
        return [
            MethodTotal(m, *self.by_method.get(m, (0, 0)), refunded, voided_out)
            for m, (refunded, voided_out) in sorted(back.items())
        ]

    @property
    def cash_expected(self) -> int:
        """Cash that must be in the drawer: cash received here minus cash handed back here
        today (refunds, and voids of other counters' receipts)."""
        cash_in = sum(r.amount for r in self.taken_in if r.method == "cash")
        refunds = sum(r.amount for r in self.refunds if r.method == "cash")
        voids = sum(r.amount for r in self.voided_here if r.method == "cash")
        return cash_in - refunds - voids

    def to_json(self) -> dict[str, object]:
        return {
            "office": self.office_code,
            "device": self.device,
            "day": self.day.isoformat(),
            "receipts": len(self.receipts),
            "voids": [r.number for r in self.voids],
            "voided_elsewhere": {
                r.number: r.voided_by for r in self.voids if self.voided_elsewhere(r)
            },
            "voided_here": [
                {"number": r.number, "issued_by": r.device, "amount": r.amount}
                for r in self.voided_here
            ],
            "gross": self.gross,
            "refunded": self.refunded,
            "voided_out": self.voided_out,
            "net": self.net,
            "cash_expected": self.cash_expected,
            "unprinted": self.unprinted,
            "reprints": [x.to_json() for x in self.reprints],
            "refused": [x.to_json() for x in self.refused],
            "exceptions": [x.to_json() for x in self.exceptions],
            "corrections": [x.to_json() for x in self.corrections],
            "earlier_closing": self.earlier.to_json() if self.earlier else None,
            "counters_behind": (
                None if self.behind is None else [c.to_json() for c in self.behind]
            ),
            "by_method": {
                m.method: {
                    "count": m.count,
                    "amount": m.gross,
                    "refunded": m.refunded,
                    "voided_out": m.voided_out,
                    "net": m.net,
                }
                for m in self.methods
            },
            "by_fee_item": [{"item": n, "count": c, "amount": a} for n, c, a in self.by_fee_item],
            "ranges": [
                {
                    "device": r.device,
                    "first": r.first,
                    "last": r.last,
                    "count": r.count,
                    "missing": list(r.missing),
                    "spare": list(r.spare),
                }
                for r in self.ranges
            ],
        }


def _money(amount: int) -> str:
    return f"{amount:,}"


def _scope(r: ClosingReport) -> tuple[str, str]:
    """How the closing names where it is and the others: this counter and the other counters,
    or (office-wide) this office and the other offices."""
    return ("本櫃", "他櫃") if r.device is not None else ("本所", "他所")


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
        note=behind_note(r.behind or ()) + _spare_note(r.ranges),  # may be missing; spares
    )


def _spare_note(ranges: list[ReceiptRange]) -> str:
    spare = "；".join(f"櫃檯 {x.device} {'、'.join(x.spare)}" for x in ranges if x.spare)
    note = "重複開立之線上繳費收據（他櫃已先開立，本張作廢，不計張數，非缺號）："
    return f"{note}{spare}，請向民眾收回。" if spare else ""


def _subtotals(r: ClosingReport) -> list[Section]:
    """Per fee item (what came in) and per payment method (what came in, went back, net)."""
    three = [Column("筆數", 25, "right"), Column("金額", 40, "right")]
    here, _ = _scope(r)
    money = [Column(t, 30, "right") for t in ("實收", "退費", "作廢退還", "淨額")]
    return [
        Section(
            "規費項目小計",
            [Column("規費項目", 90), *three],
            [[n, str(c), _money(a)] for n, c, a in r.by_fee_item],
            ["合計", "", _money(sum(a for _, _, a in r.by_fee_item))],
        ),
        Section(
            "繳費方式小計",
            [Column("繳費方式", 42), Column("筆數", 20, "right"), *money],
            [
                [m.label, str(m.count)]
                + [_money(a) for a in (m.gross, m.refunded, m.voided_out, m.net)]
                for m in r.methods
            ],
            ["合計", str(len(r.taken_in))]
            + [_money(a) for a in (r.gross, r.refunded, r.voided_out, r.net)],
            note=f"淨額＝實收－退費－作廢退還（退費與作廢退還：當日由{here}退還者，依原收據繳費方式）。",
        ),
    ]


def _detail(r: ClosingReport) -> Section:
    cols = [Column("收據號碼", 42), Column("時間", 14), Column("案號", 42), Column("方式", 12)]
    cols += [Column("金額", 20, "right"), Column("狀態", 20, "centre"), Column("經收", 20)]
    rows = [
        [
            x.number,
            x.time,
            x.case_number,
            METHOD_ZH.get(x.method, x.method),
            _money(x.amount),
            _status(r, x),
            x.clerk,
        ]
        for x in r.receipts
    ]
    unprinted = r.unprinted
    note = f"未列印：已收費而收據尚未印出 {len(unprinted)} 張，請於規費收費頁按 F10 列印。"
    return Section("收據明細", cols, rows, note=note if unprinted else "")


def _status(r: ClosingReport, x: ClosingReceipt) -> str:
    if r.voided_elsewhere(x):
        return f"{_scope(r)[1]}作廢"
    if x.status == "valid" and not x.printed:
        return "未列印"
    return "作廢" if x.status == "void" else ("退費" if x.refunded else "")


def _void_columns() -> list[Column]:
    """經辦 is who voided (and handed the money back): the table named the supervisor who
    allowed it and the receipt's 經收 was the clerk who took the money, so a void asked for at
    another counter, or by another cashier, named nobody who handed the cash out."""
    return [
        Column("收據號碼", 40),
        Column("開立櫃檯", 12),
        Column("作廢櫃檯", 12),
        Column("經辦", 18),
        Column("案號", 38),
        Column("金額", 16, "right"),
        Column("核准主管", 24),
        Column("作廢原因", 22),
    ]


def _void_row(x: ClosingReceipt) -> list[str]:
    return [
        x.number,
        x.device,
        x.voided_by,
        x.void_clerk,
        x.case_number,
        _money(x.amount),
        x.void_approved_by,
        x.void_reason,
    ]


def _voids_and_refunds(r: ClosingReport) -> list[Section]:
    here, other = _scope(r)
    voids = Section(
        "作廢收據",
        _void_columns(),
        [_void_row(x) for x in r.voids],
        note=f"作廢收據保留原號碼，不得重複使用。{other}作廢者，款項由作廢櫃檯退還，{here}仍計收入。",
    )
    refunds = refunds_section(r.refunds)
    voided_here = Section(
        f"{other}收據於{here}作廢（由{here}退還）",
        _void_columns(),
        [_void_row(x) for x in r.voided_here],
        ["合計", "", "", "", "", _money(r.voided_out), "", ""],
    )
    return [voids, voided_here, refunds, *([refused_section(r.refused)] if r.refused else [])]


def _summary(r: ClosingReport) -> Section:
    here, other = _scope(r)
    return Section(
        "結算",
        [Column("項目", 90), Column("金額", 40, "right")],
        [
            [f"實收合計（不含作廢；{other}作廢者仍計）", _money(r.gross)],
            ["退費合計", _money(r.refunded)],
            [f"{other}收據於{here}作廢退還", _money(r.voided_out)],
            ["淨額", _money(r.net)],
            ["應有現金（現金收入－現金退費－現金作廢退還）", _money(r.cash_expected)],
        ],
        note=r.earlier.note() if r.earlier else "",
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
        sections=[
            _ranges(r),
            *_subtotals(r),
            _detail(r),
            *_voids_and_refunds(r),
            reprints_section(r.reprints),
            *([exceptions_section(r.exceptions)] if r.exceptions else []),
            *([corrections_section(r.corrections)] if r.corrections else []),
            _summary(r),
        ],
        signature_line="經收人：＿＿＿＿＿＿　主管：＿＿＿＿＿＿　出納：＿＿＿＿＿＿",
    )


def closing_pdf(r: ClosingReport) -> bytes:
    return render_report(_report(r))


def closing_csv(r: ClosingReport) -> bytes:
    return render_csv(_report(r))
