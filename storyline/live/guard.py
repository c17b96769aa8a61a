"""SSRF guard: a fetched URL may only reach public addresses.

Feeds and pages name hosts chosen by others, and a redirect can point anywhere, so every
connection is checked where it is made: the host is resolved and *every* address it resolves to
must be public, and the socket then connects to one of those checked addresses (never to a
second lookup, so DNS rebinding cannot swap in another address). Loopback, private, link-local
and shared (carrier-grade NAT) addresses are allowed only with `allow_private` (intranet feeds,
tests on 127.0.0.1). Multicast, reserved and unspecified addresses, and the cloud metadata
endpoints, are refused always: no feed lives there, and the metadata endpoint hands out
credentials to whoever asks.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# AWS/GCP/Azure/OpenStack metadata (IPv4) and AWS's IPv6 endpoint on Nitro instances.
METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class Refused(Exception):
    """A connection, URL or response the fetcher will not accept; the message says why."""


@dataclass(frozen=True, slots=True)
class Guard:
    """Which addresses a fetch may connect to."""

    allow_private: bool = False

    def why_not(self, address: IPAddress) -> str | None:
        """Why `address` is refused, or None when it may be reached."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return self.why_not(address.ipv4_mapped)
        if address in METADATA:
            return f"{address} is a cloud metadata address"
        if address.is_loopback:  # before "reserved": ::1 lies in IPv6's reserved ::/8
            kind = "loopback"
        elif address.is_multicast or address.is_unspecified or address.is_reserved:
            return f"{address} is a multicast, unspecified or reserved address"
        elif address.is_global:
            return None
        else:  # private, link-local, shared (CGNAT, VPNs), documentation ranges
            kind = "link-local" if address.is_link_local else "private"
        if self.allow_private:
            return None
        return f"{address} is a {kind} address (use --allow-private for intranet feeds)"

    def check(self, host: str, addresses: Iterable[str]) -> list[str]:
        """The addresses, all of them checked; raises Refused if any is not allowed (a host
        that resolves to one public and one private address is refused: which one the
        connection would use is not ours to choose)."""
        checked = list(dict.fromkeys(addresses))
        if not checked:
            raise Refused(f"{host} resolves to no address")
        for text in checked:
            reason = self.why_not(ipaddress.ip_address(text.split("%", 1)[0]))
            if reason is not None:
                raise Refused(reason if host == text else f"{host}: {reason}")
        return checked

    def resolve(self, host: str, port: int) -> list[str]:
        """The checked addresses of `host` (a name or a literal address)."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as err:
            raise Refused(f"{host}: cannot resolve ({err})") from err
        return self.check(host, (str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the guard has checked."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        """Resolve, check every address, then connect to the first that answers."""
        addresses = self.guard.resolve(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                last = err
        assert last is not None  # `resolve` never returns an empty list
        raise last
