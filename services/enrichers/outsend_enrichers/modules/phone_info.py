"""``phone_info``: what the numbering plan says about each phone number.

Needs ``telephone`` (aliases ``phone``, ``numero``, ``number`` …); produces the canonical
formats, the country, the line type, the region of a geographic number and the carrier the
range was allocated to, from Google's numbering data (``phonenumbers``), looked up once per
number. ``live_mode``: ``cache_only`` (default) reads what is known offline; ``with_live``
would ask a portability provider for French mobiles — none is configured, the notice says so
and the current-carrier columns stay empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from outsend_contracts import errors
from outsend_enrichers.extract.phones import region_for
from outsend_runner.module import JobContext, RowError, RowModule
from outsend_runner.table import Table

LINE_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
}
INVALID_NUMBER = "numéro de téléphone invalide"


@lru_cache(maxsize=100_000)
def describe(value: str, region: str) -> dict[str, str] | None:
    """The numbering plan's facts about one number, or ``None`` if it is not a valid number."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    # Imported here: their data takes ~140 MB, which only phone_info jobs should pay for.
    from phonenumbers import carrier, geocoder

    return {
        "phone_e164": phonenumbers.format_number(number, PhoneNumberFormat.E164),
        "phone_national": phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        "phone_country": phonenumbers.region_code_for_number(number) or "",
        "phone_line_type": LINE_TYPES.get(phonenumbers.number_type(number), "other"),
        "phone_region": geocoder.description_for_number(number, "fr"),
        "phone_carrier_original": carrier.name_for_number(number, "fr"),
    }


class PhoneInfoModule(RowModule):
    slug = "phone_info"
    concurrency = 4

    async def open(self, context: JobContext) -> None:
        if context.options.get("live_mode") == "with_live":
            context.note(errors.PHONE_LIVE_UNAVAILABLE)

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        facts = describe(table.value(row, "telephone"), region_for(table.value(row, "adresse")))
        if facts is None:
            raise RowError(INVALID_NUMBER)
        return [facts]

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        return bool(produced.get("phone_e164"))
