"""In-memory sliding-window rate limits, keyed by user and by client address (one per app)."""

from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindow:
    """At most ``limit`` events per ``window_s`` seconds for each key."""

    def __init__(self, limit: int, window_s: float, *, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record one event for ``key`` and say whether it is within the limit (refused events are not counted)."""
        t = time.monotonic() if now is None else now
        with self._lock:
            q = self._events.get(key)
            if q is None:
                if len(self._events) >= self.max_keys:
                    self._prune(t)
                q = self._events[key] = deque()
            while q and q[0] <= t - self.window_s:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(t)
            return True

    def _prune(self, t: float) -> None:
        for key in [k for k, q in self._events.items() if not q or q[-1] <= t - self.window_s]:
            del self._events[key]
