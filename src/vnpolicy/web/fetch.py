"""Fetching a URL an editor gave, without letting the server be used against its own
network (SSRF): http and https only; the host is resolved and *every* address it
resolves to must be a public one, checked where the connection is made (so a DNS
answer cannot change between the check and the connect) and again for every redirect;
no proxies from the environment, no ftp/file/data handlers; the body read is capped.
``allow_private`` (setting ``allow_private_urls``) lifts the address check, not the
scheme check — for tests against a local server and intranet deployments."""
from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

SCHEMES = ("http", "https")
MAX_REDIRECTS = 5


class RefusedURL(ValueError):
    """A URL (or a redirect) the server will not fetch."""


def blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not a public unicast address: private, loopback, link-local (cloud metadata at
    169.254.169.254), shared (100.64/10), multicast, reserved, unspecified; an IPv4 address
    mapped or embedded in IPv6 is judged as itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and blocked(inner):
            return True
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise RefusedURL(f"not an http(s) URL: {parts.scheme or 'no scheme'}")
    if not parts.hostname:
        raise RefusedURL("no host")


def _guarded_connect(allow_private: bool):
    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **_):
        host, port = address
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise RefusedURL(f"cannot resolve {host}: {exc}") from exc
        if not infos:
            raise RefusedURL(f"cannot resolve {host}")
        if not allow_private:
            for *_, sockaddr in infos:
                ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
                if blocked(ip):
                    raise RefusedURL(f"{host} is a private, loopback or otherwise non-public address ({ip})")
        last: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:  # connect to a checked address, not a new lookup
            sock = socket.socket(family, kind, proto)
            try:
                if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
        raise last or OSError(f"cannot connect to {host}")
    return create_connection


def _handlers(allow_private: bool):
    connect = _guarded_connect(allow_private)

    class GuardedHTTP(http.client.HTTPConnection):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self._create_connection = connect

    class GuardedHTTPS(http.client.HTTPSConnection):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self._create_connection = connect

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(GuardedHTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            extra = {"check_hostname": self._check_hostname} if hasattr(self, "_check_hostname") else {}
            return self.do_open(GuardedHTTPS, req, context=self._context, **extra)

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def http_error_302(self, req, fp, code, msg, headers):
            if location := headers.get("location") or headers.get("uri"):
                check_url(urljoin(req.full_url, location))  # scheme first; the address when connected to
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            check_url(newurl)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return [HTTPHandler(), HTTPSHandler(), Redirects(), urllib.request.HTTPDefaultErrorHandler(),
            urllib.request.HTTPErrorProcessor()]


def fetch(url: str, *, allow_private: bool = False, timeout: float = 15, max_bytes: int = 10 << 20
          ) -> tuple[str, str]:
    """(final URL, text) of ``url``; :class:`RefusedURL` when it, or a redirect, is not allowed."""
    check_url(url)
    opener = urllib.request.OpenerDirector()
    for h in _handlers(allow_private):
        opener.add_handler(h)
    try:
        with opener.open(url, timeout=timeout) as resp:
            raw = resp.read(max_bytes)
            charset = resp.headers.get_content_charset() or "utf-8"
            final = resp.geturl()
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, RefusedURL):
            raise exc.reason from exc
        raise
    try:
        return final, raw.decode(charset, "replace")
    except LookupError:
        return final, raw.decode("utf-8", "replace")
