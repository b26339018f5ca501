"""The modules this service runs, one file each."""

from __future__ import annotations

from outsend_enrichers.modules import (
    emails,
    filter,
    import_,
    legal_ids,
    legal_mentions,
    phone_info,
    phones_extra,
    socials,
    sort,
)
from outsend_runner.module import Module

MODULES: tuple[Module, ...] = (
    import_.module,
    filter.module,
    sort.module,
    emails.module,
    socials.module,
    phones_extra.module,
    legal_ids.module,
    legal_mentions.module,
    phone_info.module,
)
