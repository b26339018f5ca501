"""The canonical result file every worker writes: CSV, UTF-8 with BOM, ``;`` separator."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

BOM = "\ufeff"


def encode_csv(columns: list[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return (BOM + buffer.getvalue()).encode("utf-8")


def decode_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    if not records:
        return [], []
    columns = records[0]
    width = len(columns)
    return columns, [dict(zip(columns, record + [""] * (width - len(record)), strict=False)) for record in records[1:]]


def result_object(job_id: str) -> str:
    """Name of a job's result file in the object store."""
    return f"{job_id}.csv"
