"""Per-host politeness: one request in flight per host, starts spaced by a minimum interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _HostState:
    interval: float
    next_start: float = 0.0
    busy: bool = False
    turn: threading.Condition = field(default_factory=threading.Condition)


class HostRateLimiter:
    """Serialise requests to each host and space their starts; different hosts run in parallel.

    A retry or a server's Retry-After pushes the host's next start back with `defer`, so every
    request to that host waits, not only the one being retried.
    """

    def __init__(self, min_interval: float) -> None:
        if min_interval < 0:
            raise ValueError(f"min_interval must be >= 0 seconds, got {min_interval}")
        self.min_interval = min_interval
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    def _state(self, host: str) -> _HostState:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(self.min_interval)
            return state

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Wait for the host's turn, then hold it while the request runs."""
        state = self._state(host)
        with state.turn:
            while True:
                wait = state.next_start - time.monotonic()
                if not state.busy and wait <= 0:
                    break
                state.turn.wait(timeout=wait if not state.busy else None)
            state.busy = True
            state.next_start = time.monotonic() + state.interval
        try:
            yield
        finally:
            with state.turn:
                state.busy = False
                state.turn.notify_all()

    def defer(self, host: str, seconds: float) -> None:
        """Start nothing on this host for `seconds` from now (backoff, Retry-After)."""
        state = self._state(host)
        with state.turn:
            state.next_start = max(state.next_start, time.monotonic() + seconds)
            state.turn.notify_all()

    def set_interval(self, host: str, seconds: float) -> None:
        """Space this host's requests further apart (robots.txt Crawl-delay); never closer."""
        state = self._state(host)
        with state.turn:
            state.interval = max(self.min_interval, seconds)
