"""Serve the web of the test world on its own and print the settings that reach it.

    .venv/bin/python -m tests.world.web [--sites N] [--seed S] [--latency SEED] [--access-log FILE]

Then, in another terminal, start outsend pointed at it, e.g.::

    OUTSEND_CONNECT_TO=… OUTSEND_EXTRA_CA=… OUTSEND_DNS_SERVERS=… make run
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from tests.world.web import SEED, SITE_COUNT, WebWorld


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.world.web", description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=SITE_COUNT, help="how many sites (default %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help="what the sites say (default %(default)s)")
    parser.add_argument("--latency", type=int, default=None, metavar="SEED", help="answer with seeded latency")
    parser.add_argument("--access-log", type=Path, default=None, metavar="FILE", help="append each request here")
    args = parser.parse_args()
    world = WebWorld(args.sites, args.seed, args.latency, args.access_log)
    world.dns.start()
    for key, value in world.settings().items():
        print(f"{key}={value}")
    print(f"# {len(world.sites)} sites, e.g. {world.sites[0].url}  (Ctrl-C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        world.server.serve_forever()
    world.dns.stop()


if __name__ == "__main__":
    main()
