"""The modules this service runs, one file (or package) each; :mod:`outsend_enrichers.main`
serves ``MODULES`` with the resources they declare (``fetcher``: the fetch layer)."""

from __future__ import annotations

from outsend_enrichers.modules.emails import EmailsModule
from outsend_enrichers.modules.filter import FilterModule
from outsend_enrichers.modules.import_ import ImportModule
from outsend_enrichers.modules.legal_ids import LegalIdsModule
from outsend_enrichers.modules.legal_mentions import LegalMentionsModule
from outsend_enrichers.modules.phone_info import PhoneInfoModule
from outsend_enrichers.modules.phones_extra import PhonesExtraModule
from outsend_enrichers.modules.socials import SocialsModule
from outsend_enrichers.modules.sort import SortModule
from outsend_runner.module import Module

MODULES: tuple[Module, ...] = (
    ImportModule(),
    FilterModule(),
    SortModule(),
    EmailsModule(),
    SocialsModule(),
    PhonesExtraModule(),
    LegalIdsModule(),
    LegalMentionsModule(),
    PhoneInfoModule(),
)
