"""Import detects delimiters, encodings and headers, and says what it did."""

from __future__ import annotations

import pytest

from outsend_enrichers.modules.import_ import spreadsheet_csv_url
from outsend_enrichers.modules.import_.parsing import parse_table
from outsend_runner.module import JobFailure


def test_semicolons_latin1_and_aliased_headers() -> None:
    data = "Raison sociale;Site web;Téléphone;Secteur perso\nBoulangerie Émile;emile.fr;01 23 45 67 89;pain\n".encode(
        "cp1252"
    )
    table, notices = parse_table(data)
    assert table.columns == ["nom", "site_web", "telephone", "Secteur perso"]
    assert table.rows == [
        {"nom": "Boulangerie Émile", "site_web": "emile.fr", "telephone": "01 23 45 67 89", "Secteur perso": "pain"}
    ]
    assert "« Raison sociale » → nom" in notices[0]
    assert "Secteur perso" in notices[1]


def test_tabs_and_bom() -> None:
    table, _ = parse_table("\ufeffname\twebsite\nA\thttps://a.fr\nB\thttps://b.fr\n".encode())
    assert table.columns == ["nom", "site_web"] and len(table.rows) == 2


def test_a_file_without_header_has_its_columns_inferred() -> None:
    data = (
        b"Garage Martin,https://garage-martin.fr,contact@garage-martin.fr,06 12 34 56 78\n"
        b"Taxi Paul,taxi-paul.fr,paul@taxi.fr,0145678901\n"
    )
    table, notices = parse_table(data)
    assert table.columns == ["nom", "site_web", "email", "telephone"]
    assert len(table.rows) == 2
    assert notices[0].startswith("Fichier sans en-tête")


def test_nothing_to_import_is_an_error() -> None:
    with pytest.raises(JobFailure, match="Aucune ligne"):
        parse_table(b"\n \n")


def test_google_sheets_links_become_csv_exports() -> None:
    url = "https://docs.google.com/spreadsheets/d/abc-123/edit#gid=42"
    assert spreadsheet_csv_url(url) == "https://docs.google.com/spreadsheets/d/abc-123/export?format=csv&gid=42"
    assert spreadsheet_csv_url("https://example.fr/x.csv") == "https://example.fr/x.csv"
