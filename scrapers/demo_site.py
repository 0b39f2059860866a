"""Serve the simulated demo corpus from 127.0.0.1 as an HTTP proxy keyed on each page's URL.

The demo pages carry real-looking URLs on the reserved `.invalid` top-level domain. Capture sends
its requests through this loopback proxy, so the pages take the same HTTP → WARC → parse path
as live pages, with the (sometimes wrong) Content-Type headers a real server would send.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SIMULATED_HEADER = "X-Simulated"
"""Response header marking a page of the simulated corpus; parse carries it into articles."""


@dataclass(frozen=True)
class ServedPage:
    """One page of the simulated site: its file and the Content-Type header sent with it."""

    path: Path
    content_type: str


def load_site(site_dir: Path) -> dict[str, ServedPage]:
    """Read the demo manifest into a URL → page map; fail clearly when it is missing or broken."""
    manifest = Path(site_dir) / "manifest.jsonl"
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest}: no demo manifest; generate the corpus first")
    pages: dict[str, ServedPage] = {}
    with manifest.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                pages[entry["url"]] = ServedPage(
                    Path(site_dir) / entry["path"], entry["content_type"]
                )
            except (json.JSONDecodeError, KeyError) as error:
                message = f"{manifest}, line {number}: bad manifest entry ({error})"
                raise ValueError(message) from error
    return pages


def _handler_for(pages: dict[str, ServedPage]) -> type[BaseHTTPRequestHandler]:
    class DemoProxyHandler(BaseHTTPRequestHandler):
        server_version = "zhuanban-demo-site"

        def do_GET(self) -> None:  # noqa: N802 - the http.server naming convention
            url = self.path
            if not url.startswith("http"):
                url = f"http://{self.headers.get('Host', '')}{self.path}"
            page = pages.get(url)
            if page is None:
                self.send_error(404, "not in the simulated corpus")
                return
            body = page.path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header(SIMULATED_HEADER, "zhuanban demo corpus")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    return DemoProxyHandler


@contextmanager
def serve_demo_site(site_dir: Path) -> Iterator[str]:
    """Serve the demo corpus on a free loopback port; yield the proxy URL to send requests to."""
    pages = load_site(site_dir)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(pages))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
