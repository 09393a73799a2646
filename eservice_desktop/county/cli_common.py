"""What every ``eservice-county-server`` command shares: the ``--db`` URL and ``--lang``, the
county secret (passphrase or key file) that unlocks the vault, opening the database with it, and
``Refused`` (printed as one line in the chosen language, ``cli_lang``, exit 2)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from eservice_desktop.county.cli_lang import LANGS, CountyHelp, language, said

DEFAULT_DB = "sqlite:///county.sqlite3"
DB_HELP = f"縣府資料庫的 SQLAlchemy 網址（預設 {DEFAULT_DB}，或環境變數 ESERVICE_COUNTY_DB）"


def db_url(args: argparse.Namespace) -> str:
    """``--db``, else ``ESERVICE_COUNTY_DB``, else the SQLite file in the working directory;
    Refused when it names a database the county cannot run on (:func:`check_backend`)."""
    url = str(args.db or os.environ.get("ESERVICE_COUNTY_DB") or DEFAULT_DB)
    check_backend(url)
    return url


def check_backend(url: str) -> None:
    """Refuses a URL of another database than SQLite or PostgreSQL, or of a driver not
    installed (``mysql://``, ``oracle://``, ``foo://``, ``postgresql+asyncpg://``): opening
    it ended every command in a traceback (ModuleNotFoundError, NoSuchModuleError). Never
    names the URL (it may hold a password); text that is no URL at all is refused where it is
    opened (:func:`db_refusal`)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:  # foo://: no such database at all
        dialect = None
    if (
        dialect is not None
        and parsed.get_backend_name() in ("sqlite", "postgresql")
        and not dialect.is_async
    ):
        try:
            dialect.import_dbapi()
        except ImportError:
            pass
        else:
            _refuse_in_memory(parsed.get_backend_name(), parsed.database, dict(parsed.query))
            return
    raise Refused(
        "縣府資料庫 --db（僅支援 SQLite 或 PostgreSQL：sqlite:///檔案 或 postgresql+psycopg://…）",
        "The county database --db (SQLite or PostgreSQL only: sqlite:///FILE or "
        "postgresql+psycopg://…)",
    )


def _refuse_in_memory(backend: str, database: str | None, query: dict[str, object]) -> None:
    """Refuses an SQLite database that lives in memory only (``sqlite://``, ``sqlite:///``,
    ``:memory:``, ``mode=memory``): ``enrol-code`` printed a code stored nowhere, ``db
    upgrade`` upgraded nothing, and ``serve`` ran a county whose devices, events and signing
    keys were gone at its next start."""
    if backend != "sqlite":
        return
    name = database or ""
    if (
        name in ("", ":memory:")
        or name.startswith("file::memory:")
        or (query.get("mode") == "memory")
    ):
        raise Refused(
            "縣府資料庫 --db（是只存在記憶體中的 SQLite 資料庫，指令結束即全部消失：請指定檔案，"
            "例如 sqlite:////var/lib/eservice-county/county.sqlite3）",
            "The county database --db (an SQLite database in memory only, gone when the "
            "command ends: name a file, e.g. sqlite:////var/lib/eservice-county/county.sqlite3)",
        )


#: The passphrase a ``--demo`` server uses when IT gave none (demo data only).
DEMO_SECRET = b"demo-county-passphrase"


class OneLineParser(argparse.ArgumentParser):
    """argparse's refusals said as this program's others are: one line in the chosen language,
    exit 2, without the usage block (``--help`` shows it, in that language too); subcommands'
    parsers are of this class too (argparse makes them of their parent's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # no abbreviations: `--json` on a command without it was taken for `--json-logging`
        # (db key export --json printed the key as text, sync run --json logged JSON lines)
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", CountyHelp)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        from eservice_desktop.domain.arg_errors import to_zh
        from eservice_desktop.domain.values import printable

        text = message if language() == "en" else to_zh(message)
        self.exit(2, f"{self.prog}: {printable(text, 300)}\n")


def add_lang(parser: argparse.ArgumentParser) -> None:
    """``--lang``, before or after the command, as the office's command line takes it."""
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help="說明與訊息的語言")


def setup_logging() -> None:
    """Warnings and errors to stderr, redacted (``logs.redact``), uvicorn's included: its own
    handlers let a 500's traceback reach the journal unredacted."""
    import logging

    from eservice_desktop import logs

    logging.basicConfig(level=logging.WARNING, handlers=[logs.redacting(logging.StreamHandler())])


def os_refusal(e: OSError) -> str:
    """The line for an output that cannot be written (``report --html`` into a folder ...)."""
    from eservice_desktop.domain.text_values import os_reason, printable_path

    where = printable_path(str(e.filename or ""))
    zh, en = os_reason(e)
    return said(f"無法存取 {where}（{zh}）", f"Cannot access {where} ({en})")


class Refused(Exception):
    """A command that cannot run: one line on stderr in the chosen language, exit 2."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message_zh, self.message_en = zh, en


def read_input(path: str | Path, limit_mb: int) -> bytes:
    """A file IT names as a command's input, read no further than ``limit_mb``; Refused when
    it cannot be read or is longer, or is no regular file (``publish`` and ``registry import``
    opened a named pipe with ``open()`` and waited for a writer for good, and read a device
    such as /dev/zero to the limit, then refused it as too large), as ``settle-import`` and
    the office's imports refuse it."""
    from eservice_desktop.domain.text_values import os_reason, printable_path
    from eservice_desktop.storage.input_files import read_regular

    shown = printable_path(str(path))
    try:
        data = read_regular(Path(path), limit_mb * 1024 * 1024 + 1)
    except OSError as e:
        zh, en = os_reason(e)
        raise Refused(f"無法讀取檔案 {shown}（{zh}）", f"Cannot read {shown} ({en})") from None
    if len(data) > limit_mb * 1024 * 1024:
        raise Refused(
            f"檔案 {shown} 過大（上限 {limit_mb} MB）",
            f"{shown} is too large (limit {limit_mb} MB)",
        )
    return data


def check_out_name(path: Path, option: str) -> None:
    """Refuses the name of a file a command is to write (``backup --out``, ``report --html``)
    that holds a line end, another control character or a bidirectional override, as the
    office's exports refuse one (``domain/file_names.py``): the county wrote
    ``county-\n2026.sqlite3`` or a name with a terminal's escape, which then broke the lines of
    ``ls`` and of the scripts rotating the backups, and a right-to-left override showed
    ``report<RLO>lmth.exe`` as ``reportexe.html``."""
    from eservice_desktop.domain.text_values import bad_char

    ch = bad_char(path.name)
    if ch is None:
        return
    raise Refused(
        f"{option} 的檔名含有不允許的字元（U+{ord(ch):04X}：換行、控制字元或文字方向控制），"
        "請改用其他檔名",
        f"The file name of {option} holds a character that is not allowed (U+{ord(ch):04X}: a "
        "line end, a control character or a text direction override); choose another name",
    )


def input_text(path: str | Path, limit_mb: int, encoding: str = "utf-8") -> str:
    """:func:`read_input` as text; Refused when it is not UTF-8."""
    from eservice_desktop.domain.values import printable_path

    try:
        return read_input(path, limit_mb).decode(encoding)
    except UnicodeDecodeError:
        shown = printable_path(str(path))
        raise Refused(f"檔案 {shown} 不是 UTF-8 文字", f"{shown} is not UTF-8 text") from None


def county_secret(args: argparse.Namespace, demo: bool = False) -> bytes:
    from eservice_desktop.county import vault

    try:
        return vault.secret_from(getattr(args, "key_file", None))
    except vault.SecretMissing as e:
        if demo and "no passphrase" in str(e):
            print(
                said(
                    "示範：縣府機密以示範密語封存",
                    "demo: county secrets sealed with the demo passphrase",
                ),
                file=sys.stderr,
            )
            return DEMO_SECRET
        raise Refused(
            f"須提供縣府金鑰密語（環境變數 {vault.PASSPHRASE_ENV}）或金鑰檔（--key-file）："
            f"{e.message_zh}",
            f"The county passphrase ({vault.PASSPHRASE_ENV}) or key file (--key-file) is "
            f"needed: {e.message_en}",
        ) from None


def unlock_refused(e: Exception, serving: bool = False) -> Refused:
    """A passphrase that does not open the signing keys, said with what came of the command:
    ``serve`` did not start; any other command (``keys rotate``, ``rewrap``) changed nothing
    (they were told "the server did not start", of a server nobody had asked for)."""
    from eservice_desktop.county import vault

    if isinstance(e, vault.WeakSecret):
        return Refused(
            f"密語至少須 {vault.MIN_SECRET_LEN} 個字元", f"{e} (a new database is sealed with it)"
        )
    zh, en = (
        ("伺服器未啟動", "the server did not start")
        if serving
        else ("未做任何變更", "nothing was changed")
    )
    return Refused(
        f"密語或金鑰檔錯誤，無法開啟本縣府資料庫的簽章金鑰；{zh}",
        f"Wrong passphrase or key file: it does not open this county database's signing keys; {en}",
    )


def open_sessions(url: str, secret: bytes | None = None):  # type: ignore[no-untyped-def]
    """Engine and session factory; with ``secret`` the sessions carry the unlocked vault."""
    from sqlalchemy.orm import Session, sessionmaker

    from eservice_desktop.county import lookup_log, service, vault
    from eservice_desktop.county.store import create_schema, make_engine, scrub, utcnow

    engine = make_engine(url)
    create_schema(engine)
    if secret is None:
        return engine, sessionmaker(engine, expire_on_commit=False)
    try:
        with Session(engine) as s, s.begin():
            box = vault.unlock(s, secret, utcnow())
        sessions = sessionmaker(engine, expire_on_commit=False, info={"vault": box})
        with sessions() as s, s.begin():
            sealed = service.seal_plain_keys(s)
            service.check_keys_open(s)
            keyed = lookup_log.key_old_rows(s)
        if sealed or keyed:
            scrub(engine)
    except (vault.WrongSecret, vault.WeakSecret) as e:
        engine.dispose()
        raise unlock_refused(e) from None
    return engine, sessions


def add_command(sub: Any, name: str, help_: str) -> argparse.ArgumentParser:
    """A subcommand with the ``--db`` option every command takes."""
    sp: argparse.ArgumentParser = sub.add_parser(name, help=help_)
    sp.add_argument("--db", help=DB_HELP)
    add_lang(sp)
    return sp


def add_key_file(sp: argparse.ArgumentParser) -> None:
    """``--key-file`` for a command that needs the county's sealed secrets."""
    sp.add_argument(
        "--key-file",
        default=None,
        help="封存縣府簽章金鑰與操作員密碼雜湊的金鑰檔（未指定則用環境變數 "
        "ESERVICE_COUNTY_PASSPHRASE 的密語；亦可用 ESERVICE_COUNTY_KEY_FILE）",
    )


def add_listen_options(sp: argparse.ArgumentParser) -> None:
    """``serve``'s address, port, TLS files, client deadline and trusted proxies."""
    from eservice_desktop.county.edge import CLIENT_TIMEOUT_S

    sp.add_argument("--host", default="127.0.0.1", help="接聽的位址（預設 127.0.0.1）")
    sp.add_argument(
        "--port", type=port_arg, default=8765, help="接聽的連接埠（0 為任一空閒埠；預設 8765）"
    )
    sp.add_argument("--tls-cert", default="", help="TLS 憑證檔（PEM）；未指定則以 HTTP 服務")
    sp.add_argument("--tls-key", default="", help="TLS 私鑰檔（PEM），須與 --tls-cert 一起指定")
    sp.add_argument(
        "--client-timeout",
        type=seconds_arg,
        default=CLIENT_TIMEOUT_S,
        metavar="S",
        help="用戶端送出請求標頭或下一段本文的時限秒數（整個本文為其四倍；"
        f"預設 {CLIENT_TIMEOUT_S:g}）",
    )
    sp.add_argument(
        "--trusted-proxy",
        type=proxy_arg,
        action="append",
        default=[],
        metavar="ADDR",
        help="伺服器前方反向代理的位址或網段，採信其 X-Forwarded-For（可重複指定；預設無）",
    )


def seconds_arg(text: str) -> float:
    """A --client-timeout: 0.5 to 3600 seconds."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.5 <= value <= 3600:
        # argparse's wording: the parser says it in both languages (domain.arg_errors)
        raise argparse.ArgumentTypeError(f"must be 0.5 to 3600 seconds: {text[:40]}")
    return value


def proxy_arg(text: str) -> str:
    """A --trusted-proxy: an IP address or network (``10.0.0.5``, ``10.0.0.0/24``)."""
    import ipaddress

    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        # argparse's wording: the parser says it in both languages (domain.arg_errors)
        raise argparse.ArgumentTypeError(f"must be an IP address or network: {text[:40]}") from None


def port_arg(text: str) -> int:
    """A --port: 0 (any free one) to 65535."""
    if not text.strip().isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535")
    return int(text)


def db_refusal(error: Exception) -> str:
    """The one line for a --db that is no URL (ArgumentError) or does not connect: never the
    URL itself, which may hold a password."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    if isinstance(error, ArgumentError):
        zh, en = "不是資料庫網址", "not a database URL"
    elif isinstance(error, OperationalError):
        zh, en = (
            "無法連線或開啟：請確認主機、連接埠、帳號與密碼",
            "cannot connect or open it: check host, port, user and password",
        )
    else:  # SQLite's "file is not a database": another file, or an encrypted office database
        zh, en = (
            "不是資料庫檔案（或是加密的，例如事務所的資料庫）",
            "not a database file (or an encrypted one, such as an office's)",
        )
    return said(f"縣府資料庫 --db（{zh}）", f"The county database --db ({en})")
