"""Replicas on one PostgreSQL: every event delivered to every replica at once.

    python benchmarks/bench_replicas.py [--events 2000] [--connections 16]

Starts a throwaway PostgreSQL cluster (tests/postgres.py) and the mock Slack Web API, then runs
one and then two `factbot serve --http` processes (lexical matcher) on it. Each of --events
app_mention events is delivered to every running replica at the same moment, as a load balancer
retrying on another host or Slack redelivering would; prints the deliveries acknowledged per
second, and the replies posted, lost and duplicated.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_faults import Slack, count_replies, mention, start_serve, wait_for_replies  # noqa: E402
from factbot_slack_mock import MockSlack  # noqa: E402
from postgres import Cluster  # noqa: E402


def run(replicas: int, events: int, connections: int, cluster: Cluster) -> None:
    mock = MockSlack().start()
    work = Path(tempfile.mkdtemp(prefix="factbot-replicas-"))
    url = cluster.database()
    started = [start_serve(url, mock, work / f"replica{i}.log") for i in range(replicas)]
    try:
        slacks = [Slack(u) for _, u in started]
        jobs = [(i, s) for i in range(events) for s in slacks]
        start = time.perf_counter()
        with ThreadPoolExecutor(connections) as pool:
            acks = list(pool.map(lambda job: job[1].deliver(mention(job[0], "R")), jobs))
        took = time.perf_counter() - start
        wait_for_replies(mock, events, 120)
        posted, lost, duplicated = count_replies(mock, events)
        retried = sum(len(a) - 1 for a in acks)
        print(
            f"{replicas} replica(s): {len(jobs)} deliveries of {events} events in {took:.1f} s"
            f" ({len(jobs) / took:.0f} acknowledged/s, {retried} redelivered);"
            f" replies posted {posted}, lost {lost}, duplicated {duplicated}",
            flush=True,
        )
    finally:
        for proc, _ in started:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        mock.stop()
        cluster.drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    cluster = Cluster().start()
    try:
        print(f"{os.cpu_count()} CPUs; replicas, PostgreSQL and this load on one machine")
        for replicas in (1, 2):
            run(replicas, args.events, args.connections, cluster)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
