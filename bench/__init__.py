"""Benchmarks: each writes ``bench/results/<name>.json`` and a table in ``docs/``."""
