"""A loopback web server for source-adapter tests: each route answers with a hand-written reply."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scrapers.http_client import ClientSettings, PoliteClient

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@dataclass
class Request:
    """What the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str = "") -> str:
        """The first value of a query-string parameter."""
        return self.query.get(name, [default])[0]

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """The body as a form (first value of each field)."""
        return {key: values[0] for key, values in parse_qs(self.body.decode("utf-8")).items()}


@dataclass
class Reply:
    """What a route answers."""

    body: bytes | str = b""
    status: int = 200
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Reply]


@dataclass
class Site:
    """A running loopback site: its base URL, its routes and every request it saw."""

    base_url: str
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def route(self, method: str, path: str, answer: Route) -> None:
        """Answer `method path` (path without query) with `answer`."""
        self.routes[(method, path)] = answer

    def seen(self, path: str) -> list[Request]:
        """The requests made to one path, in order."""
        return [request for request in self.requests if request.path == path]


def fixture(name: str) -> str:
    """The text of a response fixture under tests/fixtures/sources/."""
    return (FIXTURES / name).read_text(encoding="utf-8")


@contextmanager
def loopback_site() -> Iterator[Site]:
    """Serve a Site on 127.0.0.1 (any free port) for the duration of the block."""
    site = Site(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, parts.path, parse_qs(parts.query),
                              dict(self.headers.items()), self.rfile.read(length))
            site.requests.append(request)
            answer = site.routes.get((self.command, parts.path))
            if answer is None:
                answer = next((route for (method, path), route in site.routes.items()
                               if method == self.command and path.endswith("*")
                               and parts.path.startswith(path[:-1])), None)
            reply = answer(request) if answer else Reply(b"not found", 404, "text/plain")
            body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = _answer
        do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()



def polite_client() -> PoliteClient:
    """The shared polite client, tuned for loopback tests (no waiting, one attempt)."""
    settings = ClientSettings(user_agent="zhuanban-tests (contact: tests@example.org)",
                              min_interval=0, max_attempts=1, backoff_base=0)
    return PoliteClient(settings)
