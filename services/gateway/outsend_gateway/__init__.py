"""The gateway: authenticates, validates against the contracts, and talks to services over NATS."""
