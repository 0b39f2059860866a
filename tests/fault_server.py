"""A misbehaving web server on 127.0.0.1 for fault-injection tests: each route writes raw bytes
(or resets, stalls, drips), and every request is recorded with its arrival time."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    arrived: float


Handler = Callable[[socket.socket, Request, "FaultServer"], None]


def _response_bytes(status: int, body: bytes, headers: dict[str, str]) -> bytes:
    head = [f"HTTP/1.1 {status} X", "Connection: close"]
    head += [f"{key}: {value}" for key, value in headers.items()]
    if not any(key.lower() == "content-length" for key in headers):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def respond(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None,
            content_type: str | None = "text/html; charset=utf-8") -> Handler:
    """A complete, well-formed response."""
    all_headers = {"Content-Type": content_type} if content_type else {}
    all_headers.update(headers or {})

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.sendall(_response_bytes(status, body, all_headers))

    return handler


def sequence(*handlers: Handler) -> Handler:
    """The n-th request to the route gets the n-th handler; the last one repeats."""
    calls = Counter[str]()
    lock = threading.Lock()

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        with lock:
            index = min(calls[request.path], len(handlers) - 1)
            calls[request.path] += 1
        handlers[index](conn, request, server)

    return handler


def reset() -> Handler:
    """Reset the connection (RST) without answering."""

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return handler


def silent_after_headers(seconds: float) -> Handler:
    """Send the headers of a 1000-byte body, then nothing for `seconds`."""

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.sendall(_response_bytes(200, b"", {"Content-Length": "1000",
                                                "Content-Type": "text/html"}))
        server.stopping.wait(seconds)

    return handler


def drip(interval: float, size: int = 100_000) -> Handler:
    """Headers, then one byte per `interval`: never silent long enough for a read timeout."""

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.sendall(_response_bytes(200, b"", {"Content-Length": str(size),
                                                "Content-Type": "text/html"}))
        for _ in range(size):
            if server.stopping.wait(interval):
                return
            conn.sendall(b"x")

    return handler


def truncated(body: bytes, declared: int) -> Handler:
    """Declare `declared` bytes of body, send `body` (shorter), close."""

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.sendall(_response_bytes(200, body, {"Content-Length": str(declared),
                                                 "Content-Type": "text/html"}))

    return handler


def big(size: int, chunk: int = 1 << 20) -> Handler:
    """A `size`-byte body of ASCII, streamed; the client may hang up part way."""

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.sendall(_response_bytes(200, b"", {"Content-Length": str(size),
                                                "Content-Type": "text/plain"}))
        block = b"a" * chunk
        sent = 0
        while sent < size:
            part = block[: min(chunk, size - sent)]
            conn.sendall(part)
            sent += len(part)

    return handler


def slow(seconds: float, inner: Handler) -> Handler:
    """Wait before answering with `inner`."""

    def handler(conn: socket.socket, request: Request, server: FaultServer) -> None:
        if not server.stopping.wait(seconds):
            inner(conn, request, server)

    return handler


@dataclass
class FaultServer:
    """Serve `routes` (path → handler) on a free port; unknown paths get 404."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        """How many requests this path received."""
        with self._lock:
            return sum(request.path == path for request in self.requests)

    def __enter__(self) -> FaultServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            with self._lock:
                self._threads.append(thread)

    def _read_request(self, conn: socket.socket) -> Request | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        path = target.split("://", 1)[1].partition("/")[2] if "://" in target else target[1:]
        return Request(method, "/" + path, headers, body, time.monotonic())

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            request = self._read_request(conn)
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
            handler = self.routes.get(request.path.split("?")[0], respond(404, b"not here"))
            handler(conn, request, self)
        except OSError:
            return
        finally:
            conn.close()
