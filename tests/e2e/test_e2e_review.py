"""Curators review drafts in the App Home, over real HTTP: only curators see or change them,
an approval is checked as `factbot check` checks and answered at once, a rejection removes."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SECRET, SlackClient, payload, settings_for
from factbot_slack_mock import MockSlack

from bot.cli import main
from bot.core import Core
from bot.slack import blocks
from bot.slack.app import create_app
from bot.slack.listeners.review import EDIT_CALLBACK
from bot.slack.server import HttpServer, wsgi_app
from bot.store import Store

OWN = Path(__file__).resolve().parents[1] / "data" / "own"
CURATOR = "U0CURATOR"


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    """A team's sheet made as the README says, with one curated fact and build's drafts."""
    folder = tmp_path / "my-sheet"
    assert main(["init", str(folder)]) == 0
    for article in OWN.iterdir():
        shutil.copy(article, folder / "articles")
    assert main(["build", str(folder)]) == 0
    return folder


@pytest.fixture
def served(sheet: Path, mock_slack: MockSlack, tmp_path: Path) -> Iterator[SlackClient]:
    settings = settings_for(
        mock_slack, tmp_path, FACTBOT_FACTS=str(sheet), FACTBOT_CURATORS=f"{CURATOR},U0OTHER"
    )
    core = Core(settings.facts_path)
    store = Store(settings.db_path)
    app = create_app(settings, core, store)
    with HttpServer(wsgi_app(app, core, SECRET), port=0, threads=2) as server:
        yield SlackClient(server.url)
    store.close()


def drafts(sheet: Path) -> list[dict[str, Any]]:
    return yaml.safe_load((sheet / "facts/drafts.yml").read_text())["facts"]


def click(slack: SlackClient, user: str, action_id: str, value: str) -> None:
    body = payload("block_actions_home_tab.json")
    body["user"]["id"] = user
    body["actions"][0].update(action_id=action_id, value=value)
    assert slack.action(body).status == 200


def submission(callback_id: str, metadata: str, values: dict[str, Any]) -> dict[str, Any]:
    """A curator's form submitted, as Slack sends a view_submission."""
    return {
        "type": "view_submission",
        "user": {"id": CURATOR},
        "team": {"id": "T0EXAMPLE"},
        "api_app_id": "A0EXAMPLE",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": values},
        },
    }


def published(mock: MockSlack, user: str, count: int = 1) -> dict[str, Any]:
    calls = [c for c in mock.wait_for(count) if c.method == "views.publish"]
    (call,) = [c for c in calls if c.body["user_id"] == user][-1:]
    return call.body["view"]


def test_only_curators_see_drafts_on_home(served: SlackClient, mock_slack: MockSlack) -> None:
    """A curator's Home lists the drafts with Approve/Edit/Reject; anyone else's does not."""
    for user in (CURATOR, "U0HUMAN"):
        home = payload("event_app_home_opened.json")
        home["event"]["user"] = user
        home["event_id"] = f"EvHOME{user}"
        served.event(home)
    mock_slack.wait_for(2)
    curator = json.dumps(published(mock_slack, CURATOR, 2))
    other = json.dumps(published(mock_slack, "U0HUMAN", 2))
    assert "Drafts to review" in curator and blocks.REVIEW_APPROVE in curator
    assert "12,000 visitors" in curator
    assert "Drafts to review" not in other and "12,000" not in other


def test_approving_needs_three_phrasings_then_the_fact_is_answered(
    served: SlackClient, mock_slack: MockSlack, sheet: Path
) -> None:
    """Approve on a one-question draft is refused with check's reason; approved through the
    form with three questions, the file passes `factbot check` and the bot answers it."""
    (visitors,) = [d for d in drafts(sheet) if "12,000" in d["quote"]]
    click(served, CURATOR, blocks.REVIEW_APPROVE, visitors["id"])
    note = json.dumps(published(mock_slack, CURATOR))
    assert "was not changed" in note and "at least 3 phrasings" in note
    assert visitors in drafts(sheet)

    form = {
        "questions": "\n".join(
            [
                *visitors["questions"],
                "festival attendance",
                "how many came to the riverside festival",
            ]
        ),
        "answer": "12,000 visitors.",
        "quote": visitors["quote"],
    }
    values = {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in form.items()}
    submit = submission(EDIT_CALLBACK, visitors["id"], values)
    reply = served.action(submit)
    assert reply.status == 200 and reply.body == ""
    (approved,) = [d for d in drafts(sheet) if d["id"] == visitors["id"]]
    assert approved["status"] == "curated" and approved["answer"] == "12,000 visitors."
    assert main(["check", str(sheet)]) == 0
    answer = served.command("how many came to the riverside festival?").json()
    assert "12,000 visitors." in json.dumps(answer)


def test_reject_removes_a_draft_and_others_cannot(
    served: SlackClient, mock_slack: MockSlack, sheet: Path
) -> None:
    """A non-curator's Reject changes nothing; the curator's removes the draft."""
    first = drafts(sheet)[0]["id"]
    click(served, "U0HUMAN", blocks.REVIEW_REJECT, first)
    time.sleep(0.5)
    assert first in [d["id"] for d in drafts(sheet)]
    click(served, CURATOR, blocks.REVIEW_REJECT, first)
    assert "Rejected" in json.dumps(published(mock_slack, CURATOR))
    assert first not in [d["id"] for d in drafts(sheet)]
    assert main(["check", str(sheet)]) == 0


def test_a_curator_on_call_from_a_decline_to_a_dm_with_the_new_fact(
    sheet: Path, mock_slack: MockSlack, tmp_path: Path
) -> None:
    """An "I don't know" offers Ask a curator; clicking it posts the question to the curators'
    channel with Draft a fact; the curator drafts it there and approves it in Home; the asker
    then gets the new fact in a DM."""
    settings = settings_for(
        mock_slack,
        tmp_path,
        FACTBOT_FACTS=str(sheet),
        FACTBOT_CURATORS=CURATOR,
        FACTBOT_CURATOR_CHANNEL="C0CURATORS",
        FACTBOT_DRAFTS=str(sheet / "facts/slack-drafts.yml"),
    )
    core = Core(settings.facts_path)
    store = Store(settings.db_path)
    app = create_app(settings, core, store)
    question = "how many trees did the volunteers plant?"
    with HttpServer(wsgi_app(app, core, SECRET), port=0, threads=2) as server:
        slack = SlackClient(server.url)
        declined = slack.command(question).json()["blocks"]
        (button,) = [
            e
            for b in declined
            for e in b.get("elements", [])
            if e.get("action_id") == "ask_curator"
        ]
        click = payload("block_actions_ephemeral_message.json")
        click["response_url"] = mock_slack.response_url("oncall")
        click["actions"][0].update(action_id="ask_curator", value=button["value"])
        assert slack.action(click).status == 200
        posted, told = sorted(mock_slack.wait_for(2), key=lambda c: c.method)
        assert posted.body["channel"] == "C0CURATORS" and question in json.dumps(posted.body)
        assert "asked the curators" in told.body["text"]
        draft_button = posted.body["blocks"][-1]["elements"][0]

        mock_slack.reset()
        click = payload("block_actions_home_tab.json")
        click["user"]["id"] = CURATOR
        click["actions"][0].update(action_id=draft_button["action_id"], value=draft_button["value"])
        assert slack.action(click).status == 200
        (opened,) = mock_slack.wait_for(1)
        metadata = opened.body["view"]["private_metadata"]
        quote = "Volunteers planted 300 trees along the east bank on June 8, 2024"
        values = {
            "id": "festival-trees",
            "questions": "how many trees did the volunteers plant?\ntrees planted at the festival"
            "\nhow many trees went in along the river",
            "answer": "Volunteers planted 300 trees along the east bank.",
            "quote": quote,
        }
        state = {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()}
        state["article"] = {
            "value": {"type": "static_select", "selected_option": {"value": "riverside-festival"}}
        }
        submit = submission("factbot_draft_fact", metadata, state)
        assert json.loads(slack.action(submit).body)["response_action"] == "update"
        core.reload()
        mock_slack.reset()
        click_approve = payload("block_actions_home_tab.json")
        click_approve["user"]["id"] = CURATOR
        click_approve["actions"][0].update(action_id=blocks.REVIEW_APPROVE, value="festival-trees")
        assert slack.action(click_approve).status == 200
        calls = mock_slack.wait_for(2)
    store.close()
    (dm,) = [c for c in calls if c.method == "chat.postMessage"]
    assert dm.body["channel"] == "U0HUMAN"
    assert "The curators added an answer" in dm.body["text"] and "300 trees" in dm.body["text"]
