"""A DNS server for the web's hostile names: answers that point at private addresses.

``rebind.attaquant.net`` → ``127.0.0.1``, ``metadonnees.attaquant.net`` → ``169.254.169.254``,
``v6.attaquant.net`` → ``::1``, ``mixte.attaquant.net`` → a public and a private address,
``nat64`` and ``sixtofour.attaquant.net`` → IPv6 forms of ``127.0.0.1`` (NAT64, 6to4);
every other name is NXDOMAIN. The platform is pointed at it with ``OUTSEND_DNS_SERVERS``.
"""

from __future__ import annotations

from typing import Any

from dnslib import AAAA, QTYPE, RCODE, RR, A, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer

RECORDS: dict[str, list[tuple[str, str]]] = {
    "rebind.attaquant.net.": [("A", "127.0.0.1")],
    "metadonnees.attaquant.net.": [("A", "169.254.169.254")],
    "v6.attaquant.net.": [("AAAA", "::1")],
    "mapped.attaquant.net.": [("AAAA", "::ffff:7f00:1")],
    "mixte.attaquant.net.": [("A", "8.8.8.8"), ("A", "10.0.0.7")],
    "nat64.attaquant.net.": [("AAAA", "64:ff9b::7f00:1")],
    "sixtofour.attaquant.net.": [("AAAA", "2002:7f00:1::1")],
}


class _Resolver(BaseResolver):  # type: ignore[misc]
    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).lower()
        kind = QTYPE[request.q.qtype]
        if name not in RECORDS:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for record_kind, value in RECORDS[name]:
            if record_kind == kind:
                data = A(value) if kind == "A" else AAAA(value)
                reply.add_answer(RR(request.q.qname, QTYPE.reverse[kind], rdata=data, ttl=60))
        return reply


class HostileDns:
    def __init__(self) -> None:
        self._server = DNSServer(
            _Resolver(), address="127.0.0.1", port=0, logger=DNSLogger("-request,-reply,-truncated")
        )
        self.port = self._server.server.server_address[1]

    def start(self) -> None:
        self._server.start_thread()

    def stop(self) -> None:
        self._server.stop()
