"""Run a function on a thread with a large stack.

Grounding, diagram operations and term traversal recurse as deep as the program's terms and
recursion are; a worker thread with a big stack and a high recursion limit lets them go deep
without overflowing the interpreter. Exceptions propagate to the caller unchanged.
"""

from __future__ import annotations

import sys
import threading

STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 200_000


def call_with_deep_stack(fn, *args, **kwargs):
    if getattr(_local, "inside", False):
        return fn(*args, **kwargs)
    result: dict = {}

    def target():
        _local.inside = True
        try:
            result["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    old_size = threading.stack_size()
    old_limit = sys.getrecursionlimit()
    threading.stack_size(STACK_BYTES)
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    try:
        thread = threading.Thread(target=target, name="problogic-deep-stack", daemon=True)
        thread.start()
    finally:
        threading.stack_size(old_size)
    thread.join()
    sys.setrecursionlimit(old_limit)
    if "error" in result:
        raise result["error"]
    return result["value"]


_local = threading.local()
