"""``setup``: the office settings given at install time (MSI properties, .deb environment).

The installers call it once with what IT passed on the command line of a silent install
(``COUNTY_SERVER_URL``, ``OFFICE_CODE``, ``ENROL_CODE``). It writes ``settings.json`` in the data
directory and, with an enrolment code, enrols the device with the county right away. A county
that cannot be reached at install time is not an installation failure: the settings stay written,
the command says how to enrol later and exits 3, and the installers ignore that status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eservice_desktop.cli.common import (
    EXIT_REFUSED,
    add_json,
    emit,
    lang_of,
    one_line,
    say,
    settings_from,
)
from eservice_desktop.config import Settings, load_settings, store


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("setup", help="安裝時寫入事務所設定（IT）", parents=[common])
    p.add_argument("--county-url", help="縣府伺服器網址（https://...）")
    p.add_argument("--county-ca-file", help="縣府憑證機構（CA）的 PEM 檔")
    p.add_argument("--enrol-code", help="一次性登記碼：立即登記本機")
    p.add_argument(
        "--admin",
        metavar="ACCOUNT",
        help="全新的資料目錄：建立第一個事務所管理者（密碼自標準輸入）",
    )
    p.add_argument("--admin-name", default="", help="第一個事務所管理者的顯示名稱")
    p.add_argument("--password-stdin", action="store_true", help="自標準輸入讀取管理者密碼")
    add_json(p)
    p.set_defaults(func=cmd_setup)


def _given(args: argparse.Namespace) -> tuple[Settings, dict[str, str]]:
    """The settings as they will be, and the keys given on this command line: only those are
    written (settings.json keeps everything else; the environment's ``ESERVICE_*`` values and
    ``--lang`` are this command's, not the office's). What was given is checked here, before
    anything is written."""
    stored = load_settings(settings_from(args).data_dir)
    _check_given(args, stored)
    given: dict[str, str] = {}
    if getattr(args, "office", None):
        given["office_code"] = args.office.strip()
    if getattr(args, "device", None):
        given["device_id"] = args.device.strip()
    if args.county_url:
        given["county_url"] = args.county_url.strip()
    if args.county_ca_file:  # as a full path: the sync service does not start in IT's folder
        given["county_ca_file"] = str(Path(args.county_ca_file.strip()).expanduser().resolve())
    for key, value in given.items():
        setattr(stored, key, value)
    if "office_code" in given or "device_id" in given:
        # written, every command and the window refused the database as another counter's
        from eservice_desktop.services.database import check_counter

        check_counter(stored)
    return stored, given


def _check_given(args: argparse.Namespace, stored: Settings) -> None:
    """An office code, device id, county URL or CA file this build cannot use is refused
    (exit 2, one line): written, it only failed later, on every command or at enrolment.
    Empty values are "unchanged" (the MSI passes every property, given or not)."""
    from eservice_desktop.domain import values
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services import sync

    if getattr(args, "office", None):
        values.check_office(args.office.strip(), "office_code")
        _check_catalogued(args.office.strip())
    if getattr(args, "device", None):
        values.check_counter(args.device.strip(), "device_id")
    ca_file = (args.county_ca_file or stored.county_ca_file).strip()
    if args.county_ca_file:
        _check_ca_file(ca_file)
    if args.county_url or args.county_ca_file:
        # https without a CA yet is written: the CA may follow in the settings file (the
        # enrolment and doctor ask for it); the URL itself is checked all the same
        url = (args.county_url or stored.county_url).strip()
        try:
            sync.check_url(url, ca_file or "county_ca_file (to follow)")
        except sync.SyncError as e:  # check_url raises ConfigError only
            # said to the IT person typing it: it read 同步設定不正確（…），請洽資訊人員 / call IT
            zh, en = sync.config_reason(e)  # type: ignore[arg-type]
            raise DomainError(
                "setup.county_url",
                f"縣府伺服器網址不能使用：{zh}",
                f"The county server URL cannot be used: {en}",
                "county_url",
            ) from None


def _check_catalogued(office: str) -> None:
    """An office code of the right form that no office of the catalogue has (H99) was written,
    and every case, enrolment and doctor run failed on it afterwards (the county refuses such
    codes at ``enrol-code``). The refusal names the catalogue's codes, as ranges."""
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services.shipped import load_catalogue

    codes = sorted(o.code for o in load_catalogue().offices)
    if office in codes:
        return
    spans: dict[str, list[str]] = {}
    for code in codes:
        spans.setdefault(code[0], []).append(code)
    known = "、".join(f"{c[0]}–{c[-1]}" if len(c) > 1 else c[0] for c in spans.values())
    raise DomainError(
        "setup.office_unknown",
        f"事務所代碼 {office} 不在目錄中（目錄中的代碼：{known}）",
        f"Office code {office} is not in the catalogue (its codes: {known.replace('、', ', ')})",
        "office_code",
    )


def _check_ca_file(ca_file: str) -> None:
    """The CA file must be there and hold a certificate: any other file (a key, a text file)
    was written before and failed only at the first https connection, at enrolment or sync."""
    import ssl

    from eservice_desktop.domain import values
    from eservice_desktop.domain.errors import DomainError

    shown = values.printable(ca_file, 200)
    if not Path(ca_file).expanduser().is_file():
        raise DomainError(
            "setup.county_ca_file",
            f"找不到縣府 CA 憑證檔：{shown}",
            f"The county CA certificate file is not there: {shown}",
            "county_ca_file",
        )
    try:
        ssl.create_default_context(cafile=str(Path(ca_file).expanduser()))
    except (ssl.SSLError, OSError, ValueError):
        raise DomainError(
            "setup.county_ca_file",
            f"縣府 CA 憑證檔 {shown} 不是 PEM 格式的憑證",
            f"The county CA certificate file {shown} holds no PEM certificate",
            "county_ca_file",
        ) from None


def _enrol(args: argparse.Namespace, stored: Settings, data: dict[str, object]) -> int:
    """Enrols with the one-time code, unless no keyring could keep the credential (the county
    would burn the code for nothing)."""
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services import sync
    from eservice_desktop.services.core import open_app
    from eservice_desktop.services.doctor import check_keyring
    from eservice_desktop.services.sync import SyncError

    later = f"eservice-desktop sync enrol --server {stored.county_url} --code CODE"
    keyring_state = check_keyring()
    if keyring_state.status != "ok":
        data.update(ok=False, error="no_keyring", later=later)
        emit(
            args,
            data,
            say(
                args,
                f"設定已寫入；未註冊：{keyring_state.detail_zh}；請稍後以服務帳號執行："
                f"{_in_chinese(later)}",
                f"settings written; not enrolled: {keyring_state.detail_en}; enrol later "
                f"under the service account with: {later}",
            ),
        )
        return EXIT_REFUSED
    # The stored settings, not this command line: empty installer properties mean "unchanged".
    app = open_app(load_settings(stored.data_dir))
    try:
        info = sync.enrol(app, stored.county_url, args.enrol_code.strip())
    except DomainError as e:
        if e.code != "sync.already_enrolled":
            return _not_enrolled(args, e, data, later)
        # the install run again (a repair, a script re-run after a typo): nothing to do
        data.update(enrolled=True, already_enrolled=True)
        emit(
            args,
            data,
            say(args, f"設定已寫入；{e.message_zh}", f"settings written; {e.message_en}"),
        )
        return 0
    except (SyncError, OSError) as e:
        return _not_enrolled(args, e, data, later)
    finally:
        app.close()
    data.update(enrolled=True, device_key=info.get("device_key"))
    emit(
        args,
        data,
        say(
            args,
            f"設定已寫入；已註冊為 {info.get('device_key')}",
            f"settings written; enrolled as {info.get('device_key')}",
        ),
    )
    return 0


def _in_chinese(later: str) -> str:
    """The command to enrol later as the Chinese line says it: the code's place named 登記碼,
    as doctor names it (the Chinese line read ``--code CODE``); ``--json``'s ``later`` keeps
    its text."""
    return later.replace(" --code CODE", " --code 登記碼")


def _not_enrolled(
    args: argparse.Namespace, e: BaseException, data: dict[str, object], later: str
) -> int:
    """Settings written, the enrolment not made: why, and the command that makes it later."""
    data.update(ok=False, error=type(e).__name__, later=later)
    why = _why_not_enrolled(e, lang_of(args))
    emit(
        args,
        data,
        say(
            args,
            f"設定已寫入；註冊失敗：{why}；請稍後執行：{_in_chinese(later)}",
            f"settings written; enrolment failed: {why}; enrol later with: {later}",
        ),
    )
    return EXIT_REFUSED


def _why_not_enrolled(error: BaseException, lang: str) -> str:
    """Why the county did not enrol this PC, as ``sync enrol`` says it (a used-up code, an
    unreachable county, a full disk): the line named the exception's class alone
    (註冊失敗（DomainError）), and IT, reading the installer's log, could not tell a mistyped
    code from a closed firewall."""
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.services import sync
    from eservice_desktop.services.machine_errors import environment_error

    said = environment_error(error) if isinstance(error, OSError) else None
    if isinstance(error, DomainError):
        said = error
    text = said.message(lang) if said is not None else sync.sync_error_message(error, lang)
    return one_line(text)


def cmd_setup(args: argparse.Namespace) -> int:
    stored, given = _given(args)
    # the first admin before the settings: a refused account or password wrote them all the
    # same (exit 2, yet the office code changed)
    admin = _first_admin(args, stored) if args.admin else None
    store(stored.data_dir, **given)
    data: dict[str, object] = {
        "ok": True,
        "settings": str(stored.data_dir / "settings.json"),
        "office_code": stored.office_code,
        "county_url": stored.county_url,
        "enrolled": False,
    }
    if admin is not None:
        data["admin"] = admin
        _say_admin_made(args, admin)
    _say_unset(args, stored, given, data)
    if not args.enrol_code:
        emit(
            args,
            data,
            say(args, f"設定已寫入 {data['settings']}", f"settings written to {data['settings']}"),
        )
        return 0
    return _enrol(args, stored, data)


def _say_unset(
    args: argparse.Namespace, stored: Settings, given: dict[str, str], data: dict[str, object]
) -> None:
    """The office code or county URL still set nowhere after this command (``setup --admin``
    alone, as the guide's Operators section shows it, on a PC no installer set up): said on
    stderr, since the first case makes the database the defaults' counter H01-01 for good."""
    unset = [k for k in stored.unset if k not in given]
    if not unset or stored.demo:
        return
    data["unset"] = unset
    zh = "、".join(f"{k}（目前為預設值 {getattr(stored, k)}）" for k in unset)
    en = ", ".join(f"{k} (the default {getattr(stored, k)} is in use)" for k in unset)
    print(
        say(
            args,
            f"注意：尚未設定 {zh}；收件前請執行 setup --office 本所代碼 --device 櫃檯編號 "
            "--county-url 縣府網址",
            f"note: not set: {en}; before the first case run setup --office CODE --device NN "
            "--county-url URL",
        ),
        file=sys.stderr,
    )


def _say_admin_made(args: argparse.Namespace, admin: str) -> None:
    """The text form names the admin made, and what comes next: it said 設定已寫入 alone, as
    if only the settings had been written, and IT following the guide could not tell whether
    the account existed (``--json`` has ``admin``)."""
    if getattr(args, "json", False):
        return
    print(
        say(
            args,
            f"已建立第一位事務所管理者 {admin}；"
            f"請以 login {admin} --password-stdin 登入後新增操作人員",
            f"first office admin {admin} created; sign in with login {admin} --password-stdin "
            "to add the operators",
        )
    )


def _first_admin(args: argparse.Namespace, stored: Settings) -> str:
    """The first office admin of a fresh data directory (refused once any account exists)."""
    from eservice_desktop.cli.cmd_auth import read_new_password
    from eservice_desktop.services import operators
    from eservice_desktop.services.core import open_app

    password = read_new_password(args)
    app = open_app(stored)  # as the settings will be written
    try:
        op = operators.create_first_admin(app, args.admin, args.admin_name or args.admin, password)
    finally:
        app.close()
    return op.account
