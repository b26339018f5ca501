"""Exports neutralise spreadsheet formulas but keep numbers and phone numbers intact."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from outsend_gateway.exports import sanitize_cell, write_csv, write_json, write_xlsx


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
     ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
     ("-3.5", "-3.5"), ("Cabinet Dupont", "Cabinet Dupont"), ("", "")],
)  # fmt: skip
def test_sanitize(value: str, expected: str) -> None:
    assert sanitize_cell(value) == expected


def test_every_format_carries_the_sanitised_cells() -> None:
    columns = ["nom", "note"]
    rows = [{"nom": "=cmd()", "note": "4.5"}]
    assert write_csv(columns, rows).decode("utf-8") == "\ufeffnom;note\r\n'=cmd();4.5\r\n"
    assert json.loads(write_json(columns, rows)) == [{"nom": "'=cmd()", "note": "4.5"}]
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx(columns, rows))).active
    assert sheet is not None
    cell = sheet["A2"]
    assert cell.value == "'=cmd()" and cell.data_type == "s"
