"""The Jupyter kernel a run executes its notebook in, started early and kept by a batch worker.

A report's kernel spends seconds importing pandas, scikit-learn, matplotlib and jieba's
dictionary before its first cell does any work. Two things keep that off the clock:

- ``reporting run`` starts the kernel as soon as it knows which report it runs (before it
  checks the parameters) and tells it to load what the report needs
  (``reporting.report.preload``), so the loading runs on the second core while the command
  itself checks the run and imports papermill and the exporters;
- a batch worker keeps one kernel for all its reports: before each, the namespace is
  cleared (``%reset -f``, imported modules stay loaded) and the run's staging folder is
  set for the workbook hand-over. A kernel that died is started again.

Papermill's client checks the kernel before the first cell (``wait_for_ready``); ours ends
that check as soon as the kernel has answered on both channels, not after jupyter_client's
0.2 s of silence on the output channel (``_client_class``).

The kernel talks over Unix sockets in a private folder (IPC transport), not TCP ports.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import shutil
import signal
import tempfile
import time
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from reporting.config import PROJ_ROOT

READY_TIMEOUT = 60  # seconds for a kernel to start or to answer
IOPUB_WAIT = 0.2  # seconds a request's idle status may take on the output channel before the check asks again
IPC_PATH_LIMIT = 90  # socket folder paths longer than this use TCP (sun_path holds 108 bytes, a suffix is added)


def preload_code(report: str) -> str:
    """The code a fresh kernel runs for a report before its notebook arrives."""
    return f"from reporting.report.preload import preload as _preload\n_preload({report!r})\ndel _preload"


def report_named_in(params_file: Path) -> str:
    """The report a params file names (its ``report`` key, else the file's name), read without any checking.

    Used to warm the kernel before the run's parameters are validated; an unreadable file
    gives "" (the validation that follows says what is wrong).
    """
    import yaml

    try:
        document = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    named = document.get("report") if isinstance(document, dict) else None
    return str(named or params_file.stem)


class SharedKernel:
    """A kernel started ahead of its notebook, alive until ``close`` (or the process's exit).

    Args:
        log: where the kernel process's own stderr is kept when it wrote any (cell output
            goes to each run's log as usual); appended to, under a line naming the kernel.
        warm_up: code the kernel runs as soon as it has started (``preload_code``).
        single_report: the kernel runs one report (``reporting run``): ``finish`` stops its
            process at once, while the command exports the report (``close`` then only tidies up).

    Attributes:
        pid: the kernel's process id (0 before it started).
        runs: reports handed to this kernel so far (``ready`` calls).
    """

    def __init__(self, log: Path, warm_up: str = "", single_report: bool = False) -> None:
        self._log = log
        self._warm_up = warm_up
        self._single_report = single_report
        self._manager: Any = None
        self._client: Any = None  # ours, while it sends the warm-up or a reset over the shell channel
        self._pending = ""  # the warm-up's message id until its reply came
        self._folder = ""  # the kernel's sockets and its stderr
        self.pid = 0
        self.runs = 0
        atexit.register(self.close)

    def start(self) -> None:
        """Start the kernel (unless it is alive) and send it the warm-up code without waiting."""
        if self._manager is not None and self._manager.is_alive():
            return
        self.close()
        self._folder = tempfile.mkdtemp(prefix="reporting-kernel-")
        sockets = os.path.join(self._folder, "k")
        # a Unix socket's path has ~100 bytes at most (a long TMPDIR): then loopback TCP
        where = {"transport": "ipc", "ip": sockets} if len(sockets) < IPC_PATH_LIMIT else {"transport": "tcp", "ip": "127.0.0.1"}
        self._manager = _manager_class()(kernel_name="python3", **where)
        with open(os.path.join(self._folder, "stderr.log"), "ab") as stream:
            self._manager.start_kernel(cwd=str(PROJ_ROOT), env=dict(os.environ), stdout=stream, stderr=stream)
        self.pid = self._manager.provisioner.pid or 0
        self.runs = 0
        if self._warm_up:
            self._client = self._manager.client()
            self._client.start_channels(iopub=False, stdin=False, hb=False, control=False)
            self._pending = self._client.execute(self._warm_up, silent=True, store_history=False)

    def ready(self) -> Any:
        """The kernel manager, its namespace cleared for the next report (whose parameters papermill injects).

        Waits for the warm-up to finish (the kernel runs one request at a time). A warm-up
        that failed is not an error here: the notebook meets the same failure and reports it.
        """
        self.start()
        self.release()
        if self._client is None:
            self._client = self._manager.client()
            self._client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:
            if self._pending:
                self._reply(self._pending)
            reply = self._reply(self._client.execute("%reset -f", silent=True, store_history=False))
        finally:
            # one client at a time: clients of this manager share a session, and the kernel
            # answers only the newest connection of a session (papermill's, next)
            self._stop_client()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the shared kernel refused to reset: {reply['content']}")
        self.runs += 1
        return self._manager

    def release(self) -> None:
        """Close the channels of the clients a run made (papermill leaves its client connected to a kernel it does not own)."""
        if self._manager is not None:
            for made in self._manager.clients_made:
                if made is not self._client and made.channels_running:
                    made.stop_channels()
            self._manager.clients_made[:] = [made for made in self._manager.clients_made if made is self._client]

    def finish(self) -> None:
        """A report's notebook has run: close its clients (``release``); a single report's kernel is killed now.

        Killing it here, not in ``close``, spares the end of the command jupyter_client's
        0.1 s poll for the process to exit: it has exited by then.
        """
        self.release()
        if self._single_report and self._manager is not None and self._manager.has_kernel:
            with contextlib.suppress(Exception):  # already gone: close() finds it so
                self._manager.signal_kernel(signal.SIGKILL)

    def close(self) -> None:
        """Shut the kernel down, keep what it wrote on stderr (if anything) and remove its folder."""
        self.release()
        self._stop_client()
        if self._manager is not None:
            if self._manager.has_kernel:
                self._manager.shutdown_kernel(now=True)
            self._manager.context.destroy(linger=0)  # its sockets' files now, not when collected
        self._manager = None
        if self._folder:
            self._keep_stderr(Path(self._folder) / "stderr.log")
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = ""

    def _stop_client(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
        self._pending = ""

    def _reply(self, message_id: str) -> dict[str, Any]:
        """The kernel's reply to one of our requests (older replies are skipped)."""
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                reply = self._client.get_shell_msg(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"the kernel did not answer within {READY_TIMEOUT} s") from None
            if reply["parent_header"].get("msg_id") == message_id:
                return reply

    def _keep_stderr(self, written: Path) -> None:
        text = written.read_text(encoding="utf-8", errors="replace") if written.exists() else ""
        if text.strip():
            self._log.parent.mkdir(parents=True, exist_ok=True)
            with self._log.open("a", encoding="utf-8") as stream:
                stream.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} kernel {self.pid}\n{text}")


@cache
def _manager_class() -> type:
    """jupyter_client's KernelManager, remembering the clients it made (see ``SharedKernel.release``).

    Its clients are ``_client_class()``'s and share its ZeroMQ context (by default each
    makes its own, whose files stay open until the client is garbage-collected).
    """
    from jupyter_client import KernelManager

    class TrackingKernelManager(KernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_factory = _client_class()
            self.clients_made: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            made = super().client(**{"context": self.context, **kwargs})
            self.clients_made.append(made)
            return made

    return TrackingKernelManager


@cache
def _client_class() -> type:
    """jupyter_client's blocking client, whose start-up check ends as soon as it has proved what it checks.

    ``wait_for_ready`` (nbclient calls it before the first cell) asks for the kernel's info
    until the reply has come on the shell channel and the request's idle status on the
    output channel: the kernel answers, the subscription is live, and every earlier output
    has been read (the kernel publishes in order). jupyter_client's own check then waits on
    until the output channel has been silent for 0.2 s.
    """
    from jupyter_client.blocking import BlockingKernelClient

    class PromptKernelClient(BlockingKernelClient):
        def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (READY_TIMEOUT if timeout is None else timeout)
            while not self._answered(self.kernel_info(), deadline):
                if not self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

        def _answered(self, message_id: str, deadline: float) -> bool:
            """Whether the reply to ``message_id`` came (within a second), then its idle status (within ``IOPUB_WAIT``)."""
            try:
                while True:
                    reply = self.get_shell_msg(timeout=max(0.0, min(1.0, deadline - time.monotonic())))
                    if reply["parent_header"].get("msg_id") == message_id:
                        break
            except queue.Empty:
                return False
            waited = time.monotonic() + IOPUB_WAIT
            while True:
                try:
                    message = self.get_iopub_msg(timeout=max(0.0, waited - time.monotonic()))
                except queue.Empty:
                    return False  # the subscription was not live yet: ask again
                content = message["content"]
                if message["parent_header"].get("msg_id") == message_id and content.get("execution_state") == "idle":
                    return True

    return PromptKernelClient
