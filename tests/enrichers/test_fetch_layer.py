"""The fetch layer against the test world's web and DNS: SSRF guard, redirects, TLS, size, charset."""

from __future__ import annotations

import asyncio

import pytest

from outsend_web.charset import decode_html
from outsend_web.fetch import Fetcher, FetchError, FetchSettings
from outsend_web.netguard import AddressGuard, make_resolver, parse_connect_to
from tests.world.web import WebWorld

PRIVATE = "adresse interdite (réseau privé)"


def fetcher(web: WebWorld, **overrides: object) -> Fetcher:
    settings = web.settings()
    return Fetcher(
        FetchSettings(
            connect_to=tuple(parse_connect_to(settings["OUTSEND_CONNECT_TO"])),
            extra_ca=settings["OUTSEND_EXTRA_CA"],
            dns_servers=(settings["OUTSEND_DNS_SERVERS"],),
            **overrides,  # type: ignore[arg-type]
        )
    )


async def refusal(web: WebWorld, url: str) -> str:
    client = fetcher(web)
    try:
        await client.get(url)
    except FetchError as error:
        return str(error)
    finally:
        await client.close()
    return "accepted"


def test_every_page_of_a_busy_crawl_arrives_over_http2_where_sites_offer_it(web: WebWorld) -> None:
    sites = [site for site in web.sites if not site.broken]
    urls = [site.url + path.lstrip("/") for site in sites for path in ("/", site.paths["contact"])]

    async def crawl() -> list[int]:
        client = fetcher(web)
        try:
            return [page.status for page in await asyncio.gather(*(client.get(url) for url in urls))]
        finally:
            await client.close()

    assert asyncio.run(crawl()) == [200] * len(urls)
    served = web.server.app.protocols
    for site in sites:
        assert served[site.canonical_host, "2" if site.https else "1.1"] >= 2, site.url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/",
        "http://api.localhost/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_addresses_are_refused(web: WebWorld, url: str) -> None:
    assert asyncio.run(refusal(web, url)) == PRIVATE


@pytest.mark.parametrize("name", ["rebind", "metadonnees", "v6", "mapped", "mixte", "nat64", "sixtofour"])
def test_dns_answers_pointing_inside_are_refused(web: WebWorld, name: str) -> None:
    assert asyncio.run(refusal(web, f"http://{name}.attaquant.net/")) == PRIVATE


def test_unknown_names_say_so(web: WebWorld) -> None:
    assert asyncio.run(refusal(web, "http://inconnu.attaquant.net/")) == "nom de domaine introuvable"


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        ("redirect_private", PRIVATE),
        ("redirect_rebind", PRIVATE),
        ("redirect_loop", "trop de redirections"),
        ("bad_certificate", "certificat TLS invalide"),
    ],
)
def test_every_redirect_hop_and_certificate_is_checked(web: WebWorld, broken: str, error: str) -> None:
    assert asyncio.run(refusal(web, web.site(broken=broken).url)) == error


def test_connect_to_most_specific_entry_wins() -> None:
    rules = parse_connect_to("*:80:10.0.0.1:1,*.fr:80:10.0.0.2:2,shop.example.fr:80:10.0.0.3:3,*.example.fr::10.0.0.4:")
    guard = AddressGuard(rules, make_resolver(()))

    async def targets() -> list[tuple[str, int]]:
        hosts = ["shop.example.fr", "www.example.fr", "boulangerie.fr", "example.com"]
        return [await guard.target(host, 80) for host in hosts]

    assert asyncio.run(targets()) == [("10.0.0.3", 3), ("10.0.0.4", 80), ("10.0.0.2", 2), ("10.0.0.1", 1)]


def test_pages_are_read_after_redirects_capped_and_decoded(web: WebWorld) -> None:
    async def read() -> None:
        client = fetcher(web, max_bytes=1024 * 1024)
        try:
            https_site = next(site for site in web.sites if site.https and not site.broken)
            page = await client.get(f"http://{https_site.host}/")  # → https://canonical host/
            assert (page.status, page.url) == (200, https_site.url)
            huge = await client.get(web.site(broken="huge").url)
            assert huge.truncated and len(huge.content) == 1024 * 1024
            assert web.site(broken="huge").name in huge.text
            latin = web.site(broken="wrong_charset")
            text = (await client.get(latin.url)).text
            assert latin.name in text and "\ufffd" not in text
        finally:
            await client.close()

    asyncio.run(read())


def test_decoding_trusts_bytes_over_declarations() -> None:
    french = "Mentions légales – société à responsabilité limitée"
    assert decode_html(french.encode("cp1252"), "utf-8") == french
    assert decode_html(french.encode("utf-8"), "iso-8859-1") == french
    assert decode_html(b'<meta charset="windows-1252">' + french.encode("cp1252")).endswith(french)
