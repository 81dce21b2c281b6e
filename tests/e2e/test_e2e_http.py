"""FactBot over real HTTP on 127.0.0.1: Slack-shaped, Slack-signed requests in; the exact Web API
calls and responses out, recorded by a mock Slack."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET, Running, SlackClient, http, payload, settings_for, settled
from factbot_slack_mock import BOT_USER, MockSlack

from bot.core import Core
from bot.matcher import Ambiguous
from bot.slack import blocks
from bot.slack.app import create_app
from bot.slack.server import HttpServer, wsgi_app
from bot.store import Store

VACCINES = "how many countries got vaccines from china?"
VACCINE_FACT = "two-sessions-2021-vaccine-donations"


def action_payload(
    factbot: Running,
    action_id: str,
    value: str,
    *,
    source: str = "block_actions_ephemeral_message.json",
    ephemeral: bool = True,
) -> dict[str, Any]:
    body = payload(source)
    body["actions"][0].update(action_id=action_id, value=value)
    if "response_url" in body:
        body["response_url"] = factbot.mock.response_url("act")
        body["container"]["is_ephemeral"] = ephemeral
    return body


def buttons(blocks_json: list[dict]) -> dict[str, dict]:
    found = {}
    for block in blocks_json:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found[element["action_id"]] = element
    return found


def all_text(blocks_json: list[dict]) -> str:
    return json.dumps(blocks_json, ensure_ascii=False)


def shown_text(node: Any) -> str:
    """Every text people see; button values (never displayed) left out."""
    if isinstance(node, dict):
        return "\n".join(
            child if key == "text" and isinstance(child, str) else shown_text(child)
            for key, child in node.items()
            if key != "value"
        )
    if isinstance(node, list):
        return "\n".join(shown_text(child) for child in node)
    return ""


# -- plumbing -------------------------------------------------------------------------------
def test_url_verification_answers_the_challenge(factbot: Running) -> None:
    """Slack's url_verification handshake gets its challenge back."""
    body = payload("url_verification.json")
    reply = factbot.slack.event(body)
    assert reply.status == 200
    assert reply.json() == {"challenge": body["challenge"]}


def test_health_check_reports_the_fact_count(factbot: Running) -> None:
    """GET /healthz answers 200 with the number of facts served."""
    reply = http("GET", f"{factbot.url}/healthz")
    assert reply.status == 200
    assert reply.json()["facts"] == len(factbot.core.sheet.curated) > 100


def test_bad_signature_is_refused_and_nothing_posted(factbot: Running) -> None:
    """A request signed with the wrong secret gets 401 and causes no Slack call."""
    assert factbot.slack.command(VACCINES, secret="wrong-secret").status == 401
    assert factbot.slack.event(payload("event_app_mention.json"), secret="nope").status == 401
    assert factbot.mock.made() == []
    assert factbot.store.outcome_counts() == {}


def test_stale_timestamp_is_refused_and_nothing_posted(factbot: Running) -> None:
    """A correctly signed request older than five minutes is a replay: 401."""
    old = int(time.time()) - 6 * 60
    assert factbot.slack.event(payload("event_app_mention.json"), timestamp=old).status == 401
    assert factbot.slack.command(VACCINES, timestamp=old).status == 401
    assert factbot.mock.made() == []


def test_unknown_path_is_404(factbot: Running) -> None:
    """Only /slack/events and /healthz exist."""
    assert http("GET", f"{factbot.url}/").status == 404


# -- /ask -----------------------------------------------------------------------------------
def test_ask_answers_privately_in_the_command_response(factbot: Running) -> None:
    """/ask <question>: an ephemeral reply in the response itself, with source, date, buttons."""
    reply = factbot.slack.command(VACCINES)
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    out = body["blocks"]
    assert out[0]["elements"][0]["text"] == f"You asked: _{VACCINES}_"
    assert "69 countries" in out[1]["text"]["text"]
    assert out[2]["elements"][0]["text"].startswith("Source: What the 2021 Two Sessions offer")
    assert out[2]["elements"][0]["text"].endswith(" · 11 March 2021")
    assert list(buttons(out)) == [blocks.SHARE, blocks.HELPFUL, blocks.NOT_HELPFUL]
    value = json.loads(buttons(out)[blocks.SHARE]["value"])
    assert value == {"f": VACCINE_FACT, "u": "U0HUMAN", "q": VACCINES}
    assert "69 countries" in body["text"]
    assert factbot.mock.made() == []  # nothing else needed within the 3 seconds
    assert settled(lambda: factbot.store.top_questions(), [(VACCINES, 1)]) == [(VACCINES, 1)]


@pytest.mark.parametrize("text", ["", "help", "HELP"])
def test_ask_help_explains_usage_with_three_examples(factbot: Running, text: str) -> None:
    """/ask and /ask help: how to ask, plus three example questions from the sheet."""
    body = factbot.slack.command(text).json()
    assert body["response_type"] == "ephemeral"
    lines = shown_text(body["blocks"]).splitlines()
    examples = [line for line in lines if line.startswith("• `/ask ") and "&lt;" not in line]
    assert len(examples) == 3
    assert factbot.store.outcome_counts() == {}


def test_ask_list_shows_articles_with_dates_and_fact_counts(factbot: Running) -> None:
    """/ask list: every article the sheet cites, its date and how many facts it backs."""
    out = all_text(factbot.slack.command("list").json()["blocks"])
    sheet = factbot.core.sheet
    assert f"{len(sheet.curated)} facts from {len(sheet.articles)} articles" in out
    for article in factbot.core.sheet.articles.values():
        n = sum(1 for f in factbot.core.sheet.curated if f.article == article.id)
        assert blocks.format_date(article.date) in out
        assert f"{blocks.format_date(article.date)} · {n} facts" in out


def test_ask_search_lists_matching_facts(factbot: Running) -> None:
    """/ask search <words>: facts containing those words, each with its source."""
    out = factbot.slack.command("search vaccine").json()["blocks"]
    assert out[0]["text"]["text"] == "*Facts matching* _vaccine_:"
    assert "69 countries" in all_text(out)
    assert "Source: " in all_text(out)
    none = factbot.slack.command("search zzyzx").json()["blocks"]
    assert "No facts match _zzyzx_." in all_text(none)


def test_no_match_declines_offers_topics_and_is_recorded(factbot: Running) -> None:
    """An unknown question: "I don't know that yet", topics, and it is recorded for curators."""
    out = factbot.slack.command("what is the wifi password?").json()["blocks"]
    assert out[0]["text"]["text"].startswith("I don't know that yet: _what is the wifi password?_")
    assert buttons(out) == {}
    assert factbot.store.outcome_counts() == {"no_match": 1}
    assert settled(
        lambda: factbot.store.top_questions(outcome="no_match"), [("what is the wifi password?", 1)]
    ) == [("what is the wifi password?", 1)]


def test_broadcast_in_a_question_pings_nobody(factbot: Running) -> None:
    """<!channel> (as Slack escapes it) comes back escaped, never as a live broadcast."""
    reply = factbot.slack.command("&lt;!channel&gt; wifi password &amp; more")
    out = all_text(reply.json()["blocks"])
    assert "<!channel>" not in out
    assert "&lt;!channel&gt; wifi password &amp; more" in out
    # A live broadcast in a mention is dropped at the edge; a typed one is shown as text.
    factbot.slack.event(
        _mention(f"<@{BOT_USER}> <!channel> &lt;!here&gt; wifi password?", "Ev0PING")
    )
    (post,) = factbot.mock.wait_for(1)
    shown = shown_text(post.body)
    assert "<!channel>" not in shown and "<!here>" not in shown and "link_names" not in post.body
    assert "_&lt;!here&gt; wifi password?_" in shown


def test_long_question_keeps_button_values_under_the_limit(factbot: Running) -> None:
    """A 3000-character question still yields valid buttons (values of at most 2000)."""
    question = "how many countries got vaccines from china " + "really " * 420
    reply = factbot.slack.command(question)
    assert reply.status == 200
    for button in buttons(reply.json()["blocks"]).values():
        assert len(button["value"]) <= 2000


# -- buttons --------------------------------------------------------------------------------
def _value(fact_id: str = VACCINE_FACT, question: str = VACCINES) -> str:
    return blocks.ButtonValue(fact_id, "U0HUMAN", question).encode()


def test_share_posts_in_channel_as_the_bot_naming_the_asker(factbot: Running) -> None:
    """Share to channel: chat.postMessage in the channel, 'asked by', then the private copy goes."""
    reply = factbot.slack.action(action_payload(factbot, blocks.SHARE, _value()))
    assert reply.status == 200
    post, hook = factbot.mock.wait_for(2)
    assert post.method == "chat.postMessage"
    assert post.body["channel"] == "C0GENERAL"
    assert post.headers["Authorization"] == "Bearer xoxb-test-token-not-real"
    assert post.body["blocks"][0]["elements"][0]["text"] == f"<@U0HUMAN> asked: _{VACCINES}_"
    assert "69 countries" in post.body["blocks"][1]["text"]["text"]
    assert "thread_ts" not in post.body and "link_names" not in post.body
    assert list(buttons(post.body["blocks"])) == [blocks.HELPFUL, blocks.NOT_HELPFUL]
    assert hook.method == "response_url" and hook.path == "/response/act"
    assert hook.body["delete_original"] is True


def test_share_where_the_bot_is_not_invited_tells_the_user(factbot: Running) -> None:
    """not_in_channel: the user is told how to invite the bot; the private answer stays."""
    factbot.mock.fail("chat.postMessage", "not_in_channel")
    factbot.slack.action(action_payload(factbot, blocks.SHARE, _value()))
    post, hook = factbot.mock.wait_for(2)
    assert post.method == "chat.postMessage"
    assert hook.body["response_type"] == "ephemeral"
    assert hook.body["replace_original"] is False
    assert "/invite @FactBot" in hook.body["text"]


def test_helpful_on_a_private_answer_is_recorded_and_acknowledged(factbot: Running) -> None:
    """Helpful: feedback stored; the private answer is replaced, thanked, Share kept."""
    factbot.slack.action(action_payload(factbot, blocks.HELPFUL, _value()))
    (hook,) = factbot.mock.wait_for(1)
    assert factbot.store.feedback_by_fact() == [(VACCINE_FACT, 1, 0)]
    assert hook.body["replace_original"] is True
    assert list(buttons(hook.body["blocks"])) == [blocks.SHARE]
    assert "Noted as helpful" in all_text(hook.body["blocks"])


def test_not_helpful_on_a_public_answer_only_tells_the_clicker(factbot: Running) -> None:
    """Not helpful on a message others see: recorded; an ephemeral thanks; message unchanged."""
    factbot.slack.action(action_payload(factbot, blocks.NOT_HELPFUL, _value(), ephemeral=False))
    (hook,) = factbot.mock.wait_for(1)
    assert factbot.store.feedback_by_fact() == [(VACCINE_FACT, 0, 1)]
    assert hook.body == {
        "text": "Thanks. I've told the curators this answer didn't help.",
        "response_type": "ephemeral",
        "replace_original": False,
    }


def test_did_you_mean_shows_the_chosen_fact_in_place(factbot: Running) -> None:
    """Ambiguous: choices as buttons; a click replaces them with that fact's answer."""
    assert isinstance(factbot.core.answer("ciie"), Ambiguous), "the sheet changed: pick another"
    out = factbot.slack.command("ciie").json()["blocks"]
    choices = buttons(out)
    assert len(choices) >= 2 and all(a.startswith(blocks.PICK_PREFIX) for a in choices)
    chosen = json.loads(choices[f"{blocks.PICK_PREFIX}1"]["value"])
    assert chosen["u"] == "U0HUMAN" and chosen["q"] == "ciie"
    factbot.slack.action(action_payload(factbot, f"{blocks.PICK_PREFIX}1", json.dumps(chosen)))
    (hook,) = factbot.mock.wait_for(1)
    fact = factbot.core.fact(chosen["f"])
    assert hook.body["replace_original"] is True
    assert hook.body["blocks"][1]["text"]["text"] == blocks.escape(fact.answer)
    assert list(buttons(hook.body["blocks"])) == [blocks.SHARE, blocks.HELPFUL, blocks.NOT_HELPFUL]
    assert factbot.store.outcome_counts() == {"ambiguous": 1}


# -- mentions and DMs -----------------------------------------------------------------------
def _mention(text: str, event_id: str, **event: Any) -> dict[str, Any]:
    body = payload("event_app_mention.json")
    body["event"].update(text=text, **event)
    body["event_id"] = event_id
    return body


def test_mention_is_answered_in_the_thread_of_the_message(factbot: Running) -> None:
    """@FactBot in a channel: reply with thread_ts = the message ts, mention stripped."""
    reply = factbot.slack.event(payload("event_app_mention.json"))
    assert reply.status == 200
    (post,) = factbot.mock.wait_for(1)
    assert post.method == "chat.postMessage"
    assert post.body["channel"] == "C0GENERAL"
    assert post.body["thread_ts"] == "1700001001.000100"
    first = post.body["blocks"][0]["elements"][0]["text"]
    assert first == "<@U0HUMAN> asked: _what is the theme of the expo?_"
    assert "New Era, Shared Future" in post.body["blocks"][1]["text"]["text"]
    assert settled(
        lambda: factbot.store.top_questions(), [("what is the theme of the expo?", 1)]
    ) == [("what is the theme of the expo?", 1)]


def test_mention_inside_a_thread_replies_in_that_thread(factbot: Running) -> None:
    """A mention already in a thread is answered in that thread (its thread_ts)."""
    factbot.slack.event(payload("event_app_mention_in_thread.json"))
    (post,) = factbot.mock.wait_for(1)
    assert post.body["thread_ts"] == "1700000990.000050"


def test_mention_from_a_bot_is_ignored(factbot: Running) -> None:
    """Messages from bots never get an answer."""
    factbot.slack.event(_mention("<@U0BOT> ciie theme", "Ev0BOTMENTION", bot_id="B0OTHER"))
    assert factbot.mock.made() == []


def test_bare_mention_explains_how_to_ask(factbot: Running) -> None:
    """Just "@FactBot": usage, in the thread."""
    factbot.slack.event(_mention(f"<@{BOT_USER}>", "Ev0BARE"))
    (post,) = factbot.mock.wait_for(1)
    assert post.body["text"] == "How to ask FactBot"


def test_direct_message_is_answered_in_the_dm(factbot: Running) -> None:
    """A DM: the reply goes to the DM channel, not in a thread."""
    body = payload("event_message_im.json")
    body["event"]["text"] = "what is the theme of the expo?"
    factbot.slack.event(body)
    (post,) = factbot.mock.wait_for(1)
    assert post.body["channel"] == "D0DIRECT"
    assert "thread_ts" not in post.body
    assert post.body["blocks"][0]["elements"][0]["text"].startswith("You asked:")
    assert "New Era, Shared Future" in post.body["text"]


def test_a_dm_answer_carries_slacks_feedback_buttons_and_a_click_is_a_vote(
    factbot: Running,
) -> None:
    """DM answers use Slack's own feedback buttons (agent view); a Not helpful click on one
    records the vote like ours and tells only the clicker."""
    body = payload("event_message_im.json")
    body["event"]["text"] = "what is the theme of the expo?"
    factbot.slack.event(body)
    (post,) = factbot.mock.wait_for(1)
    (feedback,) = [b for b in post.body["blocks"] if b["type"] == "context_actions"]
    element = feedback["elements"][0]
    assert element["type"] == "feedback_buttons"
    assert not [b for b in post.body["blocks"] if b.get("block_id") == "answer_actions"]
    click = payload("block_actions_ephemeral_message.json")
    click["response_url"] = factbot.mock.response_url("fb")
    click["container"]["is_ephemeral"] = False
    click["actions"][0] = {
        "type": "feedback_buttons",
        "action_id": element["action_id"],
        "block_id": feedback["block_id"],
        "value": element["negative_button"]["value"],
        "action_ts": "1700001020.000100",
    }
    factbot.mock.reset()
    assert factbot.slack.action(click).status == 200
    (hook,) = factbot.mock.wait_for(1)
    assert hook.body["response_type"] == "ephemeral" and "didn't help" in hook.body["text"]
    fact_id = json.loads(element["negative_button"]["value"].removeprefix("down:"))["f"]
    assert factbot.store.feedback_by_fact() == [(fact_id, 0, 1)]


def test_unknown_dm_gets_the_decline(factbot: Running) -> None:
    """Slack's example DM ("hello, what can you answer?") is declined honestly, with topics."""
    factbot.slack.event(payload("event_message_im.json"))
    (post,) = factbot.mock.wait_for(1)
    assert post.body["text"] == "I don't know that yet."
    assert "Topics I know about" in all_text(post.body["blocks"])


def test_the_bots_own_dm_is_ignored(factbot: Running) -> None:
    """The bot's own message echoed back (bot_id) is not answered."""
    assert factbot.slack.event(payload("event_message_im_from_bot.json")).status == 200
    assert factbot.mock.made() == []


def test_redelivered_event_gets_one_reply(factbot: Running) -> None:
    """A retry (X-Slack-Retry-Num, same event_id) is acknowledged but not answered again."""
    body = payload("event_app_mention.json")
    assert factbot.slack.event(body).status == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert factbot.slack.event(body, extra=retry).status == 200
    assert factbot.slack.event(body, extra={**retry, "X-Slack-Retry-Num": "2"}).status == 200
    factbot.mock.wait_for(1)
    time.sleep(0.3)
    assert factbot.mock.methods() == ["chat.postMessage"]
    assert settled(
        lambda: factbot.store.top_questions(), [("what is the theme of the expo?", 1)]
    ) == [("what is the theme of the expo?", 1)]


def test_rate_limited_post_is_retried_after_retry_after(factbot: Running) -> None:
    """429 with Retry-After: the client waits and retries; the reply is posted once."""
    factbot.mock.rate_limit("chat.postMessage", times=1)
    factbot.slack.event(payload("event_app_mention.json"))
    calls = factbot.mock.wait_for(2)
    assert [c.method for c in calls] == ["chat.postMessage (429)", "chat.postMessage"]


# -- App Home -------------------------------------------------------------------------------
def test_home_opened_publishes_the_home_tab(factbot: Running) -> None:
    """app_home_opened: views.publish with how to ask, articles, most asked, load time. The
    most asked are the curated phrasings of facts several people reached, never anyone's own
    words: a private question asked twice by one person shows nowhere."""
    factbot.slack.command("is bob in hr getting fired next week")
    factbot.slack.command("is bob in hr getting fired next week")
    for user in ("U1", "U2", "U3"):
        factbot.slack.command(VACCINES, user_id=user)
    factbot.slack.event(payload("event_app_home_opened.json"))
    (call,) = factbot.mock.wait_for(1)
    assert call.method == "views.publish"
    assert call.body["user_id"] == "U0HUMAN"
    view = call.body["view"]
    assert view["type"] == "home"
    out = all_text(view["blocks"])
    assert "`/ask &lt;question&gt;`" in out
    fact = factbot.core.answer(VACCINES).fact
    assert "Most asked this week" in out and f"{fact.questions[0]} (3 people)" in out
    assert "bob" not in out and VACCINES not in out
    assert "11 March 2021" in out and "Fact sheet last loaded <!date^" in out
    assert len(view["blocks"]) <= 100
    examples = buttons(view["blocks"])
    assert list(examples) == [f"{blocks.EXAMPLE_PREFIX}{i}" for i in range(3)]


def test_home_example_button_shows_its_answer_in_home(factbot: Running) -> None:
    """A Home tab click has no response_url: the answer is shown by publishing Home again."""
    value = _value(question="How many countries?")
    body = action_payload(
        factbot, f"{blocks.EXAMPLE_PREFIX}0", value, source="block_actions_home_tab.json"
    )
    assert "response_url" not in body
    assert factbot.slack.action(body).status == 200
    (call,) = factbot.mock.wait_for(1)
    assert call.method == "views.publish" and call.body["user_id"] == "U0HUMAN"
    first = call.body["view"]["blocks"][:4]
    assert "69 countries" in first[1]["text"]["text"]
    assert list(buttons(first)) == [blocks.HELPFUL, blocks.NOT_HELPFUL]


def test_feedback_from_home_is_recorded_and_shown_there(factbot: Running) -> None:
    """Helpful clicked in Home: stored, and Home republished with the thanks."""
    body = action_payload(factbot, blocks.HELPFUL, _value(), source="block_actions_home_tab.json")
    factbot.slack.action(body)
    (call,) = factbot.mock.wait_for(1)
    assert call.method == "views.publish"
    assert "Noted as helpful" in all_text(call.body["view"]["blocks"])
    assert factbot.store.feedback_by_fact() == [(VACCINE_FACT, 1, 0)]


# -- failures -------------------------------------------------------------------------------
def test_unexpected_error_is_logged_once_with_its_traceback(
    factbot: Running, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in a listener reaches the one error handler, traceback included; nothing posted."""

    def broken(question: str) -> None:
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr(factbot.core, "answer", broken)
    reply = factbot.slack.command(VACCINES)
    assert reply.status == 500
    records = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info is not None
    assert "matcher exploded" in str(records[0].exc_info[1])
    assert factbot.mock.made() == []


def test_command_name_follows_the_setting(
    mock_slack: MockSlack, tmp_path: Path, core: Core
) -> None:
    """FACTBOT_COMMAND=/factbot: that command is answered and its help names it."""
    settings = settings_for(mock_slack, tmp_path, FACTBOT_COMMAND="/factbot")
    store = Store(settings.db_path)
    app = create_app(settings, core, store)
    with HttpServer(wsgi_app(app, core, SECRET), port=0, threads=2) as server:
        reply = SlackClient(server.url).command("help", command="/factbot")
    store.close()
    assert "`/factbot list`" in shown_text(reply.json()["blocks"])


# -- the gate in front of Bolt ------------------------------------------------------------------
def _raw_post(url: str, head: str, body: bytes) -> tuple[str, float]:
    """Send a request by hand (a declared length need not be sent) and read the status line."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    start = time.perf_counter()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        status = sock.recv(200).split(b"\r\n", 1)[0].decode()
    return status, time.perf_counter() - start


def test_an_oversized_unsigned_body_is_refused_unread(
    factbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """A request declaring 100 MB gets 413 without the body being sent, let alone read."""
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {100 * 2**20}\r\n\r\n"
    )
    status, _ = _raw_post(factbot.url, head, b'{"type":')
    assert status.split()[1] == "413"
    assert '{"type":' not in caplog.text


def test_unsigned_and_malformed_signature_headers_get_401_and_one_short_log_line(
    factbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """No signature, a non-numeric timestamp or newlines in the body: 401, never 500, and the
    log names the reason and the size, never the body."""
    body = '{"type": "event_callback", "token": "tok-SECRET"}\nFORGED LOG LINE'
    for headers in (
        {"Content-Type": "application/json"},
        {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": "soon",
            "X-Slack-Signature": "v0=00",
        },
    ):
        reply = http("POST", f"{factbot.url}/slack/events", body, headers)
        assert reply.status == 401
    assert "refused a request to /slack/events: bad or stale signature" in caplog.text
    assert "tok-SECRET" not in caplog.text and "FORGED" not in caplog.text
    assert factbot.mock.methods() == []


def test_a_reply_the_web_api_refused_is_posted_again_once(factbot: Running) -> None:
    """The Web API refuses the first reply (internal_error): FactBot posts it again itself
    after a short delay, once; Slack's redeliveries meanwhile are acknowledged and ignored."""
    factbot.mock.fail("chat.postMessage", "internal_error")
    body = payload("event_app_mention.json")
    assert factbot.slack.event(body).status == 200
    factbot.mock.wait_for(1)  # refused: internal_error
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    assert factbot.slack.event(body, extra=retry).status == 200
    factbot.mock.wait_for(2)
    assert factbot.slack.event(body, extra={**retry, "X-Slack-Retry-Num": "2"}).status == 200
    time.sleep(1.0)
    # The refused call, then FactBot's own second attempt; nothing more.
    assert factbot.mock.methods() == ["chat.postMessage", "chat.postMessage"]


def test_a_claim_whose_owner_died_is_taken_over_after_its_lease(tmp_path: Path) -> None:
    """A process killed mid-reply leaves its claim; a redelivery after the lease answers."""
    import datetime as dt

    now = [dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)]
    with Store(tmp_path / "s.db", clock=lambda: now[0]) as store:
        assert store.claim_event("Ev1")  # the owner dies here, before finish_event
        assert not store.claim_event("Ev1")  # a redelivery within the lease waits
        now[0] += dt.timedelta(minutes=1)
        assert store.claim_event("Ev1")  # Slack's retry after the lease is answered
        store.finish_event("Ev1")
        now[0] += dt.timedelta(minutes=5)
        assert not store.claim_event("Ev1")  # answered: later retries are ignored


# -- "Find the source" ----------------------------------------------------------------------------
def _find_source(factbot: Running, text: str) -> dict[str, Any]:
    body = payload("message_action.json")
    body["response_url"] = factbot.mock.response_url("source")
    body["message"]["text"] = text
    assert factbot.slack.action(body).status == 200
    (hook,) = factbot.mock.wait_for(1)
    assert hook.path == "/response/source" and hook.body["response_type"] == "ephemeral"
    return hook.body


def test_find_source_shows_the_closest_curated_fact_privately_never_as_confirmed(
    factbot: Running,
) -> None:
    """The shortcut on a message that restates a fact: the closest fact, its verbatim quote,
    source and date, privately; it never says the message is confirmed."""
    shown = shown_text(_find_source(factbot, payload("message_action.json")["message"]["text"]))
    assert "closest curated fact" in shown and "not a confirmation" in shown
    assert "69 countries" in shown and "Source:" in shown and "11 March 2021" in shown
    assert "confirmed" not in shown.lower().replace("not a confirmation", "")


def test_find_source_says_when_no_curated_fact_matches(factbot: Running) -> None:
    """A message the sheet knows nothing of gets "No curated fact matches", and nothing else."""
    shown = shown_text(_find_source(factbot, "the coffee machine on floor 3 is broken again"))
    assert "No curated fact matches this message" in shown and "Source:" not in shown


# -- Workflow Builder step ------------------------------------------------------------------------
def test_workflow_step_completes_with_found_answer_source_and_date(factbot: Running) -> None:
    """function_executed for "Ask FactBot": functions.completeSuccess with the answer, its
    source and date; a question the sheet does not know completes with found = false."""
    body = payload("event_function_executed.json")
    assert factbot.slack.event(body).status == 200
    (done,) = factbot.mock.wait_for(1)
    assert done.method == "functions.completeSuccess"
    outputs = done.body["outputs"]
    if isinstance(outputs, str):
        outputs = json.loads(outputs)
    assert done.body["function_execution_id"] == "Fx0EXEC1"
    assert outputs["found"] is True and "69 countries" in outputs["answer"]
    assert outputs["date"] == "2021-03-11" and outputs["source"]
    body["event_id"], body["event"]["function_execution_id"] = "Ev0FUNC2", "Fx0EXEC2"
    body["event"]["inputs"] = {"question": "what is the office wifi password?"}
    factbot.slack.event(body)
    second = factbot.mock.wait_for(2)[1].body
    outputs = (
        second["outputs"] if isinstance(second["outputs"], dict) else json.loads(second["outputs"])
    )
    assert outputs == {"found": False, "answer": "", "source": "", "date": ""}


def test_messages_tab_offers_the_sheets_example_questions(factbot: Running) -> None:
    """app_home_opened with tab: messages sets three suggested prompts from the sheet's
    examples, for the DM channel and with no thread_ts."""
    body = payload("event_app_home_opened.json")
    body["event_id"] = "Ev0MSGTAB"
    body["event"].update(tab="messages", channel="D0DIRECT")
    assert factbot.slack.event(body).status == 200
    (call,) = factbot.mock.wait_for(1)
    assert call.method == "assistant.threads.setSuggestedPrompts"
    assert call.body["channel_id"] == "D0DIRECT" and "thread_ts" not in call.body
    examples = [f.questions[0] for f in blocks.pick_examples(factbot.core.sheet.curated, 3)]
    assert [p["message"] for p in call.body["prompts"]] == examples
