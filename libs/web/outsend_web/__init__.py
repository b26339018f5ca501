"""Reading the web, for every worker that goes out: the guarded fetcher (``fetch``, ``netguard``),
page discovery (``site``), HTML and charsets (``html``, ``charset``), rendered pages
(``browser``) and the outbound proxy pool (``proxies``). See docs/fetch.md.
"""
