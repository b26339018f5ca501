"""The modules this service runs, one file each."""

from __future__ import annotations

from outsend_enrichers.modules import filter, import_, sort
from outsend_runner.module import Module

MODULES: tuple[Module, ...] = (import_.module, filter.module, sort.module)
