"""Pipelines: the node schema, definitions and their validation, commands, events, public shapes."""
