"""An HTTP/1.1 fault proxy between the office client and the county server.

Each request is read whole, then a fault from the plan is applied (first matching rule wins,
rules are consumed): ``drop`` (close before forwarding: the server never sees it), ``reset``
(forward, read the server's complete answer so its transaction has committed, then reset the
client connection with no reply), ``error500`` (answer 500 without forwarding), ``error422``
(answer 422 without forwarding, as a county refuses a body it cannot read; ``body``: only a
request whose body holds these bytes, as an older county refuses an event type), ``delay``
(forward, hold the answer for ``seconds``), ``duplicate`` (deliver the request twice to the
server, return the second answer), ``hook`` (call a function, e.g. kill the server, then
forward), ``hook_after_send`` (send the request, call the function, e.g. kill the server
while it works on it, then read what comes back), ``cut`` (forward, so the county commits,
then send the first half of its answer and close: a line that drops mid-answer), ``stall``
(forward, send the answer's headers only and hold the connection ``seconds``), ``drip``
(forward, then send the answer a byte every ``seconds``: a throttled line), ``answer``
(reply ``raw`` without forwarding: what a network's captive portal, login redirect or proxy
answers in the county's stead). Requests are forwarded on fresh upstream connections with
``Connection: close``.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Rule:
    fault: str
    path: str = ""  # substring of the request line; "" = any request
    times: int = 1
    seconds: float = 0.0
    hook: Callable[[], None] | None = None
    body: bytes = b""  # substring of the request's body; b"" = any body
    raw: bytes = b""  # the reply of an ``answer`` fault


@dataclass
class FaultProxy:
    upstream_port: int
    port: int = 0
    rules: list[Rule] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._lock = threading.Lock()
        self._stop = False
        self._serving = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(
        self,
        fault: str,
        path: str = "",
        times: int = 1,
        seconds: float = 0.0,
        hook: Callable[[], None] | None = None,
        *,
        body: bytes = b"",
        raw: bytes = b"",
    ) -> None:
        with self._lock:
            self.rules.append(Rule(fault, path, times, seconds, hook, body, raw))

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Returns when no request is being served (forwarded, answered, reset or dropped):
        a test that sends again after a failed round then knows the first delivery is over
        at the county, instead of racing it there on a loaded machine."""
        ends = time.monotonic() + timeout
        while self._serving and time.monotonic() < ends:
            time.sleep(0.02)
        assert not self._serving, "the proxy is still serving a request"

    def close(self) -> None:
        self._stop = True
        with contextlib.suppress(OSError):
            self._sock.close()

    def _take(self, request_line: str, request: bytes = b"") -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.path in request_line and rule.body in request.partition(b"\r\n\r\n")[2]:
                    rule.times -= 1
                    if rule.times <= 0:
                        self.rules.remove(rule)
                    return rule
        return None

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self._serving += 1
            threading.Thread(target=self._serve_counted, args=(client,), daemon=True).start()

    def _serve_counted(self, conn: socket.socket) -> None:
        try:
            self._serve(conn)
        finally:
            with self._lock:
                self._serving -= 1

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            body += chunk
        lines = [
            ln
            for ln in head.split(b"\r\n")
            if not ln.lower().startswith((b"connection:", b"keep-alive:"))
        ]
        return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body

    def _forward(self, request: bytes, after_send: Callable[[], None] | None = None) -> bytes:
        up = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=60)
        try:
            up.sendall(request)
            if after_send is not None:
                after_send()
            out = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    return out
                out += chunk
        finally:
            up.close()

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    def _part(self, conn: socket.socket, answer: bytes, rule: Rule) -> None:
        """``cut``: half the answer, then the connection closed; ``stall``: its headers, then
        nothing for ``rule.seconds`` (or until the proxy closes); ``drip``: a byte every
        ``rule.seconds`` until the client hangs up."""
        head, _, body = answer.partition(b"\r\n\r\n")
        if rule.fault == "drip":
            for byte in answer:
                if self._stop:
                    break
                conn.sendall(bytes([byte]))
                time.sleep(rule.seconds)
        elif rule.fault == "cut":
            conn.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
        else:
            conn.sendall(head + b"\r\n\r\n")
            ends = time.monotonic() + rule.seconds
            while not self._stop and time.monotonic() < ends:
                time.sleep(0.05)
        conn.close()

    def _serve(self, conn: socket.socket) -> None:
        try:
            request = self._read_request(conn)
            if request is None:
                conn.close()
                return
            line = request.split(b"\r\n", 1)[0].decode("latin-1")
            rule = self._take(line, request)
            fault = rule.fault if rule else "pass"
            self.log.append((fault, line))
            if fault == "drop":
                self._reset(conn)
                return
            if fault in {"error500", "error422"}:
                status = (
                    b"500 Internal Server Error" if fault == "error500" else b"422 Unprocessable"
                )
                conn.sendall(
                    b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                conn.close()
                return
            if fault == "answer" and rule:
                conn.sendall(rule.raw)
                conn.close()
                return
            if fault == "hook" and rule and rule.hook:
                rule.hook()
            try:
                if fault == "duplicate":
                    self._forward(request)
                after = rule.hook if rule and fault == "hook_after_send" else None
                answer = self._forward(request, after)
            except OSError:
                self._reset(conn)
                return
            if fault == "reset" or not answer:
                self._reset(conn)
                return
            if fault == "delay" and rule:
                time.sleep(rule.seconds)
            if fault in {"cut", "stall", "drip"} and rule:
                self._part(conn, answer, rule)
                return
            conn.sendall(answer)
            conn.close()
        except OSError:
            with contextlib.suppress(OSError):
                conn.close()
