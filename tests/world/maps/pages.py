"""The HTML Google Maps serves: search page with its results feed, place page, consent page."""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from tests.world.maps.payloads import maps_link
from tests.world.maps.places import Place

END_OF_LIST = {"fr": "Vous êtes arrivé à la fin de la liste.", "en": "You've reached the end of the list."}
NO_RESULT = {"fr": "Google Maps ne parvient pas à trouver « {query} »", "en": "Google Maps can't find {query}"}

_FEED_SCRIPT = """
(function () {
  const feed = document.querySelector('div[role="feed"]');
  const state = window.__search;
  let offset = state.loaded, loading = false, ended = state.loaded >= state.total;
  function card(place) {
    const outer = document.createElement('div');
    outer.innerHTML = place.html;
    return outer;
  }
  function end() {
    ended = true;
    const marker = document.createElement('div');
    marker.className = 'm6QErb XiKgde tLjsW eKbjU';
    marker.innerHTML = '<div class="PbZDve"><p class="fontBodyMedium"><span><span class="HlvSq">' + state.endText + '</span></span></p></div>';
    feed.appendChild(marker);
  }
  async function more() {
    if (loading || ended) return;
    loading = true;
    const url = '/search?tbm=map&authuser=0&hl=' + state.hl + '&q=' + encodeURIComponent(state.query) +
      '&pb=!4m12!1m3!1d' + state.distance + '!2d' + state.lon + '!3d' + state.lat + '!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f' +
      state.zoom + '!7i20!8i' + offset;
    const response = await fetch(url, {credentials: 'same-origin'});
    const text = await response.text();
    const data = JSON.parse(text.slice(text.indexOf('\\n') + 1));
    const items = data[0][1].slice(1);
    for (const item of items) {
      const d = item[14];
      feed.appendChild(card({html: state.template(d)}));
    }
    offset += items.length;
    loading = false;
    if (items.length === 0 || offset >= state.total) end();
  }
  state.template = function (d) {
    const name = d[11], link = 'https://www.google.com/maps/place/' + encodeURIComponent(name).replace(/%20/g, '+') + '/data=!4m2!3m1!1s' + d[10];
    return '<div class="Nv2PK" jsaction="mouseover:pane.wfvdle5"><a class="hfpxzc" aria-label="' + name.replace(/"/g, '&quot;') +
      '" href="' + link + '?authuser=0&hl=' + state.hl + '&rclk=1"></a><div class="qBF1Pd fontHeadlineSmall">' +
      name.replace(/</g, '&lt;') + '</div></div>';
  };
  if (ended && state.total > 0) end();
  feed.addEventListener('scroll', function () {
    if (feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 40) more();
  });
})();
"""


def search_page(
    query: str, lat: float, lon: float, zoom: float, hl: str, state: str, first: list[Place], total: int
) -> str:
    cards = "".join(_card(place, hl) for place in first)
    settings = {
        "query": query,
        "lat": lat,
        "lon": lon,
        "zoom": zoom,
        "hl": hl,
        "distance": 3826.9,
        "loaded": len(first),
        "total": total,
        "endText": END_OF_LIST.get(hl, END_OF_LIST["en"]),
    }
    if total == 0:
        body = f'<div class="Q2vNVc">{html.escape(NO_RESULT.get(hl, NO_RESULT["en"]).format(query=query))}</div>'
    else:
        label = f"Résultats pour {query}" if hl == "fr" else f"Results for {query}"
        body = (
            f'<div role="main" aria-label="{html.escape(label)}"><div class="m6QErb DxyBCb kA9KIf dS8AEf" role="feed" '
            f'aria-label="{html.escape(label)}" tabindex="-1" style="height:600px;overflow-y:auto">'
            f'{cards}<div style="height:700px"></div></div></div>'
        )
    return _document(
        f"{query} - Google Maps",
        hl,
        state,
        body + f"<script>window.__search = {json.dumps(settings)};</script><script>{_FEED_SCRIPT}</script>",
    )


def redesigned_search_page(query: str, hl: str) -> str:
    """A results page of a layout no parser knows: its data moved out of ``APP_INITIALIZATION_STATE``."""
    label = f"Résultats pour {query}" if hl == "fr" else f"Results for {query}"
    return (
        f'<!DOCTYPE html><html lang="{hl}"><head><meta charset="utf-8"><title>{html.escape(query)} - Google Maps</title>'
        f'<script>window.__APP_DATA__={{"v":2}};</script></head><body><main aria-label="{html.escape(label)}">'
        f'<section class="results-v2"><p>{html.escape(label)}</p></section></main></body></html>'
    )


def place_page(place: Place, hl: str, state: str) -> str:
    body = (
        f'<div role="main" aria-label="{html.escape(place.name)}"><h1 class="DUwDvf lfPIob">{html.escape(place.name)}</h1>'
        f'<button class="DkEaL">{html.escape(place.category)}</button>'
        f'<div class="Io6YTe fontBodyMedium">{html.escape(place.address)}</div></div>'
    )
    return _document(f"{place.name} - Google Maps", hl, state, body)


def consent_page(continue_url: str, hl: str) -> str:
    reject, accept = ("Tout refuser", "Tout accepter") if hl == "fr" else ("Reject all", "Accept all")
    target = html.escape(continue_url)
    form = (
        '<form action="/consent/save" method="POST"><input type="hidden" name="continue" value="{target}">'
        '<input type="hidden" name="set_eom" value="{eom}"><button class="VfPpkd-LgbsSe" aria-label="{label}">{label}</button></form>'
    )
    return (
        f'<!DOCTYPE html><html lang="{hl}"><head><meta charset="utf-8"><title>Avant d\'accéder à Google</title></head><body>'
        f"<h1>Avant d'accéder à Google Maps</h1><p>Nous utilisons des cookies et des données pour fournir nos services.</p>"
        + form.format(target=target, eom="true", label=reject)
        + form.format(target=target, eom="false", label=accept)
        + "</body></html>"
    )


def _card(place: Place, hl: str) -> str:
    name = html.escape(place.name)
    return (
        f'<div><div class="Nv2PK" jsaction="mouseover:pane.wfvdle5"><a class="hfpxzc" aria-label="{name}" '
        f'href="{html.escape(maps_link(place))}?authuser=0&amp;hl={hl}&amp;rclk=1"></a>'
        f'<div class="qBF1Pd fontHeadlineSmall">{name}</div></div></div>'
    )


def _document(title: str, hl: str, state: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{hl}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<script>window.APP_INITIALIZATION_STATE={state};</script></head><body>{body}</body></html>"
    )


def search_path(query: str, lat: float, lon: float, zoom: float) -> str:
    return f"/maps/search/{quote(query)}/@{lat:.7f},{lon:.7f},{zoom:g}z"
