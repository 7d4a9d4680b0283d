"""Where webhooks may go. In production only to public addresses: a subscription is a URL an
integration client chooses, and the gateway POSTs to it from inside the platform's network, so a
URL naming a private address (a service, the database, a cloud's metadata endpoint) would let
a client reach what it must not (server-side request forgery).

Checked twice: when a subscription is written (an address written out, or `localhost`, is
refused at once with a 422) and before each delivery (the host's current addresses, since a
name can point anywhere later). A name that resolves differently between that check and the
connection remains possible; the check stops the plain cases, and the network's own egress
rules are the place for the rest (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from sirbi_shared.http.problems import ProblemError

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


@dataclass(frozen=True)
class TargetRules:
    https_only: bool  # signed payloads must not travel in clear text outside a developer's machine
    public_only: bool

    def check(self, url: str) -> None:
        """At subscription time."""
        if self.https_only and urlsplit(url).scheme != "https":
            raise ProblemError(422, "webhook_url_not_https", "Webhook URLs must use https here.")
        if self.public_only:
            _refuse_private_url(url)


def _refuse_private_url(url: str) -> None:
    """A URL whose host is a non-public address written out, or a local name."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        private = not _is_public(host)
    except ValueError:  # a name, not an address: resolved at delivery
        private = host in _LOCAL_NAMES or host.endswith(".localhost")
    if private:
        raise ProblemError(
            422,
            "webhook_url_not_public",
            "Webhook URLs must point to a public address.",
            host=host,
        )


async def private_address_of(url: str) -> str | None:
    """At delivery time: the first non-public address the URL's host resolves to, or None."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return None  # unresolvable: the delivery fails on its own, with the resolver's reason
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if not _is_public(address):
            return address
    return None
