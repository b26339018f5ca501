"""Platform settings from ``OUTSEND_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    return float(value) if value else default


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env_str(name).split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    nats_url: str
    database_url: str
    data_dir: Path
    secret_key: str
    work_ack_wait: float
    """Seconds before JetStream redelivers work whose worker stopped sending progress acks."""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            nats_url=env_str("OUTSEND_NATS_URL", "nats://127.0.0.1:4222"),
            database_url=env_str("OUTSEND_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/outsend"),
            data_dir=Path(env_str("OUTSEND_DATA_DIR", ".outsend")).resolve(),
            secret_key=env_str("OUTSEND_SECRET_KEY"),
            work_ack_wait=env_float("OUTSEND_WORK_ACK_WAIT", 30.0),
        )
