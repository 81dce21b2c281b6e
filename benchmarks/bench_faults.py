"""FactBot under a failing and a slow Slack Web API, and against an unsigned 100 MB body.

    python benchmarks/bench_faults.py [--events 200] [--outage 10] [--slow 6] [--slow-events 100]

`factbot serve --http` runs as a separate process (lexical matcher) against the mock Slack Web
API (tests/e2e/factbot_slack_mock.py), which runs here. This process plays Slack: it delivers
signed app_mention events from 8 connections and, as Slack does, redelivers one that was not
acknowledged with a 2xx within 3 seconds (X-Slack-Retry-Num, up to 3 times). Prints for each
scenario the acknowledgement latency (p50/p99) and the replies posted, lost and duplicated:

- outage: the Web API answers 503 for --outage seconds while events arrive, then recovers;
- slow: every Web API call takes --slow seconds;
- unsigned 100 MB: the time to refuse it and the bytes the server logged meanwhile.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from factbot_slack_mock import MockSlack, signed_headers  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-not-real"
SLACK_TIMEOUT = 3.0
CONNECTIONS = 8


def mention(i: int, run: str) -> str:
    ts = f"1700000000.{i:06d}"
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0EXAMPLE",
            "api_app_id": "A0EXAMPLE",
            "event_id": f"Ev{run}{i:06d}",
            "event_time": 1700000000,
            "event": {
                "type": "app_mention",
                "user": "U0HUMAN",
                "channel": "C0BENCH",
                "ts": ts,
                "event_ts": ts,
                "text": "<@U0BOT> what is the theme of the expo?",
            },
        }
    )


class Slack:
    """Delivers events as Slack does, over keep-alive connections, with its retries."""

    def __init__(self, url: str) -> None:
        self.host, self.port = url.removeprefix("http://").split(":")
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection(
                self.host, int(self.port), timeout=SLACK_TIMEOUT
            )
        return self.local.conn

    def deliver(self, body: str) -> list[float]:
        """Each attempt's acknowledgement time (a timeout counts as the full 3 s)."""
        times = []
        for attempt in range(4):
            headers = signed_headers(SECRET, body, content_type="application/json")
            if attempt:
                headers.update({"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "x"})
            start = time.perf_counter()
            try:
                conn = self._conn()
                conn.request("POST", "/slack/events", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                self.local.conn = None
                ok = False
            elapsed = time.perf_counter() - start
            times.append(min(elapsed, SLACK_TIMEOUT))
            if ok and elapsed < SLACK_TIMEOUT:
                break
        return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def scenario(name: str, url: str, events: int, during: float) -> dict[str, object]:
    """Deliver `events` mentions spread over `during` seconds, as Slack would."""
    slack = Slack(url)
    acks: list[float] = []
    retries = [0]
    gap = during / events if during else 0.0
    start = time.monotonic()

    def one(i: int) -> None:
        time.sleep(max(0.0, start + i * gap - time.monotonic()))
        times = slack.deliver(mention(i, name))
        acks.extend(times)
        retries[0] += len(times) - 1

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        list(pool.map(one, range(events)))
    return {"acks": acks, "retries": retries[0], "start": start}


def count_replies(mock: MockSlack, events: int) -> tuple[int, int, int]:
    per_event: dict[str, int] = {}
    for call in mock.posts():
        per_event[call.body.get("thread_ts")] = per_event.get(call.body.get("thread_ts"), 0) + 1
    posted = len(per_event)
    return posted, events - posted, sum(n - 1 for n in per_event.values())


def wait_for_replies(mock: MockSlack, events: int, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if count_replies(mock, events)[0] >= events:
            break
        time.sleep(0.1)
    time.sleep(1.0)  # a late duplicate would show now
    return time.monotonic() - start


def report(name: str, result: dict[str, object], mock: MockSlack, events: int, took: float) -> None:
    acks: list[float] = result["acks"]  # type: ignore[assignment]
    posted, lost, duplicated = count_replies(mock, events)
    print(
        f"{name:<8} {events} events: ack p50 {1000 * percentile(acks, 0.5):.1f} ms,"
        f" p99 {1000 * percentile(acks, 0.99):.1f} ms, max {1000 * max(acks):.1f} ms;"
        f" Slack retries {result['retries']};"
        f" replies posted {posted}, lost {lost}, duplicated {duplicated}"
        f" (all in by {took:.1f} s after the last event)",
        flush=True,
    )


def refuse_100mb(url: str, log: Path) -> None:
    host, port = url.removeprefix("http://").split(":")
    before = log.stat().st_size
    chunk = b"x" * (1 << 20)
    start = time.perf_counter()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {100 * len(chunk)}\r\n\r\n".encode()
        )
        status = b""
        sent = 0
        sock.setblocking(False)
        while b"\r\n" not in status:
            try:
                status += sock.recv(200)
            except BlockingIOError:
                if sent < 100:
                    try:
                        sock.send(chunk)
                        sent += 1
                    except BlockingIOError:
                        pass
                time.sleep(0.0005)
            except ConnectionResetError:
                break
        elapsed = time.perf_counter() - start
    time.sleep(0.5)
    logged = log.stat().st_size - before
    line = status.split(b"\r\n", 1)[0].decode() or "connection closed"
    print(
        f"unsigned 100 MB body: {line}"
        f" in {1000 * elapsed:.1f} ms, {sent} MB sent before the answer,"
        f" {logged} bytes logged",
        flush=True,
    )


def start_serve(db: str, mock: MockSlack, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`factbot serve --http --port 0` (lexical) on `db` against the mock; its URL once up."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTBOT_"))},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": mock.api_url,
        "FACTBOT_DB": db,
        "FACTBOT_SEMANTIC": "off",
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while not (m := re.search(r"on (http://[\d.]+:\d+)/slack/events", log.read_text())):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit(f"factbot serve did not start:\n{log.read_text()}")
        time.sleep(0.1)
    return proc, m.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200, help="events in the outage scenario")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the Web API is down")
    parser.add_argument("--slow", type=float, default=6.0, help="seconds each Web API call takes")
    parser.add_argument("--slow-events", type=int, default=100, help="events in the slow scenario")
    args = parser.parse_args()

    mock = MockSlack().start()
    work = Path(tempfile.mkdtemp(prefix="factbot-faults-"))
    log = work / "serve.log"
    proc, url = start_serve(str(work / "factbot.db"), mock, log)
    try:
        print(f"factbot serve at {url}; mock Slack at {mock.api_url}; {os.cpu_count()} CPUs")

        mock.reset()
        mock.outage(True)
        threading.Timer(args.outage, mock.outage, args=(False,)).start()
        result = scenario("outage", url, args.events, args.outage * 0.8)
        time.sleep(max(0.0, result["start"] + args.outage - time.monotonic()))  # type: ignore[operator]
        took = wait_for_replies(mock, args.events, 120)
        report("outage", result, mock, args.events, took)

        mock.reset()
        mock.slow(args.slow)
        result = scenario("slow", url, args.slow_events, 5.0)
        took = wait_for_replies(mock, args.slow_events, 300)
        report("slow", result, mock, args.slow_events, took)
        mock.slow(0)

        refuse_100mb(url, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        mock.stop()


if __name__ == "__main__":
    main()
