"""The case's status changes on the command line (``case accept|supplement|supplement-received|
close|reject|cancel``): one command each, a note or a required reason; ``case supplement``
also takes the day to supply by (``--by``, an ROC date) and the documents asked for
(``--item``, repeated: names of the case's own required documents)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from eservice_desktop.cli.common import approval_from, emit, open_from, status_label
from eservice_desktop.services import cases, supplement


def transition_cmd(
    func: Callable[..., cases.CaseView], needs_reason: bool
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        app = open_from(args)
        try:
            text = args.reason if needs_reason else args.note
            if func is cases.close_case:
                approval = approval_from(args, args.note.strip())
                view = cases.close_case(app, args.case_number, text, approval=approval)
            elif func is cases.request_supplement:
                by = supplement.supply_by_from_text(app, args.by)
                view = cases.request_supplement(
                    app, args.case_number, text, args.item, supply_by=by
                )
            else:
                view = func(app, args.case_number, text)
        finally:
            app.close()
        emit(args, view.to_json(), f"{view.case_number}: {status_label(view.status, args)}")
        return 0

    return run


def add_supplement_options(t: argparse.ArgumentParser) -> None:
    """``--by`` and ``--item`` of ``case supplement``."""
    t.add_argument(
        "--by",
        default="",
        help="補件期限（民國年，例如 115/12/18；須為今天以後的上班日，一年內）",
    )
    t.add_argument(
        "--item",
        action="append",
        default=[],
        help="要求補正的文件（本案應備文件之一，可重複）",
    )
