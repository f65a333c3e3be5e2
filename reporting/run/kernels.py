"""One Jupyter kernel reused by the reports a batch worker runs one after another.

A report's kernel spends seconds importing pandas, scikit-learn and jieba's dictionary
before its first cell does any work. A batch worker keeps one kernel for all its reports:
before each, the namespace is cleared (``%reset -f``, imported modules stay loaded) and the
run's staging folder is set for the workbook hand-over. A kernel that died is started again.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path
from typing import Any

from reporting.config import PROJ_ROOT
from reporting.report.published import TRANSFER_DIR_ENV

READY_TIMEOUT = 60  # seconds for a kernel to start or to answer


class SharedKernel:
    """A kernel kept alive between the reports of one worker process.

    Args:
        log: where the kernel process's own stderr goes (its start-up warnings; cell output
            goes to each run's log as usual).
    """

    def __init__(self, log: Path) -> None:
        self._log = log
        self._manager: Any = None
        atexit.register(self.close)

    def ready_for(self, staging: Path) -> Any:
        """The kernel manager, its namespace cleared and its hand-over folder set to ``staging``."""
        from jupyter_client import KernelManager

        if self._manager is None or not self._manager.is_alive():
            self._log.parent.mkdir(parents=True, exist_ok=True)
            self._manager = KernelManager(kernel_name="python3")
            with self._log.open("a", encoding="utf-8") as stream:
                self._manager.start_kernel(cwd=str(PROJ_ROOT), env=dict(os.environ), stdout=stream, stderr=stream)
        client = self._manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=READY_TIMEOUT)
            code = f"%reset -f\nimport os as _os\n_os.environ[{TRANSFER_DIR_ENV!r}] = {str(staging)!r}\ndel _os"
            reply = client.execute_interactive(code, timeout=READY_TIMEOUT, output_hook=lambda message: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"the shared kernel refused to reset: {reply['content']}")
        finally:
            client.stop_channels()
        return self._manager

    def close(self) -> None:
        """Shut the kernel down (at the worker's exit)."""
        if self._manager is not None and self._manager.has_kernel:
            self._manager.shutdown_kernel(now=True)
        self._manager = None
