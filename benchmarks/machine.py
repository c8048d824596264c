"""What the benchmarks ran on: recorded once per run (machine.json) and with every result."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


_TORCH_PROBE = """
import json, torch
info = {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.is_available()}
if info["cuda"]:
    info["cuda_device"] = torch.cuda.get_device_name(0)
    info["cuda_version"] = torch.version.cuda
print(json.dumps(info))
"""


def _torch_info() -> dict:
    """torch's version and device, probed in a subprocess so the harness never imports torch."""
    import json

    try:
        out = subprocess.run(
            [sys.executable, "-c", _TORCH_PROBE], capture_output=True, text=True, timeout=120
        )
        if out.returncode == 0:
            return json.loads(out.stdout.strip().splitlines()[-1])
        return {"torch": None, "torch_error": out.stderr.strip().splitlines()[-1:]}
    except (subprocess.TimeoutExpired, OSError, ValueError, IndexError) as exc:
        return {"torch": None, "torch_error": str(exc)}


def machine_info() -> dict:
    """Cores, memory, CPU, Python, torch and its device, and versions of the systems measured."""
    info = {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": _usable_cores(),
        "cpu_count": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "packages": {
            name: _version(name)
            for name in ("problogic", "torch", "problog", "pysdd", "deepproblog", "numpy")
        },
    }
    info.update(_torch_info())
    info["device"] = info.get("cuda_device") or "cpu"
    return info


def summary(info: dict) -> dict:
    """The few fields stored with every result line."""
    return {key: info.get(key) for key in ("cores", "cpu", "memory_gib", "torch", "device")}
