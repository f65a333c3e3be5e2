"""A throwaway PostgreSQL cluster for the tests (Debian's postgresql package).

The cluster lives in a temporary folder, listens on loopback only, and is stopped
and removed when the test session ends. initdb refuses to run as root, so as root the
server runs as the unprivileged user ``nobody``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

UNPRIVILEGED_USER = "nobody"


def find_postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on the PATH, or Debian's versioned folder."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(candidates[-1]).parent if candidates else None


def why_unavailable() -> str | None:
    """A reason PostgreSQL cannot be started here, or None when it can."""
    if find_postgres_bin() is None:
        return "PostgreSQL 不可用：未找到 initdb/pg_ctl（请安装 Debian 的 postgresql 软件包；.ci/run 会自动安装）"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "PostgreSQL 不可用：以 root 运行且没有 runuser，无法以非特权用户启动 initdb"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster; yield a SQLAlchemy URL of its ``postgres`` database; stop and remove it."""
    binaries = find_postgres_bin()
    assert binaries is not None
    as_user = ["runuser", "-u", UNPRIVILEGED_USER, "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="reporting-pg-"))
    if as_user:
        shutil.chown(folder, user=UNPRIVILEGED_USER)
    data, port = folder / "data", free_port()
    run = lambda *args: subprocess.run([*as_user, *map(str, args)], check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run(binaries / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        run(binaries / "pg_ctl", "-D", data, "-o", options, "-l", folder / "server.log", "-w", "start")
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str) -> str:
    """Create an empty database on the cluster and return its URL."""
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))  # a generated identifier, not user input
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
