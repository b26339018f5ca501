"""Service processes: start, stop, kill and restart them, each with its own log file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Final

from outsend_contracts import subjects

SERVICES: Final = (*subjects.SERVICES, subjects.GATEWAY)
"""Every process of the platform, in the order they start."""


def entry_package(service: str) -> str:
    """The package whose ``python -m`` runs a service: the one its ``outsend-<service>`` script calls into."""
    (script,) = entry_points(group="console_scripts", name=f"outsend-{service}")
    return script.module.split(".")[0]


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    log_dir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    restarts: int = 0

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{self.name}.log", "ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(
                [sys.executable, "-m", entry_package(self.name)],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the runner, which stops services in order
            )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive:
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up (what crash tests need)."""
        if self.alive:
            assert self.process is not None
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()
        self.restarts += 1


@dataclass
class Supervisor:
    processes: list[ServiceProcess]

    def start_all(self) -> None:
        for process in self.processes:
            process.start()

    def stop_all(self) -> None:
        # The gateway first (no new requests), then workers and owners of state.
        for process in reversed(self.processes):
            if process.alive:
                assert process.process is not None
                process.process.send_signal(signal.SIGTERM)
        for process in self.processes:
            process.stop()

    def revive_crashed(self) -> list[str]:
        """Restart any service that died on its own; returns their names."""
        revived = []
        for process in self.processes:
            if process.process is not None and not process.alive:
                time.sleep(min(5.0, 0.5 * (process.restarts + 1)))
                process.start()
                process.restarts += 1
                revived.append(process.name)
        return revived

    def get(self, name: str) -> ServiceProcess:
        return next(process for process in self.processes if process.name == name)
