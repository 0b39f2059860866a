"""Append HTTP request/response pairs to a gzip WARC file and report where each record lives."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scrapers import __version__


@dataclass(frozen=True)
class ArchivedExchange:
    """Where a captured response was written."""

    warc_file: str
    warc_offset: int
    fetched_at: str


class WarcArchive:
    """A WARC file opened for appending; one gzip member per record, so offsets are seekable."""

    def __init__(self, path: Path, *, description: str = "") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        self._stream = open(self.path, "ab")  # noqa: SIM115 - closed in close()
        self._writer = WARCWriter(self._stream, gzip=True)
        if is_new:
            self._write_info(description)

    def _write_info(self, description: str) -> None:
        info = {"software": f"zhuanban/{__version__}", "format": "WARC File Format 1.1"}
        if description:
            info["description"] = description
        record = self._writer.create_warcinfo_record(self.path.name, info)
        self._writer.write_record(record)

    def write_exchange(
        self,
        url: str,
        *,
        request_headers: list[tuple[str, str]],
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        method: str = "GET",
        extra_warc_headers: dict[str, str] | None = None,
    ) -> ArchivedExchange:
        """Write a request record and its response record; return the response's offset."""
        fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        response_id = f"<urn:uuid:{uuid.uuid4()}>"
        offset = self._stream.tell()
        warc_headers = {"WARC-Date": fetched_at, "WARC-Record-ID": response_id}
        warc_headers.update(extra_warc_headers or {})
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(), response_headers, protocol="HTTP/1.1"
        )
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        self._writer.write_record(response)
        path = url.split("://", 1)[-1].partition("/")[2]
        request_line = f"{method} /{path} HTTP/1.1"
        request = self._writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(request_line, request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": fetched_at, "WARC-Concurrent-To": response_id},
        )
        self._writer.write_record(request)
        self._stream.flush()
        return ArchivedExchange(self.path.name, offset, fetched_at)

    def close(self) -> None:
        """Flush and close the file."""
        self._stream.close()

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
