"""The whole platform on one machine, for ``make run`` and for the test suite."""

from __future__ import annotations

import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from outsend_deploy.infra import NatsServer, PostgresServer, free_port
from outsend_deploy.supervisor import SERVICES, ServiceProcess, Supervisor


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
            self.nats = NatsServer(self.data_dir / "nats", self.nats_port, free_port())
            self.nats.start()
        if self.database_url is None:
            self.postgres = PostgresServer(self.data_dir / "postgres", self.postgres_port, durable=self.durable)
            self.postgres.start()

    def connection_env(self) -> dict[str, str]:
        nats_url = self.nats_url or f"nats://127.0.0.1:{self.nats_port}"
        database_url = self.database_url or f"postgresql://postgres@127.0.0.1:{self.postgres_port}/outsend"
        return {
            "OUTSEND_NATS_URL": nats_url,
            "OUTSEND_DATABASE_URL": database_url,
            "OUTSEND_DATA_DIR": str(self.data_dir),
            "OUTSEND_SECRET_KEY": self._secret_key(),
        }

    def _secret_key(self) -> str:
        if os.environ.get("OUTSEND_SECRET_KEY"):
            return os.environ["OUTSEND_SECRET_KEY"]
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
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
            print(f"NATS      {env['OUTSEND_NATS_URL']}")
            print(f"Postgres  {env['OUTSEND_DATABASE_URL']}")
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
