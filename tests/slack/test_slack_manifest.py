"""manifest.yml against Slack's app manifest schema, and against what the app listens for."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).parent / "manifest.schema.1.0.0.json"


def load_manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema() -> None:
    """manifest.yml is accepted by Slack's published manifest schema (v1.0.0)."""
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(load_manifest(), schema, cls=jsonschema.Draft7Validator)


def test_schema_rejects_a_broken_manifest() -> None:
    """The schema check has teeth: an unknown setting is refused."""
    schema = json.loads(SCHEMA.read_text())
    manifest = load_manifest()
    manifest["settings"]["socket_mode"] = True
    validator = jsonschema.Draft7Validator(schema)
    assert not validator.is_valid(manifest)


def test_manifest_declares_exactly_what_the_app_uses() -> None:
    """Socket Mode on, the /ask command, the three events, interactivity, and minimal scopes."""
    manifest = load_manifest()
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert sorted(settings["event_subscriptions"]["bot_events"]) == [
        "app_home_opened",
        "app_mention",
        "message.im",
    ]
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/ask"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read",
        "channels:history",
        "chat:write",
        "commands",
        "im:history",
    ]


def test_schema_travels_with_its_licence() -> None:
    """The copied schema keeps Slack's MIT notice beside it."""
    licence = (Path(__file__).parent / "manifest-schema.LICENSE").read_text()
    assert "MIT" in licence and "Slack Technologies" in licence


def test_http_mode_manifest_from_the_readme_validates() -> None:
    """The README's switch to HTTP mode (request URLs, Socket Mode off) is a valid manifest."""
    schema = json.loads(SCHEMA.read_text())
    manifest = load_manifest()
    url = "https://factbot.example.com/slack/events"
    manifest["features"]["slash_commands"][0]["url"] = url
    manifest["settings"]["event_subscriptions"]["request_url"] = url
    manifest["settings"]["interactivity"]["request_url"] = url
    manifest["settings"]["socket_mode_enabled"] = False
    jsonschema.validate(manifest, schema, cls=jsonschema.Draft7Validator)
    readme = (ROOT / "README.md").read_text()
    assert f"request_url: {url}" in readme and "socket_mode_enabled: false" in readme
