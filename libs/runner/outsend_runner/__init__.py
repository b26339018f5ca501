"""The module runner, shared by the worker services (enrichers, scraper).

A module declares what it needs and produces and does the work of one row (or one table);
the runner does everything else: reading the input, matching column aliases, batching,
bounded concurrency, progress and log events, checkpoints, cancellation, the result CSV,
per-row errors and the terminal event.

Its checkpoint tables live in each worker's schema, created by the versioned migrations of
``outsend_runner/migrations`` (:data:`MIGRATIONS`, applied by ``serve_modules``).
"""

from typing import Final

MIGRATIONS: Final = "outsend_runner"
"""The package whose migrations create the runner's tables (``job_rows``, ``job_units``, ``job_found_rows``)."""
