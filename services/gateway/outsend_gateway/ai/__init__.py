"""The gateway's side of bring-your-own-key AI: pricing, the provider clients, calls within caps,
and the features built on them (see docs/ai.md)."""
