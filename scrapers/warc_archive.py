"""Append HTTP request/response pairs to a gzip WARC file durably, and repair one left torn."""

from __future__ import annotations

import io
import os
import threading
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scrapers import __version__

IN_PROGRESS_SUFFIX = ".open"  # a WARC still being written; renamed when closed cleanly


@dataclass(frozen=True)
class ArchivedExchange:
    """Where a captured response was written."""

    warc_file: str
    warc_offset: int
    fetched_at: str


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class WarcArchive:
    """A WARC file opened for appending; one gzip member per record, so offsets are seekable.

    Each exchange (request record, then response record) is built in memory and appended with
    one write, then flushed and fsynced, so a record is on disk before anyone logs its offset.
    Threads may share one archive. With `staging=True` the file is written as
    `<name>.open` and renamed to `<name>` on a clean close; a crash leaves the `.open` file for
    `finish_interrupted` to repair.
    """

    def __init__(self, path: Path, *, description: str = "", staging: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._staging = staging
        self._writing = (
            self.path.with_name(self.path.name + IN_PROGRESS_SUFFIX) if staging else self.path
        )
        is_new = not self._writing.exists() or self._writing.stat().st_size == 0
        self._stream = open(self._writing, "ab")  # noqa: SIM115 - closed in close()
        self._lock = threading.Lock()
        self._damaged = False
        if is_new:
            self._write_info(description)

    def _write_info(self, description: str) -> None:
        info = {"software": f"zhuanban/{__version__}", "format": "WARC File Format 1.1"}
        if description:
            info["description"] = description
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        writer.write_record(writer.create_warcinfo_record(self.path.name, info))
        self._append(buffer.getvalue())

    def _append(self, data: bytes) -> int:
        """Append bytes durably under the lock; return the offset they start at."""
        with self._lock:
            offset = self._stream.seek(0, os.SEEK_END)
            try:
                self._stream.write(data)
                self._stream.flush()
                os.fsync(self._stream.fileno())
            except OSError:
                self._damaged = True
                raise
            return offset

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
        request_body: bytes = b"",
        truncated: str = "",
        extra_warc_headers: dict[str, str] | None = None,
    ) -> ArchivedExchange:
        """Write a request record and its response record; return the response's offset.

        `truncated` is a WARC-Truncated reason (`length`, `time`, `disconnect`) for a body that
        was cut; `extra_warc_headers` go on the response record.
        """
        fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        response_id = f"<urn:uuid:{uuid.uuid4()}>"
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        request_line = f"{method} {_request_target(url)} HTTP/1.1"
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            length=len(request_body),
            http_headers=StatusAndHeaders(request_line, request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": fetched_at, "WARC-Concurrent-To": response_id},
        )
        writer.write_record(request)
        response_at = buffer.tell()
        warc_headers = {"WARC-Date": fetched_at, "WARC-Record-ID": response_id}
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        warc_headers.update(extra_warc_headers or {})
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(), response_headers, protocol="HTTP/1.1"
        )
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        writer.write_record(response)
        offset = self._append(buffer.getvalue())
        return ArchivedExchange(self.path.name, offset + response_at, fetched_at)

    def close(self) -> None:
        """Close the file; a staged file that was written without error gets its final name."""
        with self._lock:
            if self._stream.closed:
                return
            self._stream.close()
            if self._staging and not self._damaged:
                os.replace(self._writing, self.path)

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def complete_length(path: Path, chunk_size: int = 1 << 20) -> int:
    """Bytes at the start of a gzip file made of complete members (a torn last one excluded).

    A torn tail is a prefix of a valid member and never fails to decompress; a member that does
    fail means damage elsewhere, which is not repaired by guessing: it raises, naming the byte.
    """
    good = 0
    consumed = 0
    decompressor = zlib.decompressobj(wbits=31)
    with Path(path).open("rb") as stream:
        pending = b""
        while True:
            if not pending:
                pending = stream.read(chunk_size)
                if not pending:
                    return good
            try:
                decompressor.decompress(pending)
            except zlib.error as error:
                raise ValueError(
                    f"{path}: damaged gzip member starting at byte {good} ({error}); this is not "
                    "a torn tail left by an interrupted run, so check the file by hand"
                ) from error
            if decompressor.eof:
                unused = decompressor.unused_data
                consumed += len(pending) - len(unused)
                good = consumed
                decompressor = zlib.decompressobj(wbits=31)
                pending = unused
            else:
                consumed += len(pending)
                pending = b""


@dataclass(frozen=True)
class RepairedWarc:
    """A WARC left open by an interrupted run, after repair."""

    path: Path
    dropped_bytes: int


def finish_interrupted(open_path: Path) -> RepairedWarc:
    """Cut a `.open` WARC back to its last complete record and give it its final name."""
    open_path = Path(open_path)
    if not open_path.name.endswith(IN_PROGRESS_SUFFIX):
        raise ValueError(f"{open_path}: not an in-progress WARC (*{IN_PROGRESS_SUFFIX})")
    size = open_path.stat().st_size
    keep = complete_length(open_path)
    if keep < size:
        with open_path.open("r+b") as stream:
            stream.truncate(keep)
            stream.flush()
            os.fsync(stream.fileno())
    final = open_path.with_name(open_path.name.removesuffix(IN_PROGRESS_SUFFIX))
    if keep == 0:
        open_path.unlink()
    else:
        os.replace(open_path, final)
    return RepairedWarc(final, size - keep)
