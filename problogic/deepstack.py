"""Run a function on a thread with a large stack.

Grounding, diagram operations and term traversal recurse as deep as the program's terms and
recursion are; a worker thread with a big stack and a high recursion limit lets them go deep
without overflowing the interpreter. The worker is started once and reused (starting a thread
with a 512 MB stack costs milliseconds, which small programs would notice). Exceptions
propagate to the caller unchanged; calls from several threads are serialized.

Each call runs with the cyclic garbage collector paused (:mod:`.collector`) until it returns,
not stage by stage: the tables, formulas and diagrams a task builds and drops are then freed
by reference counting before the collector runs again, instead of being scanned once by the
first pass after each stage (0.6-0.8 s of the 3.8-6.1 s that smokers-and-friends with 20
people and random graphs of 50 nodes took).
"""

from __future__ import annotations

import queue
import sys
import threading

from .collector import collector_paused

STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 200_000

_local = threading.local()
_lock = threading.Lock()
_requests: queue.Queue = queue.Queue()
_worker: threading.Thread | None = None


def _serve() -> None:
    _local.inside = True
    while True:
        fn, args, kwargs, reply = _requests.get()
        try:
            with collector_paused():
                value = fn(*args, **kwargs)
            reply.put((True, value))
        except BaseException as exc:  # re-raised in the caller's thread
            reply.put((False, exc))


def _start_worker() -> None:
    global _worker
    old_size = threading.stack_size()
    threading.stack_size(STACK_BYTES)
    try:
        _worker = threading.Thread(target=_serve, name="problogic-deep-stack", daemon=True)
        _worker.start()
    finally:
        threading.stack_size(old_size)


def call_with_deep_stack(fn, *args, **kwargs):
    if getattr(_local, "inside", False):
        return fn(*args, **kwargs)
    with _lock:
        if _worker is None or not _worker.is_alive():
            _start_worker()
        # The limit is interpreter-wide: raised only while the worker runs (the caller is
        # blocked meanwhile), so the caller's own 8 MB stack keeps its usual guard.
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
        try:
            reply: queue.Queue = queue.Queue(maxsize=1)
            _requests.put((fn, args, kwargs, reply))
            ok, value = reply.get()
        finally:
            sys.setrecursionlimit(old_limit)
    if ok:
        return value
    raise value
