"""Signed /ask requests over loopback: FactBot (`factbot serve --http`) against a bare Bolt app.

    python benchmarks/bench_http.py [--seconds 5] [--rounds 3] [--threads 8] [--concurrency 1 16]

Both servers run as separate processes, served the same way (waitress through FactBot's
HttpServer, same thread count, the same Bolt settings); the bare app's /ask handler only acks
a constant text. A stub Slack Web API (auth.test only) runs in this process, which also
drives the load: keep-alive connections, one per client thread, each request freshly signed
as Slack signs it, cycling through the project's ~300 evaluation questions. Prints
requests/s and p50/p99 latency per server and concurrency, then FactBot's throughput as a
share of the bare app's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-not-real"
QUESTIONS_FILE = ROOT / "tests" / "data" / "questions.yml"


def questions() -> list[str]:
    """The project's evaluation questions (in and out of scope): realistic, and varied enough
    that nothing can be served from a cache."""
    import yaml

    data = yaml.safe_load(QUESTIONS_FILE.read_text())
    return [item["q"] for part in ("in_scope", "out_of_scope") for item in data[part]]


# -- the bare app (run with --serve-bare in a child process) ---------------------------------
def serve_bare(port: int, threads: int, workers: int, api_url: str) -> None:
    import logging

    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.slack import gunicorn_conf
    from bot.slack.server import HttpServer, serve

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)

    def build() -> Any:
        app = App(
            client=WebClient(token=TOKEN, base_url=api_url),
            signing_secret=SECRET,
            process_before_response=True,  # as FactBot's app
        )

        @app.command("/ask")
        def ask(ack: Any) -> None:
            ack(response_type="ephemeral", text="A constant answer.")

        return SlackRequestHandler(app)

    if workers > 1:  # as FactBot's --workers: gunicorn's gthread workers

        def ready(arbiter: Any) -> None:
            bound = arbiter.LISTENERS[0].sock.getsockname()
            print(f"bare app serving on http://{bound[0]}:{bound[1]}/slack/events", flush=True)

        gunicorn_conf.run(
            build, bind=f"127.0.0.1:{port}", workers=workers, threads=threads, when_ready=ready
        )
        return
    application = build()
    server = HttpServer(application, port=port, threads=threads)
    print(f"bare app serving on {server.url}/slack/events", flush=True)
    serve(server)


# -- a stub Slack Web API ---------------------------------------------------------------------
class StubSlack(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT", "team_id": "T0BENCH", "ts": "1.1"}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# -- load -------------------------------------------------------------------------------------
def signed(body: str) -> dict[str, str]:
    from slack_sdk.signature import SignatureVerifier

    ts = str(int(time.time()))
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }


def command_body(question: str) -> str:
    return urllib.parse.urlencode(
        {
            "token": "legacy",
            "team_id": "T0BENCH",
            "team_domain": "bench",
            "channel_id": "C0BENCH",
            "channel_name": "bench",
            "user_id": "U0HUMAN",
            "user_name": "alex",
            "command": "/ask",
            "text": question,
            "api_app_id": "A0BENCH",
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": "1.2.3",
        }
    )


def run_load(url: str, concurrency: int, seconds: float, warmup: int = 50) -> dict[str, float]:
    """Closed-loop load: `concurrency` clients, each sending its next request on a reply."""
    parts = urllib.parse.urlsplit(url)
    bodies = [command_body(q) for q in questions()]
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start_gate = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        n = i

        def one() -> float:
            nonlocal n
            body = bodies[n % len(bodies)]
            n += 1
            t0 = time.perf_counter()
            conn.request("POST", "/slack/events", body=body, headers=signed(body))
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - t0
            if response.status != 200 or b"ephemeral" not in data:
                errors[i] += 1
            return elapsed

        for _ in range(max(1, warmup // concurrency)):
            one()
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            latencies[i].append(one())
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + 3600  # set properly once everyone is warm
    start_gate.wait()
    began = time.perf_counter()
    deadline[0] = began + seconds
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    flat = sorted(x for per in latencies for x in per)
    return {
        "requests": len(flat),
        "rps": len(flat) / elapsed,
        "p50_ms": 1000 * statistics.median(flat),
        "p99_ms": 1000 * flat[min(len(flat) - 1, int(0.99 * len(flat)))],
        "errors": sum(errors),
    }


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median throughput (its own latencies), errors summed over all."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return {**ordered[len(ordered) // 2], "errors": sum(r["errors"] for r in runs)}


def start(cmd: list[str], env: dict[str, str], marker: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            found = re.search(r"(http://127\.0\.0\.1:\d+)/slack/events", line)
            if found:
                # keep draining output so the child never blocks on a full pipe
                threading.Thread(target=proc.stdout.read, daemon=True).start()
                return proc, found.group(1)
    raise RuntimeError("server did not start:\n" + "".join(seen))


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per run")
    parser.add_argument("--threads", type=int, default=8, help="server threads per process")
    parser.add_argument("--workers", type=int, default=1, help="server processes (gunicorn)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--rounds", type=int, default=3, help="runs per server; median shown")
    parser.add_argument(
        "--store",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="FactBot's store: a SQLite file, or a throwaway PostgreSQL cluster (tests/postgres.py)",
    )
    parser.add_argument(
        "--semantic", choices=["off", "on"], default="off", help="the matcher's semantic signal"
    )
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.port, args.threads, args.workers, args.api_url)
        return 0

    load_before = os.getloadavg()[0]
    stub = ThreadingHTTPServer(("127.0.0.1", 0), StubSlack)
    threading.Thread(target=stub.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    api_url = f"http://127.0.0.1:{stub.server_address[1]}/api/"
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.upper().endswith("_PROXY") or k.upper().startswith(("SLACK_", "FACTBOT_")))
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    results: dict[tuple[str, int], dict[str, float]] = {}
    cluster = None
    if args.store == "postgresql":
        sys.path.insert(0, str(ROOT / "tests"))
        from postgres import Cluster

        cluster = Cluster().start()
    with tempfile.TemporaryDirectory() as tmp:
        factbot_env = {
            **env,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "FACTBOT_DB": cluster.database() if cluster else str(Path(tmp) / "bench.db"),
            "FACTBOT_SEMANTIC": args.semantic,
        }
        servers = {
            "factbot": start(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    "serve",
                    "--http",
                    "--port",
                    "0",
                    "--threads",
                    str(args.threads),
                    "--workers",
                    str(args.workers),
                ],
                factbot_env,
                "FactBot serving",
            ),
            "bare bolt": start(
                [
                    sys.executable,
                    __file__,
                    "--serve-bare",
                    "--threads",
                    str(args.threads),
                    "--workers",
                    str(args.workers),
                    "--api-url",
                    api_url,
                ],
                env,
                "bare app serving",
            ),
        }
        try:
            # rounds interleave the two servers so that noise from other work on the machine
            # falls on both; each figure is the median round's
            for concurrency in args.concurrency:
                rounds: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
                for _ in range(args.rounds):
                    for name, (_, url) in servers.items():
                        rounds[name].append(run_load(url, concurrency, args.seconds))
                for name, runs in rounds.items():
                    results[name, concurrency] = median_run(runs)
        finally:
            for proc, _ in servers.values():
                stop(proc)
            stub.shutdown()
            stub.server_close()
            if cluster is not None:
                cluster.stop()

    print(
        f"signed /ask over loopback: median of {args.rounds} runs of {args.seconds:g} s,"
        f" {'gunicorn' if args.workers > 1 else 'waitress'} {args.workers} process(es) x {args.threads} threads, {os.cpu_count()} CPUs,"
        f" load average before {load_before:.2f}; store {args.store}, semantic {args.semantic}"
    )
    print(f"{'server':<10} {'conc':>4} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    for (name, concurrency), r in results.items():
        print(
            f"{name:<10} {concurrency:>4} {r['requests']:>9.0f} {r['rps']:>8.0f}"
            f" {r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f}"
            + (f"  ({r['errors']:.0f} errors)" if r["errors"] else "")
        )
    for concurrency in args.concurrency:
        share = results["factbot", concurrency]["rps"] / results["bare bolt", concurrency]["rps"]
        print(f"concurrency {concurrency}: FactBot at {share:.0%} of the bare app's throughput")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
