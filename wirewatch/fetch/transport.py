"""The seam to the outside world: a ``Transport`` sends one request, streams the answer.

``HTTPCoreTransport`` is the real one.  Its network backend resolves every host itself,
checks each address (``address.py``) before any connection is made, and then dials
*that checked address*: there is no second DNS lookup that a rebinding server could
answer differently.  TLS (SNI, certificate) still uses the host name, because httpcore
passes the origin's host name to ``start_tls``.  Redirects are not followed here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import httpcore

from wirewatch.errors import FetchError
from wirewatch.fetch.address import IPAddress, Network, check_address, literal_address
from wirewatch.fetch.url import Target

KEEPALIVE = 8

__all__ = ["HTTPCoreTransport", "RawResponse", "Request", "Transport", "describe_error", "resolve_host"]


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: Target
    headers: tuple[tuple[str, str], ...]
    connect_timeout: float
    read_timeout: float
    content: bytes | None = None  # a request body (POST)


@dataclass(frozen=True, slots=True)
class RawResponse:
    """Status, headers and the raw (still content-encoded) body, read as it arrives."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: AsyncIterator[bytes]

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


class Transport(Protocol):
    """Send one request (no redirects followed) and stream its response."""

    def open(self, request: Request) -> AbstractAsyncContextManager[RawResponse]: ...

    async def aclose(self) -> None: ...


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` stands for: IP literals (odd forms too) without DNS."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
            raise FetchError("no such host") from None
        raise FetchError(f"cannot resolve host: {exc.strerror}") from None
    out: list[IPAddress] = []
    for info in infos:
        address = literal_address(str(info[4][0]))
        if address is not None and address not in out:
            out.append(address)
    if not out:
        raise FetchError("no such host")
    return out


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, refuse any address that is not allowed, then dial a checked address."""

    def __init__(self, allow: Iterable[Network | str]) -> None:
        # Strings too: ``load_settings(overrides=...)`` passes a tuple of str through as is.
        self._allow = tuple(ipaddress.ip_network(n, strict=False) for n in allow)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_host(host, port)
        for address in addresses:  # all of them, before any connection
            check_address(address, self._allow)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise FetchError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def describe_error(
    exc: httpcore.TimeoutException | httpcore.NetworkError | httpcore.ProtocolError, connect_timeout: float
) -> str:
    """A one-line message for a transport failure."""
    chain = _chain(exc)
    tls = next((e for e in chain if isinstance(e, ssl.SSLError)), None)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        message = "connection refused"
    elif tls is not None:
        message = f"TLS error: {getattr(tls, 'reason', None) or tls}"
    elif isinstance(exc, httpcore.ConnectTimeout):
        message = f"connect timed out after {connect_timeout:g}s"
    elif isinstance(exc, httpcore.ConnectError):
        message = f"cannot connect: {chain[-1]}"
    elif isinstance(exc, httpcore.ProtocolError):
        message = f"HTTP protocol error: {exc}"
    elif isinstance(exc, httpcore.TimeoutException):
        message = "timed out waiting for the server"
    else:
        message = f"connection broken: {exc or type(exc).__name__}"
    return message


_TransportFailure = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError)


class HTTPCoreTransport:
    """HTTP/1.1 over httpcore's connection pool, dialling only checked addresses."""

    def __init__(
        self,
        *,
        allow_networks: Sequence[Network | str] = (),
        max_connections: int = 100,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or ssl.create_default_context(),
            max_connections=max_connections,
            # idle connections kept open: few, since httpcore checks each one on every request
            max_keepalive_connections=min(max_connections, KEEPALIVE),
            keepalive_expiry=30.0,
            network_backend=_CheckedBackend(allow_networks),
        )

    @asynccontextmanager
    async def open(self, request: Request) -> AsyncIterator[RawResponse]:
        target = request.target
        url = httpcore.URL(
            scheme=target.scheme.encode("ascii"),
            host=target.host.encode("ascii"),
            port=target.port,
            target=target.target.encode("ascii"),
        )
        headers = [(b"Host", target.host_header.encode("ascii"))]
        headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers]
        timeouts = {
            "connect": request.connect_timeout,
            "read": request.read_timeout,
            "write": request.read_timeout,
            "pool": request.read_timeout,
        }
        try:
            async with self._pool.stream(
                request.method,
                url,
                headers=headers,
                content=request.content,
                extensions={"timeout": timeouts},
            ) as response:
                yield RawResponse(
                    status=response.status,
                    headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers),
                    body=self._body(response, request.connect_timeout),
                )
        except _TransportFailure as exc:
            raise FetchError(describe_error(exc, request.connect_timeout)) from exc

    async def _body(self, response: httpcore.Response, connect_timeout: float) -> AsyncIterator[bytes]:
        try:
            async for chunk in response.aiter_stream():
                yield chunk
        except _TransportFailure as exc:
            raise FetchError(describe_error(exc, connect_timeout)) from exc

    async def aclose(self) -> None:
        await self._pool.aclose()
