"""``svc.enrichers.filter_preview``: the filter module's own evaluator on a window of a job's output.

The pipeline editor previews a ``filter`` node on its predecessor's rows; answering here, with
:func:`~outsend_enrichers.modules.filter.rules.apply_filter`, guarantees the count is the one the
job will find.
"""

from __future__ import annotations

import csv

from outsend_contracts import errors, subjects
from outsend_contracts.pipelines.public import FilterPreview, FilterPreviewRequest
from outsend_contracts.resultfile import decode_csv, result_object
from outsend_enrichers.modules.filter.rules import FilterRuleError, apply_filter
from outsend_platform.objects import ObjectStorage
from outsend_runner.table import Table


class FilterPreviewer:
    def __init__(self, objects: ObjectStorage) -> None:
        self._objects = objects

    async def preview(self, request: FilterPreviewRequest) -> FilterPreview:
        data = await self._objects.get(subjects.OBJ_RESULTS, result_object(request.job_id))
        if data is None:
            return FilterPreview(reason="no_csv_found")
        try:
            columns, rows = decode_csv(data)
        except (UnicodeDecodeError, csv.Error) as error:
            raise errors.DomainError(500, errors.RESULT_UNREADABLE) from error
        try:
            matched, report = apply_filter(Table(columns, rows[: request.window]), request.config)
        except FilterRuleError as error:
            raise errors.DomainError(400, str(error)) from error
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            raise errors.DomainError(400, errors.FILTER_RULES_INVALID.format(reason=error)) from error
        return FilterPreview(
            total=report.total,
            matched=report.matched,
            samples=[{key: value for key, value in row.items() if value.strip()} for row in matched[: request.samples]],
            fieldnames=columns,
            capped=len(rows) > request.window,
        )
