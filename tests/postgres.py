"""A throwaway PostgreSQL for tests and benchmarks: a cluster in a temporary folder on a free
loopback port, made with the server's own initdb and pg_ctl, stopped and deleted at the end.

FACTBOT_TEST_POSTGRES=postgresql://... uses a server you already run instead. Without either,
`Cluster.start()` raises Unavailable with the reason, and the PostgreSQL tests skip saying it.
PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user that
Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

ENV = "FACTBOT_TEST_POSTGRES"


class Unavailable(Exception):
    """No PostgreSQL server can be had here."""


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise Unavailable(
            f"no {name}: install PostgreSQL (Debian: apt-get install postgresql) or set {ENV}"
        )
    return path


def _version(path: str) -> tuple[int, ...]:
    part = path.split("/")[4]
    return tuple(int(p) for p in part.split(".") if p.isdigit())


class Cluster:
    """One server for a test session; `database()` makes a fresh database in it."""

    def __init__(self) -> None:
        self.url = os.environ.get(ENV, "")
        self.folder: Path | None = None
        self._run_as: list[str] = []

    def start(self) -> Cluster:
        if self.url:
            return self
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no postgres user") from None
            self._run_as = ["runuser", "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="factbot-pg-"))
        if owner is not None:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        data = self.folder / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self._run(
            initdb,
            "-D",
            str(data),
            "-U",
            "factbot",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = (
            f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            pg_ctl,
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self.url = f"postgresql://factbot@127.0.0.1:{port}/postgres"
        return self

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            self._run(
                _binary("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def drop(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _run(self, *argv: str) -> None:
        done = subprocess.run([*self._run_as, *argv], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise Unavailable(f"{Path(argv[0]).name} failed: {done.stderr.strip()[:500]}")
