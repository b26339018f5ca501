"""A worker refuses to start with a module its registry entry or its resources contradict."""

from __future__ import annotations

from typing import Any

import pytest

from outsend_runner.module import JobContext, RowModule
from outsend_runner.table import Table
from outsend_runner.worker import check_declarations


class Emails(RowModule):
    slug = "emails"
    uses = frozenset({"fetcher"})

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        return [{}]


def test_a_module_with_its_service_and_resources_is_served() -> None:
    check_declarations("enrichers", [Emails()], {"fetcher": object(), "other": object()})


def test_a_module_the_registry_runs_elsewhere_is_refused() -> None:
    with pytest.raises(RuntimeError, match="emails: the registry runs it in enrichers"):
        check_declarations("scraper", [Emails()], {"fetcher": object()})


def test_a_module_without_a_resource_it_uses_is_refused() -> None:
    with pytest.raises(RuntimeError, match="emails: enrichers does not hand it fetcher"):
        check_declarations("enrichers", [Emails()], {})
