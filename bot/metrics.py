"""What `/metrics` reports, in the Prometheus text format (prometheus-client).

Requests by surface, answers by outcome, the time to answer Slack's HTTP request, digest posts,
failed Slack Web API calls and the reply pool's depth. Under `--workers N` each gunicorn worker
counts in files under PROMETHEUS_MULTIPROC_DIR and `/metrics` adds them up, whichever worker
answers the scrape. The metrics are made on first use (after the fork), so the master process
can switch to that mode before any worker counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@dataclass(frozen=True)
class Metrics:
    requests: Counter
    answers: Counter
    latency: Histogram
    digest_posts: Counter
    slack_errors: Counter
    reply_queue: Gauge


@cache
def metrics() -> Metrics:
    return Metrics(
        requests=Counter("factbot_requests", "Slack requests by surface", ["surface"]),
        answers=Counter("factbot_answers", "Questions answered, by outcome", ["outcome"]),
        latency=Histogram(
            "factbot_request_seconds",
            "Time to answer Slack's HTTP request (the acknowledgement)",
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        ),
        digest_posts=Counter("factbot_digest_posts", "Digest posts, by result", ["result"]),
        slack_errors=Counter(
            "factbot_slack_api_errors", "Slack Web API calls that failed, by error", ["error"]
        ),
        reply_queue=Gauge(
            "factbot_reply_queue_depth",
            "Replies and follow-ups queued or being posted",
            multiprocess_mode="livesum",
        ),
    )


def use_multiprocess(folder: str) -> None:
    """Count in files under `folder`, shared by the processes forked after this call."""
    os.environ[MULTIPROC_ENV] = folder
    values.ValueClass = values.get_value_class()


def worker_gone(pid: int) -> None:
    """A worker exited: its live gauges stop counting (its counters are kept)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)


def exposition() -> tuple[bytes, str]:
    """The current figures, and their content type."""
    metrics()  # every metric is listed, at zero before its first event
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
