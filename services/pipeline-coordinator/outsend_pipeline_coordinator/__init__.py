"""The coordinator service: Pipelines: DAG validation and normalisation, successor spawning, progress."""
