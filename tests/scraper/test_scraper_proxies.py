"""The outbound proxy pool (``OUTSEND_PROXY_URLS``): a scrap's browser goes out through it."""

from __future__ import annotations

import base64
import http.client

import pytest

from outsend_scraper.maps.browser import playwright_proxy
from tests.scraper.conftest import PROXY_ACCOUNTS, PrivatePlatform
from tests.support.api import Api
from tests.world.proxy import Exchange

ALPHA, BETA, GAMMA = "http://a:x@10.0.0.1:3128", "http://b:y@10.0.0.2:3128", "http://10.0.0.3:3128"


def test_a_scraps_searches_all_go_out_through_the_proxy_pool_with_its_credentials(
    private_platform: PrivatePlatform,
) -> None:
    platform, maps, proxy = private_platform
    api = Api(platform).signup()
    searches_before, proxied_before = maps.simulator.requests["search"], maps.simulator.proxied["search"]
    seen = len(proxy.exchanges)

    job = api.create("scrap", queries=["serrurier"], zones=["Lyon 2e"])
    done = api.wait(job["id"], timeout=200)
    assert done["status"] == "done" and done["results_count"] > 0, done

    searches = maps.simulator.requests["search"] - searches_before
    assert searches == done["total_attempts_count"] >= done["processed_points"] >= 3
    assert maps.simulator.proxied["search"] - proxied_before == searches  # not one went direct
    through = [
        exchange
        for exchange in proxy.exchanges[seen:]
        if "/maps/search/serrurier/" in exchange.target and exchange.status != 407
    ]
    assert {exchange.account for exchange in through} == set(PROXY_ACCOUNTS)  # round robin over the pool
    assert all(exchange.target.startswith(f"{maps.base_url}/maps/search/") for exchange in through)
    feed = [exchange for exchange in proxy.exchanges[seen:] if "/search?tbm=map" in exchange.target]
    assert feed and all(exchange.account in PROXY_ACCOUNTS for exchange in feed)
    refused = [exchange for exchange in proxy.exchanges if exchange.status == 407]
    assert refused and all(exchange.account is None for exchange in refused)  # asked for, then given


def test_the_proxy_tunnels_connect_for_its_accounts_only(private_platform: PrivatePlatform) -> None:
    """What Chromium does for an https Google: CONNECT, then TLS inside (plain HTTP here)."""
    _, maps, proxy = private_platform
    for credentials in (None, "beta:wrong", "beta:beta-secret"):
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        connection.set_tunnel("127.0.0.1", maps.port, headers=basic(credentials) if credentials else {})
        try:
            if credentials != "beta:beta-secret":
                with pytest.raises(OSError, match="407"):
                    connection.request("GET", "/consent/ml?continue=%2F")
                continue
            connection.request("GET", "/consent/ml?continue=%2F")
            response = connection.getresponse()
            assert response.status == 200 and "Tout refuser" in response.read().decode()
        finally:
            connection.close()
    assert proxy.exchanges[-1] == Exchange("beta", "CONNECT", f"127.0.0.1:{maps.port}", 200)


def basic(credentials: str) -> dict[str, str]:
    return {"Proxy-Authorization": f"Basic {base64.b64encode(credentials.encode()).decode()}"}


def test_a_proxy_url_becomes_playwrights_server_and_credentials() -> None:
    assert playwright_proxy("http://user:p%40ss@proxy.example:3128") == {  # "p@ss", as a URL writes it
        "server": "http://proxy.example:3128",
        "username": "user",
        "password": "p@ss",
    }
    assert playwright_proxy(GAMMA) == {"server": "http://10.0.0.3:3128"}
