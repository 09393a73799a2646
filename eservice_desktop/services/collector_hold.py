"""Whether a bulk batch holds Python's cyclic collector off now, for the window's own collector.

A module of its own, below which only ``storage.collection`` (the standard library) loads: the
window's collector (``gui/collector.py``) asks it every half second from the moment the
Qt application exists, and asked of ``services.database`` it loaded the SQLCipher driver
(``storage.cipher``) before the login screen was up, the import the window's start defers.
"""

from __future__ import annotations


def collection_held() -> bool:
    """A pulled page, a pushed batch or a seed's batch holds the cyclic collector off now
    (``storage.collection``): the window's collector waits until it is done, as the automatic
    collector did; collected meanwhile, its objects were walked again and again for nothing."""
    from eservice_desktop.storage.collection import is_paused

    return is_paused()
