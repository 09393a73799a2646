"""The treasury's settlement file for online payments (seed appendix 22, 電子付費對帳單).

A CSV with appendix 22's header row; one line per online payment. The format is documented in
docs/payments.md ("Treasury settlement file"). Pure: bytes in, validated lines out; a malformed
file raises :class:`SettlementFileError` naming the line, so the caller stores nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO, TypeVar

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.text_values import bad_char, typed_digits
from eservice_desktop.domain.values import EARLIEST, LATEST

#: A settlement file is a month of one county's online payments: a few thousand lines.
MAX_BYTES = 20 * 1024 * 1024
MAX_LINES = 200_000
MAX_FIELD = 200
_TOO_LONG = ("欄位內容過長", "a field is too long")
_BAD_QUOTE = "CSV 格式錯誤（引號不成對，或引號後未接逗號）"

#: Payment tools (seed appendix 22, plus the convenience-store kiosk's 超商代收, appendix 29);
#: the seed's PDF breaks some of them with a space.
TOOLS: tuple[str, ...] = ("信用卡", "金融帳戶轉帳", "晶片金融卡", "超商代收")

COL_NO = "編號"
COL_TXN = "交易電子案號"
COL_AUTH = "授權時間"
COL_TOOL = "付費工具"
COL_DEPOSIT_DATE = "入庫日期"
COL_AMOUNT = "應繳金額"
COL_DEPOSITED = "已入庫"
COL_UNDEPOSITED = "未入庫"
COL_SETTLEMENT = "機關核銷編號"
COL_SLIP = "規費單號"

HEADER: tuple[str, ...] = (
    COL_NO,
    COL_TXN,
    COL_AUTH,
    COL_TOOL,
    COL_DEPOSIT_DATE,
    COL_AMOUNT,
    COL_DEPOSITED,
    COL_UNDEPOSITED,
    COL_SETTLEMENT,
    COL_SLIP,
)
REQUIRED: tuple[str, ...] = (
    COL_TXN,
    COL_AUTH,
    COL_TOOL,
    COL_DEPOSIT_DATE,
    COL_AMOUNT,
    COL_DEPOSITED,
    COL_UNDEPOSITED,
    COL_SETTLEMENT,
)

#: 交易電子案號 (a payment's reference, else its payment_id): 1–64 of these characters.
TXN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_AMOUNT = typed_digits(r"^\d{1,3}(,\d{3})*$|^\d{1,9}$")
_DATE = typed_digits(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$")
_D = TypeVar("_D", date, datetime)
_TIME = typed_digits(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


class SettlementFileError(DomainError):
    """The file cannot be imported; ``line`` is its 1-based line number (0: the whole file)."""

    def __init__(self, line: int, zh: str, en: str) -> None:
        where_zh, where_en = (f"第 {line} 行：", f"line {line}: ") if line else ("", "")
        super().__init__(
            "settlement.malformed",
            f"對帳檔格式錯誤，{where_zh}{zh}",
            f"Settlement file: {where_en}{en}",
            "file",
            {"line": line},
        )
        self.line = line


@dataclass(frozen=True)
class SettlementLine:
    line: int  # 1-based line of the file (the header is line 1)
    #: 交易電子案號: the payment's transaction id (its ``reference`` when the channel gave one,
    #: else its ``payment_id``), never the case number
    transaction_id: str
    authorised_at: datetime | None  # 授權時間 as written (Taipei wall clock, naive)
    payment_tool: str
    deposit_date: date | None  # 入庫日期; empty only for a line not deposited yet
    amount: int
    deposited: bool
    settlement_number: str  # 機關核銷編號
    slip: str  # 規費單號 (the office's receipt number, informative)


def read_limited(stream: BinaryIO) -> bytes:
    """Reads at most one byte past the limit, so a huge file is refused without loading it."""
    data = stream.read(MAX_BYTES + 1)
    decode_size(len(data))
    return data


def decode_size(size: int) -> None:
    if size > MAX_BYTES:
        raise SettlementFileError(
            0,
            f"檔案過大（上限 {MAX_BYTES // 1024 // 1024} MB）",
            f"the file is too large (limit {MAX_BYTES // 1024 // 1024} MB)",
        )


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Big5 (cp950, what Excel on a zh-TW Windows writes)."""
    decode_size(len(data))
    if b"\x00" in data:
        raise SettlementFileError(
            0, "檔案含有 NUL 位元組，不是文字檔", "the file is not text (NUL)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_at = e.start
    try:
        return data.decode("cp950")
    except UnicodeDecodeError as e:
        # a UTF-8 file with a stray byte fails late as UTF-8, a Big5 one late as Big5
        line = data[: max(utf8_at, e.start)].count(b"\n") + 1
        raise SettlementFileError(
            line, "文字編碼無法辨識（請存成 UTF-8 或 Big5）", "unknown encoding (use UTF-8 or Big5)"
        ) from None


def _int(text: str, line: int, column: str) -> int:
    t = text.strip()
    if not _AMOUNT.match(t):
        raise SettlementFileError(
            line, f"「{column}」須為整數金額：{t[:20]!r}", f"{column} must be a whole amount"
        )
    value = int(t.replace(",", ""))
    if value <= 0:
        raise SettlementFileError(line, f"「{column}」須大於 0", f"{column} must be positive")
    return value


def _date(text: str, line: int) -> date | None:
    t = text.strip()
    if not t:
        return None
    m = _DATE.match(t)
    try:
        if not m:
            raise ValueError
        value = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise SettlementFileError(
            line, f"入庫日期須為 YYYY/MM/DD：{t[:20]!r}", "the deposit date must be YYYY/MM/DD"
        ) from None
    return _in_years(value, line, "入庫日期", "the deposit date", t)


def _in_years(value: _D, line: int, zh: str, en: str, text: str) -> _D:
    """In the years of any stored time (a deposit date 9999/12/31 was stored and printed)."""
    lo, hi = EARLIEST.year, LATEST.year - 1
    if not lo <= value.year <= hi:
        raise SettlementFileError(
            line, f"{zh}須在 {lo} 到 {hi} 年之間：{text[:20]!r}", f"{en} must be within {lo}..{hi}"
        )
    return value


def _time(text: str, line: int) -> datetime | None:
    t = text.strip()
    if not t:
        return None
    m = _TIME.match(t)
    try:
        if not m:
            raise ValueError
        value = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0))
    except ValueError:
        raise SettlementFileError(
            line,
            f"授權時間須為 YYYY/MM/DD HH:MM:SS：{t[:20]!r}",
            "the authorisation time must be YYYY/MM/DD HH:MM:SS",
        ) from None
    return _in_years(value, line, "授權時間", "the authorisation time", t)


def _header(row: list[str]) -> dict[str, int]:
    cols = {c.strip().replace(" ", ""): i for i, c in enumerate(row)}
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise SettlementFileError(
            1,
            f"標題列缺少欄位：{'、'.join(missing)}",
            f"the header row lacks the column(s) {', '.join(missing)}",
        )
    return cols


def parse(data: bytes) -> list[SettlementLine]:
    """Every line of the file, validated; raises on the first malformed line."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[SettlementLine] = []
    seen: dict[str, int] = {}
    cols: dict[str, int] | None = None
    try:
        for row in reader:
            line = reader.line_num
            if line > MAX_LINES:
                raise SettlementFileError(
                    line, f"行數超過上限 {MAX_LINES}", f"more than {MAX_LINES} lines"
                )
            if any(len(c) > MAX_FIELD for c in row):
                raise SettlementFileError(line, *_TOO_LONG)
            if not any(c.strip() for c in row):
                continue
            if cols is None:
                cols = _header(row)
                continue
            if len(row) < len(cols):
                raise SettlementFileError(
                    line,
                    f"欄位數 {len(row)}，標題列有 {len(cols)} 欄",
                    f"{len(row)} fields where the header has {len(cols)}",
                )
            cell = {name: row[i].strip() for name, i in cols.items()}
            _check_characters(cell, line)
            if cell.get(COL_NO, "") == "合計":
                continue  # the totals line of a statement exported by this program
            out.append(_line(cell, line, seen))
    except csv.Error as e:  # its English words kept out of zh-TW; past its limit: too long
        words = _TOO_LONG if "field limit" in str(e) else (_BAD_QUOTE, f"bad CSV ({e})")
        raise SettlementFileError(reader.line_num, *words) from None
    if cols is None:
        raise SettlementFileError(
            0, "檔案是空的（沒有標題列）", "the file is empty (no header row)"
        )
    return out


def _check_characters(cell: dict[str, str], line: int) -> None:
    """No column read holds a control character or bidi override (refused naming the line)."""
    for column in HEADER:
        if (ch := bad_char(cell.get(column, ""))) is not None:
            u = f"U+{ord(ch):04X}"
            zh, en = f"「{column}」含有不允許的字元（{u}）", f"{column}: character {u} refused"
            raise SettlementFileError(line, zh, en)


def known_tool(text: str) -> str | None:
    """``text`` as one of :data:`TOOLS` (spaces, full-width ones too, ignored), else None:
    the file's reader, a counter's online payment and a channel's payment take the same ones."""
    tool = text.replace(" ", "").replace("\u3000", "")
    return tool if tool in TOOLS else None


def _line(cell: dict[str, str], line: int, seen: dict[str, int]) -> SettlementLine:
    txn = _transaction_id(cell[COL_TXN], line, seen)
    tool = known_tool(cell[COL_TOOL])
    if tool is None:
        raise SettlementFileError(
            line,
            f"付費工具須為 {'、'.join(TOOLS)}：{cell[COL_TOOL].strip()[:20]!r}",
            "the payment tool must be credit card, account transfer, chip card or kiosk",
        )
    amount = _int(cell[COL_AMOUNT], line, COL_AMOUNT)
    deposited, deposit_date, settlement = _deposit(cell, line, amount)
    authorised_at = _time(cell[COL_AUTH], line)
    if deposit_date and authorised_at and deposit_date < authorised_at.date():
        d, a = f"{deposit_date:%Y/%m/%d}", f"{authorised_at:%Y/%m/%d}"
        raise SettlementFileError(
            line,
            f"入庫日期 {d} 早於授權時間 {a}",
            f"the deposit date {d} is before the authorisation {a}",
        )
    return SettlementLine(
        line=line,
        transaction_id=txn,
        authorised_at=authorised_at,
        payment_tool=tool,
        deposit_date=deposit_date,
        amount=amount,
        deposited=deposited,
        settlement_number=settlement,
        slip=cell.get(COL_SLIP, ""),
    )


def _transaction_id(txn: str, line: int, seen: dict[str, int]) -> str:
    """A well-formed transaction id not seen on an earlier line (recorded in ``seen``)."""
    if not TXN.match(txn):
        raise SettlementFileError(
            line,
            f"交易電子案號不正確：{txn[:20]!r}",
            "the transaction id (交易電子案號) is missing or invalid",
        )
    if txn in seen:
        raise SettlementFileError(
            line,
            f"交易電子案號 {txn} 與第 {seen[txn]} 行重複",
            f"transaction id {txn} repeats line {seen[txn]}",
        )
    seen[txn] = line
    return txn


def _deposit(cell: dict[str, str], line: int, amount: int) -> tuple[bool, date | None, str]:
    """Deposited or not (exactly one column, for the whole amount), the deposit date and the
    settlement number (both needed once deposited)."""
    dep, undep = cell[COL_DEPOSITED], cell[COL_UNDEPOSITED]
    if bool(dep) == bool(undep):
        raise SettlementFileError(
            line,
            "「已入庫」與「未入庫」須恰好填一欄",
            "exactly one of deposited (已入庫) and undeposited (未入庫) must be filled",
        )
    deposited = bool(dep)
    split = _int(dep or undep, line, COL_DEPOSITED if deposited else COL_UNDEPOSITED)
    if split != amount:
        raise SettlementFileError(
            line,
            f"入庫金額 {split} 與應繳金額 {amount} 不符",
            f"the deposited/undeposited amount {split} differs from the amount due {amount}",
        )
    deposit_date = _date(cell[COL_DEPOSIT_DATE], line)
    if deposited and deposit_date is None:
        raise SettlementFileError(
            line, "已入庫的款項須有入庫日期", "a deposited payment needs its deposit date"
        )
    settlement = cell[COL_SETTLEMENT]
    if deposited and not settlement:
        raise SettlementFileError(
            line, "已入庫的款項須有機關核銷編號", "a deposited payment needs its settlement number"
        )
    if len(settlement) > 40:
        raise SettlementFileError(line, "機關核銷編號過長", "the settlement number is too long")
    return deposited, deposit_date, settlement


@dataclass(frozen=True)
class SettlementOutcome:
    """What an import did with one line (JSON-ready via :func:`outcome_json`)."""

    line: int
    transaction_id: str
    status: str  # settled | unchanged | unknown | amount_mismatch | not_online
    case_number: str = ""
    amount_expected: int | None = None


def outcome_json(o: SettlementOutcome) -> dict[str, object]:
    d: dict[str, object] = {"line": o.line, "transaction_id": o.transaction_id, "status": o.status}
    if o.case_number:
        d["case_number"] = o.case_number
    if o.amount_expected is not None:
        d["amount_expected"] = o.amount_expected
    return d


def summary(outcomes: list[SettlementOutcome]) -> dict[str, object]:
    """The import's answer: counts by status and every line not applied."""
    counts = {k: 0 for k in ("settled", "unchanged", "unknown", "amount_mismatch", "not_online")}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    return {
        "ok": True,
        "lines": len(outcomes),
        **counts,
        "not_applied": [
            outcome_json(o) for o in outcomes if o.status not in ("settled", "unchanged")
        ],
    }


def changes(
    line: SettlementLine, deposit_date: str, settlement_number: str, deposited: bool
) -> bool:
    """Whether ``line`` says something the payment does not say yet."""
    new_date = line.deposit_date.isoformat() if line.deposit_date else ""
    return (new_date, line.settlement_number, line.deposited) != (
        deposit_date,
        settlement_number,
        deposited,
    )


def transaction_id(payment_id: str, reference: str | None) -> str:
    """An online payment's 交易電子案號: the channel's transaction id (``reference``) when it
    has one (kiosk and web payments, docs/channels.md), else its ``payment_id``."""
    return (reference or "").strip() or payment_id
