"""A local stand-in for Slack: the Web API (recording every call) and response_url hooks.

Also the signing helper that signs requests exactly as Slack does.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_sdk.signature import SignatureVerifier

BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
TEAM = "T0EXAMPLE"


@dataclass
class Call:
    """One request the app made: a Web API method or a response_url post."""

    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    path: str


@dataclass
class _Script:
    errors: dict[str, list[str]] = field(default_factory=dict)
    rate_limits: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0
    down: bool = False


class MockSlack:
    """Threaded HTTP server on 127.0.0.1, port 0. `url` + "/api/" is SLACK_API_URL."""

    def __init__(self, port: int = 0) -> None:
        self.calls: list[Call] = []
        self._script = _Script()
        self._lock = threading.Lock()
        self._ts = 0
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw) if raw else {}
                else:
                    body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                path = urllib.parse.urlsplit(self.path).path
                status, headers, payload = mock._answer(path, body, dict(self.headers))
                data = payload.encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "abc") -> str:
        return f"{self.url}/response/{name}"

    def start(self) -> MockSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- scripting and inspection -----------------------------------------------------------
    def fail(self, method: str, error: str) -> None:
        """The next call of `method` answers ok=false with this error."""
        with self._lock:
            self._script.errors.setdefault(method, []).append(error)

    def rate_limit(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` answer 429 with Retry-After: 0."""
        with self._lock:
            self._script.rate_limits[method] = times

    def slow(self, seconds: float) -> None:
        """Every Web API call from now on takes this long to answer (0 is normal again)."""
        with self._lock:
            self._script.delay = seconds

    def outage(self, down: bool = True) -> None:
        """From now on every Web API call gets 503 Service Unavailable, until outage(False)."""
        with self._lock:
            self._script.down = down

    def posts(self) -> list[Call]:
        """The chat.postMessage calls that succeeded."""
        with self._lock:
            return [c for c in self.calls if c.method == "chat.postMessage"]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._script = _Script()

    def made(self, *, include_auth: bool = False) -> list[Call]:
        """Every call so far except auth.test (Bolt's own start-up check) unless asked."""
        with self._lock:
            return [c for c in self.calls if include_auth or c.method != "auth.test"]

    def methods(self) -> list[str]:
        return [c.method for c in self.made()]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Call]:
        """Wait until at least `count` calls (auth.test aside) were made; return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.made()
            if len(calls) >= count:
                return calls
            time.sleep(0.01)
        return self.made()

    # -- the fake API -----------------------------------------------------------------------
    def _answer(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], str]:
        if path.startswith("/response/"):
            with self._lock:
                self.calls.append(Call("response_url", body, headers, path))
            return 200, {"Content-Type": "text/plain"}, "ok"
        method = path.removeprefix("/api/")
        with self._lock:
            delay, down = self._script.delay, self._script.down
        if delay:
            time.sleep(delay)
        if down:
            with self._lock:
                self.calls.append(Call(f"{method} (503)", body, headers, path))
            return 503, {"Content-Type": "text/plain"}, "upstream unavailable"
        with self._lock:
            limited = self._script.rate_limits.get(method, 0)
            if limited:
                self._script.rate_limits[method] = limited - 1
                self.calls.append(Call(f"{method} (429)", body, headers, path))
                return (
                    429,
                    {"Retry-After": "0", "Content-Type": "application/json"},
                    json.dumps({"ok": False, "error": "ratelimited"}),
                )
            self.calls.append(Call(method, body, headers, path))
            errors = self._script.errors.get(method)
            error = errors.pop(0) if errors else None
            self._ts += 1
            ts = f"1700009999.{self._ts:06d}"
        json_headers = {"Content-Type": "application/json"}
        if error:
            return 200, json_headers, json.dumps({"ok": False, "error": error})
        if method == "auth.test":
            result = {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Example",
                "user": "factbot",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        elif method == "chat.postMessage":
            result = {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {}}
        elif method == "views.publish":
            result = {"ok": True, "view": {"id": "V0HOME", "type": "home"}}
        else:
            result = {"ok": True}
        return 200, json_headers, json.dumps(result)


def signed_headers(
    secret: str, body: str, *, timestamp: int | None = None, content_type: str
) -> dict[str, str]:
    """The headers Slack sends: X-Slack-Request-Timestamp and the v0 HMAC signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def main() -> None:
    """Run the mock on its own (see README): prints each Web API call FactBot makes."""
    import argparse

    parser = argparse.ArgumentParser(description="A local mock of Slack's Web API.")
    parser.add_argument("--port", type=int, default=8999)
    args = parser.parse_args()
    mock = MockSlack(port=args.port).start()
    print(f"mock Slack Web API at {mock.api_url} (Ctrl-C stops it)", flush=True)
    seen = 0
    try:
        while True:
            time.sleep(0.2)
            calls = mock.made(include_auth=True)
            for call in calls[seen:]:
                print(call.method, json.dumps(call.body)[:300], flush=True)
            seen = len(calls)
    except KeyboardInterrupt:
        mock.stop()


if __name__ == "__main__":
    main()
