"""``outsend``: the operator's command.

outsend run                      start everything on this machine (what ``make run`` does)
outsend infra                    start only NATS and Postgres, print their URLs
outsend projections rebuild      drop every read model and replay it from the event log
outsend projections replay-parked  retry the events a read model set aside (rebuilds the views that have some)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from outsend_contracts.projections import OWNERS as PROJECTION_OWNERS
from outsend_deploy.local import LocalPlatform
from outsend_deploy.supervisor import entry_package
from outsend_platform.projection import owner


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="outsend")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start NATS, Postgres and every service")
    commands.add_parser("infra", help="start only NATS and Postgres")
    projections = commands.add_parser("projections", help="read models")
    projections.add_argument("action", choices=["rebuild", "replay-parked"])
    args = parser.parse_args(argv)
    if args.command == "run":
        LocalPlatform.from_env().run_forever()
    elif args.command == "infra":
        LocalPlatform.from_env().run_forever(services=False)
    else:
        sys.exit(rebuild_projections(args.action))


def rebuild_projections(action: str = "rebuild") -> int:
    """Each owning service rebuilds its own views (``python -m <service> rebuild-projections``
    or ``replay-parked``, :mod:`outsend_platform.projection.owner`)."""
    command = owner.REBUILD if action == "rebuild" else owner.REPLAY_PARKED
    env = LocalPlatform.from_env().connection_env()
    for service in PROJECTION_OWNERS:
        result = subprocess.run([sys.executable, "-m", entry_package(service), command], env={**os.environ, **env})
        if result.returncode != 0:
            return result.returncode
    return 0


if __name__ == "__main__":
    main()
