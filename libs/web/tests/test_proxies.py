"""The outbound proxy pool: in turn for the scraper, one exit per host for the fetcher, one rest rule."""

from __future__ import annotations

import pytest

from outsend_web import proxies
from outsend_web.proxies import DEFAULT_COOLDOWN, ProxyPool

ALPHA, BETA, GAMMA = "http://a:x@10.0.0.1:3128", "http://b:y@10.0.0.2:3128", "http://10.0.0.3:3128"


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    clock = [1000.0]
    monkeypatch.setattr(proxies.time, "monotonic", lambda: clock[0])
    return clock


def test_the_pool_takes_its_proxies_in_turn() -> None:
    pool = ProxyPool((ALPHA, BETA, GAMMA))
    assert [pool.pick() for _ in range(4)] == [ALPHA, BETA, GAMMA, ALPHA]
    assert ProxyPool(()).pick() is None
    assert ProxyPool(()).pick("dupont.fr") is None


def test_a_proxy_that_failed_rests_while_the_others_serve(now: list[float]) -> None:
    pool = ProxyPool((ALPHA, BETA, GAMMA))
    pool.failed(BETA)
    assert [pool.pick() for _ in range(4)] == [ALPHA, GAMMA, ALPHA, GAMMA]
    for url in (ALPHA, GAMMA):
        now[0] += 1
        pool.failed(url)
    assert pool.pick() == BETA and pool.resting(BETA)  # every proxy resting: the one back soonest
    now[0] += pool.cooldown
    assert {pool.pick() for _ in range(3)} == {ALPHA, BETA, GAMMA}


def test_a_host_keeps_its_exit_and_moves_on_only_while_it_rests(now: list[float]) -> None:
    pool = ProxyPool((ALPHA, BETA, GAMMA))
    exit_ = pool.pick("dupont.fr")
    assert exit_ is not None and {pool.pick("dupont.fr") for _ in range(5)} == {exit_}
    assert len({pool.pick(f"site{n}.fr") for n in range(30)}) == 3  # hosts spread over the pool
    pool.failed(exit_)
    assert pool.pick("dupont.fr") not in (exit_, None)
    now[0] += pool.cooldown
    assert pool.pick("dupont.fr") == exit_


def test_the_rest_is_one_setting_for_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTSEND_PROXY_URLS", f"{ALPHA}, {BETA}")
    monkeypatch.delenv("OUTSEND_PROXY_COOLDOWN", raising=False)
    assert (ProxyPool.from_env().urls, ProxyPool.from_env().cooldown) == ((ALPHA, BETA), DEFAULT_COOLDOWN)
    monkeypatch.setenv("OUTSEND_PROXY_COOLDOWN", "5")
    assert ProxyPool.from_env().cooldown == 5.0
