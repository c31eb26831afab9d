"""Where the room's page can be opened: the URLs to print, and whether they need a key.

Loopback (the default) is this computer alone. Any other address lets the room's network in:
then every URL carries a random key, and a wildcard (`0.0.0.0`, `::`) is never printed as
such: the URLs name this computer's own network addresses, which other machines can open.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket

WILDCARDS = {"0.0.0.0": socket.AF_INET, "::": socket.AF_INET6, "": socket.AF_INET}


def is_loopback(host: str) -> bool:
    """Whether only this computer can reach `host`."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_key() -> str:
    """A room key: random, URL-safe, short enough for a QR code a phone reads at once."""
    return secrets.token_urlsafe(12)


def machine_addresses(family: socket.AddressFamily = socket.AF_INET) -> list[str]:
    """This computer's network addresses other machines can reach (no loopback, no link-local),
    IPv4 first; with AF_INET6, IPv6 ones too."""
    import psutil  # only when serving beyond this computer

    found: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    wanted = (socket.AF_INET,) if family == socket.AF_INET else (socket.AF_INET, socket.AF_INET6)
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family not in wanted:
                continue
            try:
                ip = ipaddress.ip_address(address.address.split("%")[0])
            except ValueError:
                continue
            if ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
                continue
            if ip not in found:
                found.append(ip)
    found.sort(key=lambda ip: (ip.version, ip.packed))
    return [str(ip) for ip in found]


def url_host(host: str) -> str:
    """A host as a URL writes it: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host else host


def room_urls(host: str, port: int, key: str | None) -> list[str]:
    """The URLs to open the page at, each with the key when there is one."""
    hosts = machine_addresses(WILDCARDS[host]) if host in WILDCARDS else [host]
    query = f"?key={key}" if key else ""
    return [f"http://{url_host(h)}:{port}/{query}" for h in hosts]


def audience(host: str) -> str:
    """Who can open the page, in words."""
    if is_loopback(host):
        return "only this computer can open it (for other machines: facilitator serve --host 0.0.0.0)"
    return (
        "anyone on your network who has the address with its key can open it and see the steps, "
        "prompts and time (never notes); stop with ctrl+c"
    )
