"""The county's receipt signer thread: signatures in the order of their messages, the ones
signing in turn makes, and a process forked from one that signed gets a thread of its own
(the executor it inherits has no thread left to run its work)."""

from __future__ import annotations

import os
import select
import signal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eservice_desktop.county import receipts


def test_two_threads_sharing_the_messages_sign_each_once_in_its_place() -> None:
    key = Ed25519PrivateKey.generate()
    messages = [f"eservice-receipt/1|case-{i}|H01".encode() for i in range(2000)]
    taken: list[bytes] = []

    def sign(message: bytes) -> bytes:
        taken.append(message)
        return key.sign(message)

    shared = receipts.Shared(sign, messages)
    signer = receipts._signer().submit(shared.run)
    shared.run()
    signer.result(timeout=30)
    assert sorted(taken) == sorted(messages)  # each message signed once, by one thread
    assert shared.signatures == [key.sign(m) for m in messages]
    assert receipts._signer() is receipts._signer()


def _sign_all(key: Ed25519PrivateKey, messages: list[bytes]) -> list[bytes]:
    shared = receipts.Shared(key.sign, messages)
    shared.run()
    return shared.signatures


def test_a_forked_process_signs_on_a_thread_of_its_own() -> None:
    key = Ed25519PrivateKey.generate()
    parent = receipts._signer()
    parent.submit(_sign_all, key, [b"before the fork"]).result(timeout=30)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: sign on its own signer, hand the signature back, leave
        try:
            child = receipts._signer()
            sig = child.submit(_sign_all, key, [b"in the child"]).result(timeout=10)
            os.write(write, (b"new:" if child is not parent else b"same:") + sig[0])
        finally:
            os._exit(0)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 20)
        if not ready:
            os.kill(pid, signal.SIGKILL)  # not left behind when it hangs
        assert ready, "the forked process never signed"
        answer = os.read(read, 200)
    finally:
        os.close(read)
        os.waitpid(pid, 0)
    assert answer.startswith(b"new:")
    key.public_key().verify(answer[4:], b"in the child")
    assert receipts._signer() is parent


def test_a_cancelled_share_stops_the_signer_after_the_message_it_signs() -> None:
    """A push that fails after its receipts were started (its rows not written) leaves no
    signing behind for the next push to wait for."""
    import threading

    started, release = threading.Event(), threading.Event()
    taken: list[bytes] = []

    def slow_sign(message: bytes) -> bytes:
        taken.append(message)
        started.set()
        release.wait(10)
        return b"sig"

    shared = receipts.Shared(slow_sign, [f"m{i}".encode() for i in range(200)])
    signer = receipts._signer().submit(shared.run)
    assert started.wait(10)
    shared.cancel()
    release.set()
    signer.result(timeout=10)
    assert taken == [b"m0"]  # the one under way when the push failed, and no other
