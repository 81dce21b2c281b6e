"""The two databases the store runs on: SQLite (one host, the default) and PostgreSQL (several
hosts). Everything that differs between them is here, so the store's SQL is written once:

- placeholders: the store writes `?`; PostgreSQL gets `%s`;
- types in the schema: `{serial}` (an auto-numbered key) and `{float}` (a timestamp in seconds);
- a write transaction that must see a stable database (a read, then a write that depends on
  it): SQLite's BEGIN IMMEDIATE takes the one write lock; on PostgreSQL a transaction-scoped
  advisory lock does the same job across every replica;
- where the schema version is kept, and which errors mean "the database is unavailable".
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

# A store locked longer than this is reported (and answered around) rather than waited for: a
# claim is on Slack's 3-second clock.
BUSY_SECONDS = 2.0
# pg_advisory_xact_lock key for FactBot's exclusive transactions ("FactBot" in ASCII, folded).
ADVISORY_KEY = 0x46616374426F74


def is_url(where: str | os.PathLike[str]) -> bool:
    return str(where).startswith(("postgresql://", "postgres://"))


def open_database(where: str | os.PathLike[str]) -> Database:
    return Postgres(str(where)) if is_url(where) else Sqlite(str(where))


class Database:
    """What the store needs to know about one kind of database."""

    name = ""
    one_host = True  # all processes on one host: a claim's owner can be checked by pid
    unavailable: tuple[type[BaseException], ...] = ()
    integrity: tuple[type[BaseException], ...] = ()

    def __init__(self, where: str) -> None:
        self.where = where

    def connect(self) -> Any:
        raise NotImplementedError

    def sql(self, text: str) -> str:
        return text

    def ddl(self, text: str) -> str:
        raise NotImplementedError

    def begin(self, conn: Any, exclusive: bool) -> None:
        raise NotImplementedError

    def in_transaction(self, conn: Any) -> bool:
        raise NotImplementedError

    def schema_version(self, conn: Any) -> int:
        raise NotImplementedError

    def set_schema_version(self, conn: Any, version: int) -> None:
        raise NotImplementedError

    def identity(self) -> Any:
        """What identifies the database's storage now (a file's inode), or None."""
        return None

    def usable(self, conn: Any) -> bool:
        return True

    def shown(self) -> str:
        """Where the database is, fit for a log line (never a password)."""
        return self.where


class Sqlite(Database):
    name = "sqlite"
    unavailable = (sqlite3.OperationalError, sqlite3.DatabaseError)
    integrity = (sqlite3.IntegrityError,)

    def connect(self) -> sqlite3.Connection:
        if self.where != ":memory:":
            Path(self.where).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.where, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            if self.where != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def ddl(self, text: str) -> str:
        return text.format(serial="INTEGER PRIMARY KEY", float="REAL")

    def begin(self, conn: sqlite3.Connection, exclusive: bool) -> None:
        # Every write takes SQLite's one write lock up front: no upgrade deadlocks.
        conn.execute("BEGIN IMMEDIATE")

    def in_transaction(self, conn: sqlite3.Connection) -> bool:
        return conn.in_transaction

    def schema_version(self, conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, conn: sqlite3.Connection, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def identity(self) -> tuple[int, int] | None:
        if self.where == ":memory:":
            return None
        try:
            st = os.stat(self.where)
        except OSError:
            return None
        return (st.st_dev, st.st_ino)


class Postgres(Database):
    name = "postgresql"
    one_host = False

    def __init__(self, where: str) -> None:
        super().__init__(where)
        import psycopg

        self._psycopg = psycopg
        # Lost connections, a server going away, a read-only or full database.
        self.unavailable = (
            psycopg.OperationalError,
            psycopg.InterfaceError,
            psycopg.errors.ReadOnlySqlTransaction,
            psycopg.errors.InsufficientResources,
        )
        self.integrity = (psycopg.IntegrityError,)
        self._sql: dict[str, str] = {}

    def connect(self) -> Any:
        conn = self._psycopg.connect(
            self.where,
            autocommit=True,  # transactions are begun explicitly, as on SQLite
            connect_timeout=int(BUSY_SECONDS * 5),
            row_factory=_row_factory,
            options=f"-c lock_timeout={int(BUSY_SECONDS * 1000)}",
        )
        return conn

    def sql(self, text: str) -> str:
        converted = self._sql.get(text)
        if converted is None:
            converted = self._sql[text] = text.replace("%", "%%").replace("?", "%s")
        return converted

    def ddl(self, text: str) -> str:
        return text.format(serial="BIGSERIAL PRIMARY KEY", float="DOUBLE PRECISION")

    def begin(self, conn: Any, exclusive: bool) -> None:
        conn.execute("BEGIN")
        if exclusive:
            # Replicas take turns here, as SQLite's writers do on its write lock.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_KEY,))

    def in_transaction(self, conn: Any) -> bool:
        return conn.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE

    def schema_version(self, conn: Any) -> int:
        conn.execute("CREATE TABLE IF NOT EXISTS factbot_schema (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM factbot_schema").fetchone()
        if row is None:
            conn.execute("INSERT INTO factbot_schema (version) VALUES (0)")
            return 0
        return int(row[0])

    def set_schema_version(self, conn: Any, version: int) -> None:
        conn.execute("UPDATE factbot_schema SET version = %s", (version,))

    def usable(self, conn: Any) -> bool:
        return not (conn.closed or conn.broken)

    def shown(self) -> str:
        parts = urllib.parse.urlsplit(self.where)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}@" if parts.username else ""
        return f"{parts.scheme}://{user}{host}{port}{parts.path}"


class _Row(tuple):  # type: ignore[type-arg]
    """A row read by position or by column name, like sqlite3.Row."""

    names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}

    def make(values: Any) -> _Row:
        row = _Row(values)
        row.names = names
        return row

    return make
