"""A failed sync round as the window says it: a failure of this machine in its own words.

The window's status bar said every round that failed for another reason than the county
(the office's disk full, its database held by another program or read-only) as 同步發生錯誤，
請洽資訊人員 / "Sync failed; call IT", which sent IT looking at the county link while the
command line said 磁碟空間已滿 for the very same failure. A failure of the machine is now said
as every command and the window's other actions say it (``services/machine_errors.py``); a
failure of the link as before (``county_link/errors.py``)."""

from __future__ import annotations

import json

from eservice_desktop.county_link.errors import SyncError, error_named, sync_error_message
from eservice_desktop.services.machine_errors import environment_error, machine_error

#: ``sync_state`` name of the last failed round's sentence, both languages (JSON [zh, en]).
LAST_ERROR_WORDS = "last_error_words"


def round_failure_message(error: BaseException, lang: str = "zh_TW") -> str:
    """The sentence a clerk reads for a round that ended in ``error``, in ``lang``."""
    said = None if isinstance(error, SyncError) else environment_error(error)
    if said is None:
        return sync_error_message(error, lang)
    return said.message_en if lang.lower().startswith("en") else said.message_zh


def named_failure_message(name: str, lang: str = "zh_TW") -> str:
    """The sentence for a failure kept by the name of its kind (a restore's ``recovery``
    ``error``, ``sync status``'s ``last_error``): said as the round's, never the name itself
    (「無法連線縣府（Offline）」, ``last_error: OperationalError``); a failure of this PC kept by
    its code (``env.db_locked``) in the words every command uses for it."""
    said = machine_error(name)
    if said is not None:
        return said.message_en if lang.lower().startswith("en") else said.message_zh
    return sync_error_message(error_named(name) or Exception(), lang)


def failure_words(error: BaseException) -> str:
    """What :func:`last_error_message` reads back: the round's sentence in both languages."""
    words = [round_failure_message(error, lang) for lang in ("zh_TW", "en")]
    return json.dumps(words, ensure_ascii=False)


def last_error_message(name: str, stored: str | None, lang: str = "zh_TW") -> str:
    """``sync status``'s last error as the round said it (``stored``, kept with the kind's
    ``name``): by the name alone a proxy's 407 or a redirect to a sign-in page read
    縣府伺服器拒絕此要求, a county cut off for answering too slowly 網路無法連線, while the
    window and the round had said what happened. By the name when no words were kept (a
    round of an older build)."""
    try:
        words = json.loads(stored or "")
    except ValueError:
        words = None
    if isinstance(words, list) and len(words) == 2 and all(isinstance(w, str) for w in words):
        zh, en = str(words[0]), str(words[1])
        return en if lang.lower().startswith("en") else zh
    return named_failure_message(name, lang)
