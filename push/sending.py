"""What every channel's sending shares: outcomes, the `Sending` interface, the threaded loop.

A channel hands `ThreadedSending` a function that sends one message and returns its `Outcome`
(fcm.py: one FCM v1 request; channels.py: one SMS gateway call or one SMTP conversation). The
messages go out from a pool of threads that lives as long as the process, and each outcome is
handed back the moment its send returns, so delivery.py can write it before the next goes out.
"""

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

TRANSIENT = "transient"
RETIRE = "retire"
FINAL = "final"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one message: ok, or an error code with what to do about it."""

    ok: bool
    code: str = ""
    action: str = ""
    retry_after: float = 0.0


SENT = Outcome(ok=True)


class Sending(Protocol):
    """Messages on their way: submit them, collect outcomes as they arrive, cancel the rest."""

    # How many messages the caller may have submitted and not yet accounted for.
    limit: int

    @property
    def pending(self) -> int: ...

    def submit(self, key: Any, message: Any) -> None: ...

    def collect(self, timeout: float | None = None) -> list[tuple[Any, Outcome]]: ...

    def cancel(self) -> None: ...


class ThreadedSending:
    """Messages on the wire through a pool; outcomes queue up as each send returns."""

    def __init__(self, *, pool: ThreadPoolExecutor, send: Callable[[Any], Outcome], limit: int):
        self.limit = limit
        self._pool = pool
        self._send = send
        self._arrived: queue.SimpleQueue[tuple[Any, Future]] = queue.SimpleQueue()
        self._futures: list[Future] = []
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, key: Any, message: Any) -> None:
        future = self._pool.submit(self._send, message)
        future.add_done_callback(lambda done, key=key: self._arrived.put((key, done)))
        self._futures.append(future)
        self._pending += 1

    def collect(self, timeout: float | None = None) -> list[tuple[Any, Outcome]]:
        """Wait up to `timeout` for one outcome, then take every other one already there."""
        if not self._pending:
            return []
        try:
            arrived = [self._arrived.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                arrived.append(self._arrived.get_nowait())
            except queue.Empty:
                break
        self._pending -= len(arrived)
        # A future that raised (a bug, not an answer of the other side) raises here, in the task.
        return [(key, future.result()) for key, future in arrived]

    def cancel(self) -> None:
        """Drop what has not gone out yet (a task stopping early); sends on the wire finish."""
        for future in self._futures:
            future.cancel()


_pools: dict[str, tuple[tuple[int, int], ThreadPoolExecutor]] = {}
_pools_lock = threading.Lock()


def thread_pool(name: str, size: int) -> ThreadPoolExecutor:
    """This process's threads for one channel, made on first use (never one inherited by fork)."""
    key = (os.getpid(), size)
    state = _pools.get(name)
    if state is None or state[0] != key:
        with _pools_lock:
            state = _pools.get(name)
            if state is None or state[0] != key:
                # A pool inherited through fork has no threads in this process: never reuse it.
                pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"bro-{name}")
                _pools[name] = state = (key, pool)
    return state[1]
