"""Which IP addresses an outbound fetch may dial.

The check is made on the address actually dialled (see ``transport.py``), never on the
host name, so DNS rebinding and odd literal forms (``0177.0.0.1``, ``2130706433``,
``127.1``, ``0x7f.1``: ``getaddrinfo`` accepts them, ``ipaddress`` does not) are judged by
what they resolve to.  An address is refused when it is loopback, private, link-local,
multicast, reserved, unspecified or otherwise not globally routable (e.g. CGNAT
``100.64.0.0/10``), including IPv6 forms that embed such an IPv4 address
(IPv4-mapped ``::ffff:0:0/96``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``), unless it
lies inside one of the allowed networks (setting ``allow_networks``).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from wirewatch.errors import BlockedAddressError

__all__ = ["IPAddress", "Network", "blocked_reason", "check_address", "literal_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for, or None for a name.

    Accepts ``[::1]``, ``::1``, ``127.0.0.1`` and the legacy IPv4 forms that
    ``inet_aton`` (and so ``getaddrinfo``) accept: ``0177.0.0.1``, ``2130706433``,
    ``127.1``, ``0x7f.1``, ``0x7f000001``.  Opens no socket and makes no DNS query.
    """
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if not text or any(c not in "0123456789abcdefxABCDEFX." for c in text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def _category(address: IPAddress) -> str | None:
    """Why an address is not a public internet address, or None when it is one."""
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def _allowed(address: IPAddress, allow: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in allow)


def blocked_reason(address: IPAddress, allow: Iterable[Network] = ()) -> str | None:
    """None when ``address`` may be dialled, else a short reason such as ``"private"``."""
    allow = tuple(allow)
    if _allowed(address, allow):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = blocked_reason(embedded, allow)
            if inner is not None:
                return f"{inner} (embeds {embedded})"
            if address.ipv4_mapped is not None or address in _NAT64:
                return None  # judged entirely by the IPv4 address it stands for
    return _category(address)


def check_address(address: IPAddress, allow: Iterable[Network] = ()) -> None:
    """Raise BlockedAddressError unless ``address`` may be dialled."""
    reason = blocked_reason(address, allow)
    if reason is not None:
        raise BlockedAddressError(f"address {address} is {reason} and not allowed (setting allow_networks)")
