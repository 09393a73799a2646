"""Why the county refused this counter's credential (HTTP 401), and the command IT runs.

The county says only "not enrolled, or the credential unknown". The counter knows which: a PC
that never enrolled holds no credential and no enrolment record; one whose keyring in this
account holds none was enrolled under another account (the sync service's); one whose
credential the county no longer takes had it given to another PC by a replacement code. Each
round, ``sync once``, ``sync status`` and the window said "HTTP 401: device not enrolled" and
named no command: IT had to know `sync enrol` (and which code) from the guide.
"""

from __future__ import annotations

from eservice_desktop.county_link.errors import AuthError
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.credentials import credential
from eservice_desktop.services.sync.state import get_state

#: ``sync once --json``'s ``reason`` of each case.
NOT_ENROLLED = "sync.not_enrolled"
NO_CREDENTIAL = "sync.no_credential"
CREDENTIAL_REFUSED = "sync.credential_refused"


def _enrol_command(app: App) -> tuple[str, str]:
    url = app.settings.county_url
    return (
        f"eservice-desktop sync enrol --server {url} --code 登記碼",
        f"eservice-desktop sync enrol --server {url} --code CODE",
    )


def _replacement(app: App) -> tuple[str, str]:
    office, device = app.settings.office_code, app.settings.device_id
    return (
        f"eservice-county-server enrol-code --office {office} --device {device}",
        f"eservice-county-server enrol-code --office {office} --device {device}",
    )


def explain_refusal(app: App, error: BaseException) -> None:
    """Gives a 401 of the county its ``reason`` and ``hint`` (what to run), as this counter's
    keyring and database tell it; any other error is left as it is."""
    if not isinstance(error, AuthError) or error.status != 401 or error.hint:
        return
    enrol = _enrol_command(app)
    if credential(app) is not None:
        code = _replacement(app)
        error.reason = CREDENTIAL_REFUSED
        error.hint = (
            "縣府已不接受本機憑證（取代登記碼已交給他機使用）：請縣府資訊人員核發取代碼"
            f"（{code[0]}），再執行 {enrol[0]}",
            "the county no longer takes this PC's credential (a replacement code gave it to "
            f"another PC): ask county IT for a replacement code ({code[1]}), then run {enrol[1]}",
        )
        return
    with app.reading() as s:
        enrolled = get_state(s, "enrolled")
    if enrolled:
        error.reason = NO_CREDENTIAL
        error.hint = (
            "本機已登記，但此帳號的金鑰圈中沒有本機憑證：請以同步服務的帳號執行同步"
            "（資訊人員手冊 §6）；憑證遺失時，請縣府資訊人員核發取代碼"
            f"（{_replacement(app)[0]}），再執行 {enrol[0]}",
            "this PC is enrolled, but this account's keyring holds no credential: sync under the "
            "sync service's account (IT guide §6); if the credential is lost, ask county IT for "
            f"a replacement code ({_replacement(app)[1]}), then run {enrol[1]}",
        )
        return
    error.reason = NOT_ENROLLED
    error.hint = (
        f"請資訊人員以縣府核發的一次性登記碼執行：{enrol[0]}",
        f"IT enrols it with the county's one-time code: {enrol[1]}",
    )
