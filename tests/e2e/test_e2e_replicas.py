"""Replicas on one PostgreSQL: two `factbot serve --http` processes and a cron-style
`factbot digest --post`, as a team behind a load balancer would run them."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from conftest import SlackClient, payload
from factbot_slack_mock import MockSlack
from processes import environment, factbot, serving

EVENTS = 200


def mention(i: int) -> dict[str, object]:
    body = payload("event_app_mention.json")
    body["event_id"] = f"EvREPLICA{i:05d}"
    body["event"]["ts"] = f"1700002000.{i:06d}"
    return body


def test_two_replicas_and_a_cron_digest_on_one_postgresql(
    mock_slack: MockSlack, postgres_url: str
) -> None:
    """Each of 200 mentions is delivered to both replicas at the same moment: exactly one reply
    each. Both replicas' schedulers and a `digest --post` race for today's digest: one post per
    channel. `factbot stats` counts the questions answered by either replica."""
    settings = {"digest_channels": "C0ONE,C0TWO", "digest_time": "00:00"}
    with (
        serving([], mock_slack, postgres_url, **settings) as one,
        serving([], mock_slack, postgres_url, **settings) as two,
    ):
        clients = [SlackClient(one.url), SlackClient(two.url)]
        with ThreadPoolExecutor(16) as pool:
            cron = pool.submit(
                factbot, "digest", "--post", env=environment(mock_slack, postgres_url, **settings)
            )
            acks = list(
                pool.map(
                    lambda job: clients[job[0]].event(mention(job[1])).status,
                    [(side, i) for i in range(EVENTS) for side in (0, 1)],
                )
            )
            assert cron.result().returncode == 0, cron.result().stderr
        assert acks == [200] * (2 * EVENTS)
        deadline = time.monotonic() + 60
        replies = []
        while time.monotonic() < deadline:
            replies = [c for c in mock_slack.posts() if c.body.get("thread_ts")]
            if len(replies) >= EVENTS:
                break
            time.sleep(0.1)
        time.sleep(1.0)  # a late duplicate would show now
    replies = [c for c in mock_slack.posts() if c.body.get("thread_ts")]
    threads = sorted(c.body["thread_ts"] for c in replies)
    assert threads == sorted(f"1700002000.{i:06d}" for i in range(EVENTS))
    digests = sorted(c.body["channel"] for c in mock_slack.posts() if not c.body.get("thread_ts"))
    assert digests == ["C0ONE", "C0TWO"]
    stats = factbot("stats", "--days", "1", env=environment(mock_slack, postgres_url))
    assert stats.returncode == 0, stats.stderr
    assert f"Questions asked  {EVENTS}" in stats.stdout, stats.stdout
