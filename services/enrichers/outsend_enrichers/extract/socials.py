"""Social profiles a business operates, as canonical URLs.

Only profile links are kept: share buttons (``sharer.php``, ``intent/tweet``, ``shareArticle``),
platform pages (home, login, help, policies), posts and videos, and the accounts of the site
builders whose themes ship with their own links (``facebook.com/wix`` …) are discarded. When a
site links several profiles of one network, the one whose handle looks like the site's name
wins, then the most linked, then the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from outsend_web.html import plain

NETWORKS = ("facebook", "instagram", "linkedin", "twitter", "tiktok", "youtube")
PLATFORM_ACCOUNTS = frozenset(
    {"wix", "wixcom", "wordpress", "wordpressdotcom", "jimdo", "squarespace", "shopify", "webflow", "godaddy",
     "hubspot", "mailchimp", "ovh", "ovhcloud", "weebly", "elementor", "canva", "google", "facebook", "instagram",
     "twitter", "x", "linkedin", "tiktok", "youtube", "meta", "pagesjaunes", "solocal", "tripadvisor", "yelp"}
)  # fmt: skip
"""Handles that belong to a platform or a site builder, never to the business."""
_RESERVED: dict[str, frozenset[str]] = {
    "facebook": frozenset({"sharer", "sharer.php", "share", "share.php", "dialog", "plugins", "tr", "login",
                           "login.php", "help", "policies", "privacy", "legal", "pages", "groups", "events",
                           "watch", "hashtag", "photo", "photo.php", "story.php", "permalink.php", "marketplace",
                           "gaming", "business", "ads", "home.php", "l.php", "search", "media", "reel", "fundraisers"}),
    "instagram": frozenset({"p", "reel", "reels", "explore", "accounts", "about", "legal", "developer", "stories",
                            "direct", "tv"}),
    "linkedin": frozenset({"shareArticle", "sharing", "feed", "jobs", "login", "signup", "legal", "help", "pulse",
                           "posts", "learning", "cws", "uas"}),
    "twitter": frozenset({"intent", "share", "home", "search", "hashtag", "i", "login", "signup", "tos", "privacy",
                          "explore", "settings", "widgets.js"}),
    "tiktok": frozenset({"embed", "legal", "login", "signup", "discover", "tag", "music", "foryou", "explore"}),
    "youtube": frozenset({"watch", "embed", "results", "playlist", "shorts", "feed", "premium", "about", "t",
                          "howyoutubeworks", "redirect", "subscription_center", "live"}),
}  # fmt: skip
_HOSTS = {
    "facebook": ("facebook.com", "fb.com", "fb.me"),
    "instagram": ("instagram.com", "instagr.am"),
    "linkedin": ("linkedin.com",),
    "twitter": ("twitter.com", "x.com"),
    "tiktok": ("tiktok.com",),
    "youtube": ("youtube.com", "youtu.be"),
}
_HANDLE = re.compile(r"^[\w.@-]{1,100}$")


def network_of(host: str) -> str | None:
    host = host.lower().removeprefix("www.")
    for network, hosts in _HOSTS.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            return network
    return None


def canonical_profile(url: str) -> tuple[str, str] | None:
    """``(network, canonical URL)`` of a profile link, or ``None`` for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    network = network_of(parts.hostname or "")
    if network is None:
        return None
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    if network == "facebook" and segments[:1] == ["plugins"]:
        page = parse_qs(parts.query).get("href", [""])[0]  # an embedded page plugin names the page it shows
        return canonical_profile(page) if page and "plugins" not in page else None
    if not segments or segments[0] in _RESERVED[network]:
        return None
    canonical = _CANONICAL[network](segments, parts.query)
    if canonical is None:
        return None
    handle = canonical.rstrip("/").rsplit("/", 1)[-1].lstrip("@").lower()
    if handle in PLATFORM_ACCOUNTS:
        return None
    return network, canonical


def _facebook(segments: list[str], query: str) -> str | None:
    if segments[0] == "profile.php":
        profile_id = parse_qs(query).get("id", [""])[0]
        return f"https://www.facebook.com/profile.php?id={profile_id}" if profile_id.isdigit() else None
    if segments[0] == "people" and len(segments) >= 3:
        return f"https://www.facebook.com/people/{segments[1]}/{segments[2]}"
    return _simple("https://www.facebook.com/", segments[0])


def _instagram(segments: list[str], query: str) -> str | None:
    return _simple("https://www.instagram.com/", segments[0])


def _linkedin(segments: list[str], query: str) -> str | None:
    if segments[0] in ("company", "in", "school", "showcase") and len(segments) >= 2:
        return _simple(f"https://www.linkedin.com/{segments[0]}/", segments[1])
    return None


def _twitter(segments: list[str], query: str) -> str | None:
    return _simple("https://x.com/", segments[0].lstrip("@"))


def _tiktok(segments: list[str], query: str) -> str | None:
    return _simple("https://www.tiktok.com/@", segments[0].removeprefix("@")) if segments[0].startswith("@") else None


def _youtube(segments: list[str], query: str) -> str | None:
    if segments[0].startswith("@"):
        return _simple("https://www.youtube.com/@", segments[0][1:])
    if segments[0] in ("channel", "c", "user") and len(segments) >= 2:
        return _simple(f"https://www.youtube.com/{segments[0]}/", segments[1])
    return None


def _simple(prefix: str, handle: str) -> str | None:
    return prefix + handle if _HANDLE.match(handle) and handle.lower() not in ("", "#") else None


_CANONICAL = {
    "facebook": _facebook,
    "instagram": _instagram,
    "linkedin": _linkedin,
    "twitter": _twitter,
    "tiktok": _tiktok,
    "youtube": _youtube,
}


@dataclass(frozen=True)
class Profiles:
    by_network: dict[str, str]

    def columns(self) -> dict[str, str]:
        return {f"social_{network}": self.by_network.get(network, "") for network in NETWORKS}


def choose_profiles(urls: Iterable[str], site_name: str) -> Profiles:
    """One profile per network among the links of a site's pages."""
    seen: dict[str, dict[str, tuple[int, int]]] = {network: {} for network in NETWORKS}
    for position, url in enumerate(urls):
        if (found := canonical_profile(url)) is None:
            continue
        network, canonical = found
        count, first = seen[network].get(canonical, (0, position))
        seen[network][canonical] = (count + 1, first)
    name = plain(site_name).replace(" ", "")
    chosen = {}
    for network, candidates in seen.items():
        if candidates:

            def key(item: tuple[str, tuple[int, int]]) -> tuple[int, int, int]:
                handle = re.sub(r"[^a-z0-9]", "", item[0].rsplit("/", 1)[-1].lower())
                resembles = bool(name) and len(handle) >= 3 and (handle in name or name in handle)
                return (0 if resembles else 1, -item[1][0], item[1][1])

            chosen[network] = min(candidates.items(), key=key)[0]
    return Profiles(chosen)
