"""``python -m tests.world.maps [--port N] [--seed N] [--latency S] [--world MODEL]``: the simulator alone."""

from __future__ import annotations

import argparse
import signal
import threading

from tests.world.maps.search import MODELS
from tests.world.maps.server import MapsServer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.world.maps", description="Google Maps simulator")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic world")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every search page")
    parser.add_argument("--world", choices=MODELS, default="widening", help="how Google answers (search.py)")
    args = parser.parse_args()
    server = MapsServer(seed=args.seed, port=args.port, latency=args.latency, model=args.world)
    settings = server.start()
    for key, value in settings.items():
        print(f"{key}={value}", flush=True)
    print(
        f"Google Maps simulator ({args.world}, seed {args.seed}) on {server.base_url}; start outsend with:", flush=True
    )
    print(f"  OUTSEND_MAPS_BASE_URL={server.base_url} make run", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
