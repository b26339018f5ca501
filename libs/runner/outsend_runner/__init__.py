"""The module runner, shared by the worker services (enrichers, scraper).

A module declares what it needs and produces and does the work of one row (or one table);
the runner does everything else: reading the input, matching column aliases, batching,
bounded concurrency, progress and log events, checkpoints, cancellation, the result CSV,
per-row errors and the terminal event.
"""
