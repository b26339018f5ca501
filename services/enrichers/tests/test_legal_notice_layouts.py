"""The legal-notice parser on the layouts real French notices use (no I/O): each page is read as
the module reads it (visible text of the HTML), and what it does not state stays empty."""

from __future__ import annotations

from outsend_enrichers.extract.legal import LegalIds, choose_ids, parse_legal_notice
from outsend_web.html import Document

HOST = (
    "<h2>Hébergement</h2><p>Le site est hébergé par OVH SAS, 2 rue Kellermann, 59100 Roubaix. "
    "RCS Lille Métropole 424 761 419.</p>"
)


def notice(body: str) -> dict[str, str]:
    html = f'<!doctype html><html lang="fr"><body><main><h1>Mentions légales</h1>{body}</main></body></html>'
    return parse_legal_notice(Document("https://www.boulangerie-du-port.fr/mentions-legales", html).text)


def company(fields: dict[str, str]) -> tuple[str, str]:
    return fields["raison_sociale"], fields["forme_juridique"]


def test_labelled() -> None:
    fields = notice(
        "<h2>Éditeur du site</h2><p>Raison sociale : Boulangerie du Port<br>Forme juridique : SARL<br>"
        "Capital social : 10 000 €<br>Siège social : 4 quai de la Fosse, 44000 Nantes<br>"
        "RCS : Nantes B 732 829 320<br>Gérant : Jean Morel</p>" + HOST
    )
    assert company(fields) == ("Boulangerie du Port", "SARL")
    assert fields["capital_social"] == "10 000 €" and fields["rcs"] == "RCS Nantes 732 829 320"
    assert fields["adresse_postale"] == "4 quai de la Fosse, 44000 Nantes" and fields["dirigeant"] == "Jean Morel"
    assert fields["hebergeur"] == "OVH SAS"


def test_prose_edite_par() -> None:
    fields = notice(
        "<p>Le site boulangerie-du-port.fr est édité par Boulangerie du Port, société par actions simplifiée "
        "au capital de 5 000 euros, immatriculée au RCS de Nantes sous le numéro 732 829 320, dont le siège "
        "social est situé au 4 quai de la Fosse, 44000 Nantes.</p>" + HOST
    )
    assert company(fields) == ("Boulangerie du Port", "SAS")
    assert fields["capital_social"] == "5 000 €" and fields["rcs"] == "RCS Nantes 732 829 320"


def test_title_line_under_the_editor_heading() -> None:
    fields = notice(
        "<h2>Éditeur du site</h2><p><strong>Boulangerie du Port — SARL au capital de 10 000 €</strong><br>"
        "Siège social : 4 quai de la Fosse, 44000 Nantes<br>RCS Nantes 732 829 320<br>"
        "SIRET : 732 829 320 00074<br>Gérante : Claire Morel</p>"
        "<h2>Publication</h2><p>Directeur de la publication : Claire Morel</p>" + HOST
    )
    assert company(fields) == ("Boulangerie du Port", "SARL")
    assert fields["capital_social"] == "10 000 €" and fields["dirigeant"] == "Claire Morel"
    assert fields["hebergeur"] == "OVH SAS"


def test_title_line_with_the_form_first_or_a_long_form() -> None:
    first = notice("<h2>Éditeur</h2><p>SASU Garage Dupont – au capital de 1 000 €<br>RCS Dijon 732 829 320</p>")
    assert company(first) == ("Garage Dupont", "SASU")
    long_form = notice(
        "<h3>Éditeur du site :</h3><p>Fleurs Lambert — Entreprise individuelle<br>SIRET 73282932000074</p>"
    )
    assert company(long_form) == ("Fleurs Lambert", "EI")


def test_table_and_definition_list() -> None:
    table = notice(
        "<h2>Éditeur du site</h2><table>"
        "<tr><th>Dénomination sociale</th><td>Boulangerie du Port</td></tr>"
        "<tr><th>Forme juridique</th><td>Société par actions simplifiée</td></tr>"
        "<tr><th>Capital social</th><td>8 000 €</td></tr>"
        "<tr><th>Siège social</th><td>4 quai de la Fosse, 44000 Nantes</td></tr>"
        "<tr><th>Président</th><td>Luc Morel</td></tr>"
        "<tr><th>Hébergeur</th><td>IONOS SARL, 7 place de la Gare, 57200 Sarreguemines</td></tr></table>"
    )
    assert company(table) == ("Boulangerie du Port", "SAS")
    assert table["capital_social"] == "8 000 €" and table["adresse_postale"] == "4 quai de la Fosse, 44000 Nantes"
    assert table["dirigeant"] == "Luc Morel" and table["hebergeur"] == "IONOS SARL"
    listed = notice(
        "<dl><dt>Raison sociale</dt><dd>Boulangerie du Port</dd><dt>Forme juridique</dt><dd>EURL</dd>"
        "<dt>Directeur de la publication</dt><dd>Luc Morel</dd></dl>"
    )
    assert company(listed) == ("Boulangerie du Port", "EURL") and listed["directeur_publication"] == "Luc Morel"


def test_footer_only_copyright_line() -> None:
    fields = notice(
        '<p class="copyright">© 2025 Boulangerie du Port SARL · Capital de 10 000 € · RCS Nantes 732 829 320 · '
        "SIRET 732 829 320 00074 · TVA FR44732829320 · Hébergement : o2switch</p>"
    )
    assert company(fields) == ("Boulangerie du Port", "SARL")
    assert fields["capital_social"] == "10 000 €" and fields["rcs"] == "RCS Nantes 732 829 320"
    assert fields["tva_intracom"] == "FR44732829320" and fields["hebergeur"] == "o2switch"
    assert fields["adresse_postale"] == fields["dirigeant"] == fields["directeur_publication"] == ""


def test_a_copyright_line_without_a_legal_form_names_nobody() -> None:
    fields = notice("<footer><p>© 2025 Boulangerie du Port · Tous droits réservés</p></footer>")
    assert company(fields) == ("", "")


def test_mixed_case_labels_and_dotted_forms() -> None:
    fields = notice(
        "<h2>ÉDITEUR DU SITE</h2><p>RAISON SOCIALE : Boulangerie du Port<br>FORME JURIDIQUE : S.A.R.L.<br>"
        "CAPITAL SOCIAL : 7 500 EUR<br>SIÈGE SOCIAL : 4 quai de la Fosse, 44000 Nantes<br>"
        "R.C.S. : Nantes B 732 829 320<br>GÉRANT : Jean Morel</p>"
        "<h2>HÉBERGEMENT</h2><p>HÉBERGEUR : OVH SAS, 2 rue Kellermann, 59100 Roubaix</p>"
    )
    assert company(fields) == ("Boulangerie du Port", "SARL")
    assert fields["capital_social"] == "7 500 €" and fields["rcs"] == "RCS Nantes 732 829 320"
    assert fields["adresse_postale"] == "4 quai de la Fosse, 44000 Nantes" and fields["dirigeant"] == "Jean Morel"
    assert company(notice("<p>Raison sociale : Garage Dupont<br>Forme juridique : Sasu</p>")) == (
        "Garage Dupont",
        "SASU",
    )


def test_legal_form_before_the_name_in_a_label_or_in_prose() -> None:
    labelled = notice(
        "<p>Raison sociale : SARL Boulangerie du Port<br>Siège social : 4 quai de la Fosse, 44000 Nantes</p>"
    )
    assert company(labelled) == ("Boulangerie du Port", "SARL")
    prose = notice(
        "<h2>Éditeur</h2><p>La société SAS Boulangerie du Port, au capital de 3 000 €, dont le siège social est "
        "situé au 4 quai de la Fosse, 44000 Nantes, immatriculée au RCS de Nantes sous le numéro 732 829 320.</p>"
    )
    assert company(prose) == ("Boulangerie du Port", "SAS") and prose["capital_social"] == "3 000 €"


def test_the_host_and_the_agency_are_not_the_company() -> None:
    fields = notice(
        "<h2>Hébergement</h2><p>OVH SAS au capital de 10 174 560 €<br>2 rue Kellermann, 59100 Roubaix<br>"
        "RCS Lille Métropole 424 761 419</p>"
        "<h2>Conception et réalisation</h2><p>Agence Pixel Ouest SARL, siège : 5 rue de Strasbourg, 44000 Nantes</p>"
        "<h2>Éditeur du site</h2><p>Boulangerie du Port — SARL au capital de 10 000 €<br>"
        "Siège social : 4 quai de la Fosse, 44000 Nantes<br>RCS Nantes 732 829 320<br>Gérant : Jean Morel</p>"
    )
    assert company(fields) == ("Boulangerie du Port", "SARL")
    assert fields["capital_social"] == "10 000 €" and fields["rcs"] == "RCS Nantes 732 829 320"
    assert fields["adresse_postale"] == "4 quai de la Fosse, 44000 Nantes"
    assert fields["hebergeur"] == "OVH SAS"


def test_a_page_that_names_only_its_host_names_no_company() -> None:
    fields = notice(
        "<h2>Hébergeur</h2><p>OVH SAS — SAS au capital de 10 174 560 €<br>2 rue Kellermann, 59100 Roubaix<br>"
        "RCS Lille Métropole 424 761 419</p><p>© 2025 OVH SAS</p>"
    )
    assert company(fields) == ("", "")
    assert fields["capital_social"] == fields["rcs"] == fields["adresse_postale"] == ""
    assert fields["hebergeur"] == "OVH SAS"


def test_the_agency_s_siret_is_not_the_business_s() -> None:
    text = Document(
        "https://www.boulangerie-du-port.fr/mentions-legales",
        "<html><body><h2>Conception et réalisation</h2><p>Agence Pixel Ouest SARL, siège : 5 rue de Strasbourg, "
        "44000 Nantes – SIRET 424 761 419 00011</p><h2>Éditeur du site</h2><p>Boulangerie du Port — SARL<br>"
        "SIRET : 732 829 320 00074</p></body></html>",
    ).text
    assert choose_ids(text) == LegalIds("732829320", "73282932000074")
