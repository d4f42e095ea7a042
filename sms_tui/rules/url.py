"""`--api-url` / `api_url`: an http(s) base URL (a proxy or the sandbox), `{platform}` allowed."""

from __future__ import annotations

from urllib.parse import urlsplit


def check_api_url(value: str) -> str | None:
    """None when usable; else the catalogue key saying why ("file:///etc/passwd" and "not a url"
    would otherwise reach the network code and be reported as an internet problem)."""
    try:
        parts = urlsplit(value.strip().replace("{platform}", "pl"))
        port = parts.port  # raises on a port that is not a number
    except ValueError:
        return "url.invalid"
    if parts.scheme not in ("http", "https"):
        return "url.scheme"
    if not parts.hostname or (port is not None and not 0 < port < 65536):
        return "url.invalid"
    return None
