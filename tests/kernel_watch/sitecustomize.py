"""Test-only: record every Jupyter kernel a process launches, so tests/conftest.py can demand the ``e2e`` marker.

tests/conftest.py names a log file in ``REPORTING_TEST_KERNEL_LOG`` and puts this folder on
``PYTHONPATH``, so every Python process the tests start (``python -m reporting``, batch
workers, nbval's pytest, benchmarks) imports this module at start-up, as site does with
``sitecustomize``; the test process itself imports it from conftest. Once jupyter_client
is imported, each kernel launch appends one line to the log. Without the variable it does
nothing. Standard library only, and nothing is imported before jupyter_client is.
"""

from __future__ import annotations

import os
import sys
from typing import Any

LOG_VARIABLE = "REPORTING_TEST_KERNEL_LOG"
MANAGER = "jupyter_client.manager"


def record(kernel_cmd: Any) -> None:
    """Append ``pid <tab> this process's command <tab> the kernel's command`` to the log named in the environment."""
    path = os.environ.get(LOG_VARIABLE)
    if path:
        command = " ".join(str(a) for a in kernel_cmd)
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\t{' '.join(sys.argv)[:200]}\t{command[:200]}\n")


def watch(manager_module: Any) -> None:
    """Wrap ``KernelManager._async_launch_kernel``, which every start (sync, async, restart) goes through."""
    manager = manager_module.KernelManager
    if getattr(manager, "_launches_recorded", False):
        return
    launch = manager._async_launch_kernel

    async def _async_launch_kernel(self: Any, kernel_cmd: list[str], **kw: Any) -> Any:
        record(kernel_cmd)
        return await launch(self, kernel_cmd, **kw)

    manager._async_launch_kernel = _async_launch_kernel
    manager._launches_recorded = True


class _WatchOnImport:
    """A meta path finder that lets jupyter_client.manager load as usual, then wraps it (jupyter_client loads lazily)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != MANAGER:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            load(module)
            watch(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Record the kernels this process launches from now on."""
    if MANAGER in sys.modules:
        watch(sys.modules[MANAGER])
    elif not any(type(f).__name__ == _WatchOnImport.__name__ for f in sys.meta_path):  # one finder, whichever copy of this module
        sys.meta_path.insert(0, _WatchOnImport())


if os.environ.get(LOG_VARIABLE):
    install()
