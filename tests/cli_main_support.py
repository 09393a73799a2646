"""The ``eservice-desktop`` command run in the test process through ``main(argv)`` as a process
would run it: with only the ESERVICE_* variables it is given, its own standard input and
output, argparse's exits as exit codes, and its log handlers gone when it ends. A process costs
1.2-1.5 s of imports a call; the tests of what only a process shows still start one."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from collections.abc import Mapping, Sequence

from eservice_desktop.cli.main import main


def run_main(
    argv: Sequence[str], environ: Mapping[str, str], stdin: str | None = None
) -> tuple[int, str, str]:
    """(exit code, standard output, standard error) of ``main(argv)`` with ``environ`` as its
    ESERVICE_* variables."""
    saved_env = {k: v for k, v in os.environ.items() if k.startswith("ESERVICE_")}
    saved_stdin, logger = sys.stdin, logging.getLogger("eservice")
    level = logger.level
    out, err = io.StringIO(), io.StringIO()
    _set_eservice_env(environ)
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as e:  # argparse's refusals and --version
                code = _exit_status(e)
    finally:
        sys.stdin = saved_stdin
        _set_eservice_env(saved_env)
        for h in [h for h in logger.handlers if getattr(h, "_eservice_setup", False)]:
            logger.removeHandler(h)
            h.close()
        logger.setLevel(level)
    return code, out.getvalue(), err.getvalue()


def _set_eservice_env(environ: Mapping[str, str]) -> None:
    for name in [k for k in os.environ if k.startswith("ESERVICE_")]:
        del os.environ[name]
    os.environ.update(environ)


def _exit_status(e: SystemExit) -> int:
    """What a process ending with ``e`` exits with."""
    if e.code is None or isinstance(e.code, int):
        return int(e.code or 0)
    print(e.code, file=sys.stderr)
    return 1
