"""One request at a time on a thread of its own, so that a round works while the county
answers: the push writes the answer to one batch and reads the next while the county works
on a batch (``push.py``), the pull applies a page while the next is on its way
(``pull_pages.py``).

:meth:`OneAhead.start` starts the request, :meth:`OneAhead.take` waits for its answer and
raises what it raised; a second request cannot start before the first is taken, so the
client's session is used by one thread at a time. Leaving the ``with`` block (normally, or on
an error) waits for a request still under way (the request's deadline bounds the wait), so no
thread uses the client after the round returns.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, Self, TypeVar

T = TypeVar("T")


class OneAhead(Generic[T]):
    """The one request under way of a push or a pull, on a thread named ``name``."""

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._under_way: Future[T] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True)

    def start(self, request: Callable[[], T]) -> None:
        """Starts ``request`` on the thread; refused while one is under way, not taken."""
        if self._under_way is not None:
            raise RuntimeError("a request is already under way")
        self._under_way = self._pool.submit(request)

    def take(self) -> T:
        """The answer of the request started last, once it is there; raises what it raised."""
        under_way, self._under_way = self._under_way, None
        if under_way is None:
            raise RuntimeError("no request under way")
        return under_way.result()
