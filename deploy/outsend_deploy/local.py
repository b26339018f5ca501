"""The whole platform on one machine, for ``make run`` and for the test suite."""

from __future__ import annotations

import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from outsend_deploy.infra import NATS_USER, PG_SUPERUSER, NatsServer, PostgresServer, free_port
from outsend_deploy.supervisor import SERVICES, ServiceProcess, Supervisor

NATS_PASSWORD_FILE = "nats_password"
POSTGRES_PASSWORD_FILE = "postgres_password"
"""Files of the data dir holding the generated passwords (mode 0600)."""


def without_password(url: str) -> str:
    """The URL as it can be printed: any password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    credentials, _, address = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{credentials.split(':', 1)[0]}:***@{address}"))


@dataclass
class LocalPlatform:
    data_dir: Path
    http_port: int
    nats_url: str | None
    database_url: str | None
    nats_port: int = 14222
    postgres_port: int = 15432
    durable: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    nats: NatsServer | None = None
    postgres: PostgresServer | None = None
    supervisor: Supervisor | None = None

    @classmethod
    def from_env(cls) -> LocalPlatform:
        return cls(
            data_dir=Path(os.environ.get("OUTSEND_DATA_DIR", ".outsend")).resolve(),
            http_port=int(os.environ.get("OUTSEND_HTTP_PORT", "8000")),
            nats_url=os.environ.get("OUTSEND_NATS_URL") or None,
            database_url=os.environ.get("OUTSEND_DATABASE_URL") or None,
            nats_port=int(os.environ.get("OUTSEND_NATS_PORT", "14222")),
            postgres_port=int(os.environ.get("OUTSEND_POSTGRES_PORT", "15432")),
        )

    @classmethod
    def for_tests(cls, data_dir: Path, extra_env: dict[str, str] | None = None) -> LocalPlatform:
        return cls(
            data_dir=data_dir,
            http_port=free_port(),
            nats_url=None,
            database_url=None,
            nats_port=free_port(),
            postgres_port=free_port(),
            durable=False,
            extra_env=extra_env or {},
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    # --- infrastructure ----------------------------------------------------------------------
    def start_infra(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.nats_url is None:
            password = self._generated_secret(NATS_PASSWORD_FILE)
            self.nats = NatsServer(self.data_dir / "nats", self.nats_port, free_port(), password)
            self.nats.start()
        if self.database_url is None:
            password = self._generated_secret(POSTGRES_PASSWORD_FILE)
            self.postgres = PostgresServer(self.data_dir / "postgres", self.postgres_port, password, self.durable)
            self.postgres.start()

    def connection_env(self) -> dict[str, str]:
        """What every service is started with; the URLs of servers started here carry their credentials."""
        return {
            "OUTSEND_NATS_URL": self.nats_url or self._local_nats_url(),
            "OUTSEND_DATABASE_URL": self.database_url or self._local_database_url(),
            "OUTSEND_DATA_DIR": str(self.data_dir),
            "OUTSEND_SECRET_KEY": os.environ.get("OUTSEND_SECRET_KEY") or self._generated_secret("secret_key"),
        }

    def _local_nats_url(self) -> str:
        return f"nats://{NATS_USER}:{self._generated_secret(NATS_PASSWORD_FILE)}@127.0.0.1:{self.nats_port}"

    def _local_database_url(self) -> str:
        password = self._generated_secret(POSTGRES_PASSWORD_FILE)
        return f"postgresql://{PG_SUPERUSER}:{password}@127.0.0.1:{self.postgres_port}/outsend"

    def _generated_secret(self, name: str) -> str:
        """A random secret kept in the data dir (readable by its owner only), made on first use."""
        path = self.data_dir / name
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()

    # --- services ----------------------------------------------------------------------------
    def start_services(self) -> None:
        env = {**self.connection_env(), "OUTSEND_HTTP_PORT": str(self.http_port), **self.extra_env}
        self.supervisor = Supervisor([ServiceProcess(name, env, self.data_dir / "logs") for name in SERVICES])
        self.supervisor.start_all()

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"{self.base_url}/api/health", timeout=2)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as error:
                last = repr(error)
            time.sleep(0.2)
        raise RuntimeError(f"outsend did not become healthy within {timeout:.0f} s: {last}")

    def stop(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop_all()
        if self.postgres is not None:
            self.postgres.stop()
        if self.nats is not None:
            self.nats.stop()

    def run_forever(self, services: bool = True) -> None:
        """Start, print where to go, supervise until Ctrl-C, then stop everything in order."""
        stopping = False

        def request_stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            self.start_infra()
            env = self.connection_env()
            print(f"NATS      {without_password(env['OUTSEND_NATS_URL'])}")
            print(f"Postgres  {without_password(env['OUTSEND_DATABASE_URL'])}")
            print(f"Passwords {self.data_dir / NATS_PASSWORD_FILE}, {self.data_dir / POSTGRES_PASSWORD_FILE}")
            if services:
                self.start_services()
                self.wait_healthy()
                print(f"Logs      {self.data_dir / 'logs'}")
                print(f"\noutsend is up: {self.base_url}   (Ctrl-C to stop)\n", flush=True)
            while not stopping:
                time.sleep(0.5)
                if self.supervisor is not None:
                    for name in self.supervisor.revive_crashed():
                        print(f"restarted {name} (it had stopped)", flush=True)
        finally:
            print("\nstopping…", flush=True)
            self.stop()
