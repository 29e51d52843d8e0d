"""An injected transport: a requests adapter that plays scripted answers or raises."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import yaml
from requests.adapters import BaseAdapter
from requests.models import PreparedRequest, Response

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
REASONS = {
    200: "OK",
    400: "Bad Request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def cassette_bodies(name: str) -> dict[str, str]:
    """Response bodies of a cassette by URL path (for scripting healthy answers)."""
    data = yaml.safe_load((CASSETTES / name).read_text())
    from urllib.parse import urlsplit

    return {urlsplit(i["request"]["uri"]).path: i["response"]["body"]["string"] for i in data["interactions"]}


class Scripted(BaseAdapter):
    """Answer requests from ``script(request, n)``: (status, body, headers) or an exception."""

    def __init__(self, script: Callable[[PreparedRequest, int], Any]) -> None:
        super().__init__()
        self.script = script
        self.calls: list[str] = []

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:  # noqa: D102
        self.calls.append(request.path_url)
        out = self.script(request, len(self.calls))
        if isinstance(out, BaseException):
            raise out
        status, body, headers = out
        r = Response()
        r.status_code = status
        r.reason = REASONS.get(status, "Error")
        r._content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        r.headers.update({"Content-Type": "application/json", **(headers or {})})
        r.url = request.url
        r.request = request
        return r

    def close(self) -> None:  # noqa: D102
        pass


def session_with(adapter: Scripted) -> requests.Session:
    s = requests.Session()
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return s
