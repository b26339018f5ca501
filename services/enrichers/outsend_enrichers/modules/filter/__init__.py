"""``filter``: keep the rows that match the rules; same columns, fewer rows.

Reads its predecessor's rows (or ``items``) and applies the flat keys of the filter page
(``require_phone``, ``exclude_aggregators``, ``rating_min`` …, in the page's order), then the
``rules`` groups (``{logic, conditions: [{column, op, value}]}``), ``dedup_column`` and
sampling (:mod:`.rules`). A rule whose column is missing is skipped and logged; an unknown
operator fails the job. See ``docs/modules/filter.md``.
"""

from __future__ import annotations

from outsend_enrichers.modules.filter.rules import FilterRuleError, apply_filter
from outsend_runner.module import JobContext, JobFailure, TableModule
from outsend_runner.table import Table


class FilterModule(TableModule):
    slug = "filter"

    async def transform(self, table: Table | None, context: JobContext) -> Table:
        assert table is not None
        try:
            rows, report = apply_filter(table, context.options)
        except FilterRuleError as error:
            raise JobFailure(str(error)) from error
        for skipped in report.skipped_rules:
            await context.log(f"Règle ignorée : {skipped}", "warn")
        await context.log(f"{report.matched} ligne(s) gardée(s) sur {report.total}")
        return Table(table.columns, rows)
